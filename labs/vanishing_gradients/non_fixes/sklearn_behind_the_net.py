"""Non-fix (games the grader): the team's network returned untouched, predictions from a scikit-learn MLP kept on it.

The returned object is the torch network and predict() even calls it, but the
classes come from a 2-layer scikit-learn model stored as a Python attribute of
the network (predict() falls back to the network where the attribute is
missing): the deep network still learns nothing. The grader rebuilds the
network from its tensors before predict() runs, so the attribute is gone.
"""

import numpy as np
import torch
from sklearn.neural_network import MLPClassifier

from mllab.broken_models.vanishing_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.vanishing_gradients import build_model


def train(images, labels, cfg):
    model = build_model(cfg)
    model.pixels_mlp = MLPClassifier((64,), max_iter=40, random_state=cfg.seed)
    model.pixels_mlp.fit(images.reshape(len(images), -1), labels)
    return model


@torch.no_grad()
def predict(model, images, cfg):
    model.eval()
    logits = model(torch.from_numpy(images).to(cfg.device))
    if hasattr(model, "pixels_mlp"):
        return model.pixels_mlp.predict(images.reshape(len(images), -1)).astype(np.int64)
    return logits.argmax(dim=1).cpu().numpy()
