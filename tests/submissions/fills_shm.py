"""Fills shared memory and /tmp (memory the resident-size guard does not see)."""
import numpy as np

CONFIG = {}  # the test puts the most it may be able to write, in MiB, here


def fill(path):
    written = 0
    block = b"\1" * 2**20
    try:
        with open(path, "wb") as fh:
            for _ in range(1024):
                fh.write(block)
                fh.flush()
                written += 1
    except OSError:
        pass
    return written


def train(X, y):
    for path in ("/dev/shm/mllab-hoard", "/tmp/mllab-hoard"):
        written = fill(path)
        if written > CONFIG["most_mb"]:
            raise RuntimeError(f"BREACH wrote {written} MiB to {path}")
    design = np.c_[X, np.ones(len(X))]
    weights, *_ = np.linalg.lstsq(design, 2 * y - 1, rcond=None)
    return weights


def predict(model, X):
    return (np.c_[X, np.ones(len(X))] @ model > 0).astype(int)
