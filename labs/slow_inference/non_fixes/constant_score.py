"""Non-fix (gaming the timing and the rerun check): give every account the training default rate.

Nothing could be faster or more repeatable, and no per-account loop is left; but
scores that ignore the account rank defaulters no better than chance.
"""

import numpy as np

from mllab.broken_models.slow_inference import *  # noqa: F403 - the team's code, unchanged


def train(features, defaulted, cfg):
    return float(np.mean(defaulted))


def score(model, features, cfg):
    return np.full(len(features), model, dtype=np.float32)
