"""Grading for train_serve_skew: fresh orders served one at a time, and in batch.

``make_split`` and ``measure`` run in the grading process; ``harness`` runs in the
sandbox with the submission and never sees whether an order was late.

The harness trains the submission, sends every production order through
``serve`` as the app's JSON body (new cities and cuisines, fields left out or
null), and only then scores the same orders as one table with
``predict_batch``. The parent checks that both paths give the same probability
for the same order, that the live scores rank late orders well, and that on
average they predict as many late orders as there were: dispatch and the ETA
shown in the app use the probability itself, not only its rank.
"""

from __future__ import annotations

import json
import math

import numpy as np
from sklearn.metrics import roc_auc_score

from mllab.datasets.deliveries import CATEGORICAL, NUMERIC, TARGET, orders, requests
from mllab.graders import Split

TRAIN_ROWS = 20_000
SERVED_ROWS = 500  # each goes through serve() on its own: the slow part of grading
TOLERANCE = 1e-3  # |live - batch| in probability that still counts as the same score

SERVE_HINT = ("The order service receives cities and cuisines the model never saw, and "
              "requests with fields left out or sent as null: serve() must return a score "
              "for every one of them.")


def make_split(train_seed: int, eval_seed: int) -> Split:
    live = orders(SERVED_ROWS, eval_seed, production=True)
    table = live.drop(columns=TARGET)
    return Split(train=orders(TRAIN_ROWS, train_seed),
                 eval={"table": table, "requests": requests(table, eval_seed)},
                 truth=live[TARGET].to_numpy())


def harness(submission, train, live, device: str, seed: int) -> dict:
    config = submission.call("Config")
    model = submission.call("train", train.copy(), config)
    known = {field: set(train[field].dropna()) for field in CATEGORICAL}
    # Live traffic first, then the nightly job: the batch path can feed nothing to serve().
    served = np.array([_serve_one(submission, model, body, number, known)
                       for number, body in enumerate(live["requests"], start=1)])
    batch = submission.call("predict_batch", model, live["table"].copy())
    return {"served": served, "batch": batch}


def _serve_one(submission, model, body: dict, number: int, known: dict) -> float:
    """serve()'s probability for one request, or a SubmissionError naming the request."""
    from mllab.graders.child import SubmissionError as error

    try:
        value = submission.call("serve", model, dict(body))
    except error as exc:
        if exc.kind == "bad-signature":
            raise
        first, _, rest = exc.message.partition("\n")
        raise error(exc.kind, f"{first} {_about(body, number, known)}\n{rest}".rstrip(),
                    SERVE_HINT) from None
    try:
        value = float(np.asarray(value, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise error("invalid-output", f"serve() returned {type(value).__name__} "
                    f"{str(value)[:60]!r} for production request #{number}, not one number",
                    "serve() returns P(late) for one order as a float.") from None
    if not math.isfinite(value):
        raise error("invalid-output", f"serve() returned {value} {_about(body, number, known)}",
                    SERVE_HINT)
    return value


def _about(body: dict, number: int, known: dict) -> str:
    """Which request it was and what is unusual about it, for an error message."""
    unusual = [f"{field} {body[field]!r} never appears in the training orders"
               for field in CATEGORICAL
               if body.get(field) is not None and body[field] not in known[field]]
    unusual += [f"'{field}' left out" for field in CATEGORICAL + NUMERIC if field not in body]
    unusual += [f"'{field}' is null" for field in CATEGORICAL + NUMERIC
                if field in body and body[field] is None]
    about = f" ({'; '.join(unusual)})" if unusual else ""
    return f"on production request #{number}{about}: {json.dumps(body)}"


def measure(outputs, truth: np.ndarray) -> dict[str, float]:
    n = len(truth)
    served = outputs.array("served", n, kind="probability", what="serve()")
    batch = outputs.array("batch", n, kind="probability", what="predict_batch()")
    return {
        "agreement": float(np.mean(np.abs(served - batch) <= TOLERANCE)),
        "live_auc": float(roc_auc_score(truth, served)),
        "batch_auc": float(roc_auc_score(truth, batch)),
        "calibration_gap": float(abs(served.mean() - truth.mean())),
    }
