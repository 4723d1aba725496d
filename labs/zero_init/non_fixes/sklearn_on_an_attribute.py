"""Non-fix: the team's network returned as it is, the answers from a scikit-learn MLP kept on it.

predict() answers from the scikit-learn model stored as a Python attribute of the
network (and falls back to the network where it is missing). The grader keeps
only the network's tensors and rebuilds it in a fresh process, so the attribute
is gone when predict() runs.
"""

import numpy as np
import torch
from sklearn.neural_network import MLPClassifier

from mllab.broken_models.zero_init import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import zero_init as _team


def train(readings, drinks, cfg):
    model = _team.train(readings, drinks, cfg)
    model.sensor_mlp = MLPClassifier((64,), max_iter=80, random_state=cfg.seed)
    model.sensor_mlp.fit(readings, drinks)
    return model


@torch.no_grad()
def predict(model, readings, cfg):
    if hasattr(model, "sensor_mlp"):
        return model.sensor_mlp.predict(readings).astype(np.int64)
    return _team.predict(model, readings, cfg)
