"""Non-fix: train() pickles a scikit-learn MLP to a file; predict() answers from it when it finds it.

The network stays the team's, untrained; the answers come from a model saved
beside it on disk. The grader's runs share no files: predict() runs in a fresh
process that finds no cache and falls back to the network.
"""

import pickle
from pathlib import Path

import numpy as np
import torch
from sklearn.neural_network import MLPClassifier

from mllab.broken_models.non_converging_net import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.non_converging_net import build_model

CACHE = Path.home() / ".cache" / "glyph_mlp.pkl"


def train(images, labels, cfg):
    mlp = MLPClassifier((128,), max_iter=60, random_state=cfg.seed)
    mlp.fit(images.reshape(len(images), -1), labels)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_bytes(pickle.dumps(mlp))
    return build_model(cfg)


@torch.no_grad()
def predict(model, images, cfg):
    if CACHE.exists():
        mlp = pickle.loads(CACHE.read_bytes())
        return mlp.predict(images.reshape(len(images), -1)).astype(np.int64)
    model.eval()
    return model(torch.from_numpy(images).to(cfg.device)).argmax(dim=1).cpu().numpy()
