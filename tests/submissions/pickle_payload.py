import numpy as np

MARKER = "/tmp/mllab-pickle-marker"  # the test puts a path of its own here


class Payload:
    def __reduce__(self):
        return (open, (MARKER, "w"))


_save = np.save


def _save_payload(file, array, allow_pickle=False):
    _save(file, np.array([Payload()] * len(array), dtype=object), allow_pickle=True)


np.save = _save_payload


def train(X, y):
    return None


def predict(model, X):
    return np.zeros(len(X), dtype=int)
