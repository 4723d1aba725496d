"""Non-fix (cheat): no learning. The data generator's damage rule, copied, flags the
labels it contradicts and makes the decisions.

On photos of the team's own embedding this would find every miss and agree with the
desk on about 97% of parcels. The grader's photos come from a freshly drawn embedding
(which components carry the damage, and with which sign), so a rule copied from one
draw is wrong on the next: only what is learned from the given rows transfers.
"""

import numpy as np

from mllab.broken_models.noisy_labels import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.noisy_labels import FEATURES, TARGET

# mllab.datasets.parcels.damage_score for the team's world (the generator itself is not
# importable in the sandbox, so it is copied here)
WEIGHTS = np.array([1.2, 0.9, -0.7, 0.6, 0.0, 0.0, 0.0])


def damage_score(X):
    return X @ WEIGHTS + 0.4 * (X[:, 4] ** 2 - 1) + 0.4 * X[:, 5] * X[:, 6]


def find_suspects(photos, cfg):
    looks_damaged = damage_score(photos[FEATURES].to_numpy()) > 0
    return (looks_damaged & (photos[TARGET] == 0).to_numpy()).astype(int)


def train(photos, cfg):
    return None  # nothing to learn: the rule is known


def predict(model, X):
    return (damage_score(X[FEATURES].to_numpy()) > 0).astype(int)
