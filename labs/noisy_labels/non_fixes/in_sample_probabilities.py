"""Non-fix: confident learning with in-sample probabilities.

The same per-class thresholds as the reference fix, but the probabilities come from a
random forest scored on the rows it was trained on. The forest has memorised those
labels, the wrong ones included, so it agrees with almost every one of them: the
suspect list stays short, and the model still learns most of the misses.
"""

import numpy as np
from sklearn.ensemble import RandomForestClassifier

from mllab.broken_models.noisy_labels import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.noisy_labels import FEATURES, TARGET


def forest(cfg):
    return RandomForestClassifier(n_estimators=50, random_state=cfg.seed)


def find_suspects(photos, cfg):
    given = photos[TARGET].to_numpy()
    probabilities = forest(cfg).fit(photos[FEATURES], given).predict_proba(photos[FEATURES])
    thresholds = np.array([probabilities[given == k, k].mean() for k in (0, 1)])
    other = 1 - given
    return (probabilities[np.arange(len(given)), other] >= thresholds[other]).astype(int)


def train(photos, cfg):
    keep = find_suspects(photos, cfg) == 0
    return forest(cfg).fit(photos.loc[keep, FEATURES], photos.loc[keep, TARGET])
