import os


def train(X, y):
    os.abort()


def predict(model, X):
    return X
