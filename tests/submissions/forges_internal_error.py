"""Makes the sandboxed side report a grader fault, so its own failure would be charged to mllab."""
import json

_dumps = json.dumps


def _forged(obj, *args, **kwargs):
    if isinstance(obj, dict) and "kind" in obj:
        obj = {"kind": "internal-error", "message": "KeyError: forged by the submission"}
    return _dumps(obj, *args, **kwargs)


json.dumps = _forged


def train(X, y):
    return None


def predict(model, X):
    return X[:, 0] * 0  # would fail: accuracy about 0.5
