import ctypes


def train(X, y):
    ctypes.string_at(0)


def predict(model, X):
    return X
