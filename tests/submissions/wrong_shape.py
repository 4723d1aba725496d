import numpy as np


def train(X, y):
    return None


def predict(model, X):
    return np.zeros(len(X) // 2, dtype=int)
