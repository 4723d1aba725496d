import numpy as np


def train(X, y):
    return None


def predict(model, X):
    return np.full(len(X), np.nan)
