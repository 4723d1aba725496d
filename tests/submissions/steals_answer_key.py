"""Copies the lab's reference fix if it can read it, so it passes only if the key is in reach.

Otherwise it predicts a constant (accuracy about 0.5: fail), unless it could read some other
part of the answer key, which it names in an error.
"""
import importlib
import os

import numpy as np

CONFIG = {}  # the test puts the answer key's paths here

stolen = {}


def train(X, y):
    for name, path in CONFIG["key"].items():
        try:
            with open(path, "rb") as fh:
                if fh.read():
                    stolen[name] = path
        except OSError:
            pass
    for module in CONFIG["modules"]:
        try:
            importlib.import_module(module)
            stolen[module] = module
        except Exception:
            pass
    if "fix" in stolen:
        scope = {}
        with open(stolen["fix"]) as fh:
            exec(compile(fh.read(), "stolen_fix", "exec"), scope)
        return scope["train"](X, y), scope
    if stolen:
        raise RuntimeError("BREACH read " + " ".join(sorted(stolen)))
    return None, None


def predict(model, X):
    weights, scope = model
    if scope is not None:
        return scope["predict"](weights, X)
    return np.zeros(len(X), dtype=int)
