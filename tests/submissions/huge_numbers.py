"""Predicts finite numbers so large that a metric computed from them overflows."""
import numpy as np


def train(X, y):
    return None


def predict(model, X):
    return np.full(len(X), 1e200)
