"""The sandboxed side of train_serve_skew: train and save, serve each request, score the table.

Each entry (``harness``: train and save; ``serve_each``; ``score_table``) runs in a
fresh process of its own, beside the learner's code, so nothing it computes is
trusted. The model travels between runs as its pickled bytes.
"""

from __future__ import annotations

import math
import pickle

import numpy as np

SERVE_HINT = ("The order service receives cities and cuisines the model never saw, and "
              "requests with fields left out or sent as null: serve() must return a score "
              "for every one of them.")
SAVE_HINT = ("The order service and the nightly job load the model train() saved: return "
             "an object pickle can store and load (classes and functions defined at module "
             "level, no lambdas, open files or locks).")


def harness(submission, train, device: str, seed: int) -> dict:
    """Train on the historical orders; return the model as pickled bytes."""
    model = submission.call("train", train.copy(), submission.call("Config"))
    try:
        saved = pickle.dumps(model)
    except Exception as exc:  # noqa: BLE001 - whatever the learner's object raises
        raise _error(f"the model train() returned cannot be saved with pickle: "
                     f"{type(exc).__name__}: {exc}", SAVE_HINT) from None
    return {"model": np.frombuffer(saved, dtype=np.uint8)}


def serve_each(submission, model, requests, notes, device: str, seed: int) -> dict:
    """Load the model; serve() each request on its own, in the order given."""
    model = _loaded(model)
    served = [_serve_one(submission, model, body, number, note)
              for number, (body, note) in enumerate(zip(requests, notes), start=1)]
    return {"served": np.array(served)}


def score_table(submission, model, table, device: str, seed: int) -> dict:
    """Load the model; predict_batch() the whole table at once."""
    return {"batch": submission.call("predict_batch", _loaded(model), table.copy())}


def _error(message: str, hint: str):
    from mllab.graders.child import SubmissionError

    return SubmissionError("runtime-error", message, hint)


def _loaded(saved: np.ndarray):
    """The model unpickled from the bytes the training run saved."""
    try:
        return pickle.loads(np.asarray(saved, dtype=np.uint8).tobytes())
    except Exception as exc:  # noqa: BLE001 - whatever the learner's object raises
        raise _error(f"the model train() saved cannot be loaded back with pickle: "
                     f"{type(exc).__name__}: {exc}", SAVE_HINT) from None


def _serve_one(submission, model, body: dict, number: int, note: str) -> float:
    """serve()'s probability for one request, or a SubmissionError naming the request."""
    from mllab.graders.child import SubmissionError as error

    try:
        value = submission.call("serve", model, dict(body))
    except error as exc:
        if exc.kind == "bad-signature":
            raise
        first, _, rest = exc.message.partition("\n")
        raise error(exc.kind, f"{first} on production request #{number}{note}\n{rest}".rstrip(),
                    SERVE_HINT) from None
    try:
        value = float(np.asarray(value, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise error("invalid-output", f"serve() returned {type(value).__name__} "
                    f"{str(value)[:60]!r} for production request #{number}, not one number",
                    "serve() returns P(late) for one order as a float.") from None
    if not math.isfinite(value):
        raise error("invalid-output", f"serve() returned {value} on production request "
                    f"#{number}{note}", SERVE_HINT)
    return value
