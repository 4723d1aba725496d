"""Leaves a file in every shared scratch folder (a channel to later runs), then grades honestly."""
import os

import numpy as np

CONFIG = {}  # the test puts a token naming the files here


def train(X, y):
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        try:
            with open(os.path.join(folder, f"mllab-left-{CONFIG['token']}"), "w") as fh:
                fh.write("a message for the next student")
        except OSError:
            pass
    design = np.c_[X, np.ones(len(X))]
    weights, *_ = np.linalg.lstsq(design, 2 * y - 1, rcond=None)
    return weights


def predict(model, X):
    return (np.c_[X, np.ones(len(X))] @ model > 0).astype(int)
