"""Fix: least squares on all features."""

import numpy as np


def train(X, y):
    design = np.c_[X, np.ones(len(X))]
    weights, *_ = np.linalg.lstsq(design, 2 * y - 1, rcond=None)
    return weights


def predict(model, X):
    return (np.c_[X, np.ones(len(X))] @ model > 0).astype(int)
