"""A submission for the start-up benchmark: imports the lab stack, trains nothing to speak of."""
import numpy as np
import pandas  # noqa: F401
import sklearn.linear_model  # noqa: F401
import torch  # noqa: F401


def train(X, y):
    design = np.c_[X, np.ones(len(X))]
    weights, *_ = np.linalg.lstsq(design, 2 * y - 1, rcond=None)
    return weights


def predict(model, X):
    return (np.c_[X, np.ones(len(X))] @ model > 0).astype(int)
