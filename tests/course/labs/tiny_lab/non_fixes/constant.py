"""Non-fix: predict the majority class."""

import numpy as np


def train(X, y):
    return None


def predict(model, X):
    return np.zeros(len(X), dtype=int)
