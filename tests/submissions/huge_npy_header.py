"""Saves an array whose header claims 10**11 values: reading it naively allocates 800 GB."""
import numpy as np


def _claims_huge(file, array, allow_pickle=False):
    header = {"descr": "<f8", "fortran_order": False, "shape": (10**11,)}
    np.lib.format.write_array_header_1_0(file, header)
    file.write(b"\0" * 8)


np.save = _claims_huge


def train(X, y):
    return None


def predict(model, X):
    return np.zeros(len(X), dtype=int)
