import time


def train(X, y):
    time.sleep(3600)


def predict(model, X):
    return X
