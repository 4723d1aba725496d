"""Writes its own status claiming a grader fault, then leaves before the grader writes one."""
import json
import os


def train(X, y):
    with open("status.json", "w") as fh:
        json.dump({"kind": "internal-error", "message": "planted"}, fh)
    os._exit(0)


def predict(model, X):
    return X
