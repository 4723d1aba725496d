import signal
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)


def train(X, y):
    while True:
        time.sleep(0.01)


def predict(model, X):
    return X
