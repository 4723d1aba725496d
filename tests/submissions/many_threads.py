"""Attack: 3,000 sleeping threads (the process budget counted processes, not threads)."""

import threading
import time

import numpy as np


def train(X, y):
    for _ in range(3000):
        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
    design = np.c_[X, np.ones(len(X))]
    weights, *_ = np.linalg.lstsq(design, 2 * y - 1, rcond=None)
    return weights


def predict(model, X):
    return (np.c_[X, np.ones(len(X))] @ model > 0).astype(int)
