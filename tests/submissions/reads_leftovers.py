"""A later student's run: fails with an error if an earlier run's file reached it."""
import os

import numpy as np

CONFIG = {}  # the test puts the earlier run's token here


def train(X, y):
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.exists(os.path.join(folder, f"mllab-left-{CONFIG['token']}")):
            raise RuntimeError(f"BREACH a file from an earlier run in {folder}")
    design = np.c_[X, np.ones(len(X))]
    weights, *_ = np.linalg.lstsq(design, 2 * y - 1, rcond=None)
    return weights


def predict(model, X):
    return (np.c_[X, np.ones(len(X))] @ model > 0).astype(int)
