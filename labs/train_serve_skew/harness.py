"""The sandboxed side of train_serve_skew: train, serve each request, score the table.

Runs beside the learner's code, so nothing it computes is trusted.
"""

from __future__ import annotations

import json
import math

import numpy as np

SERVE_HINT = ("The order service receives cities and cuisines the model never saw, and "
              "requests with fields left out or sent as null: serve() must return a score "
              "for every one of them.")


def harness(submission, train, eval, device: str, seed: int) -> dict:
    config = submission.call("Config")
    model = submission.call("train", train.copy(), config)
    fields = (list(eval["categorical"]), list(eval["numeric"]))
    known = {field: set(train[field].dropna()) for field in fields[0]}
    # Live traffic first, then the nightly job: the batch path can feed nothing to serve().
    served = np.array([_serve_one(submission, model, body, number, known, fields)
                       for number, body in enumerate(eval["requests"], start=1)])
    batch = submission.call("predict_batch", model, eval["table"].copy())
    return {"served": served, "batch": batch}


def _serve_one(submission, model, body: dict, number: int, known: dict,
               fields: tuple) -> float:
    """serve()'s probability for one request, or a SubmissionError naming the request."""
    from mllab.graders.child import SubmissionError as error

    try:
        value = submission.call("serve", model, dict(body))
    except error as exc:
        if exc.kind == "bad-signature":
            raise
        first, _, rest = exc.message.partition("\n")
        raise error(exc.kind, f"{first} {_about(body, number, known, fields)}\n{rest}".rstrip(),
                    SERVE_HINT) from None
    try:
        value = float(np.asarray(value, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise error("invalid-output", f"serve() returned {type(value).__name__} "
                    f"{str(value)[:60]!r} for production request #{number}, not one number",
                    "serve() returns P(late) for one order as a float.") from None
    if not math.isfinite(value):
        raise error("invalid-output",
                    f"serve() returned {value} {_about(body, number, known, fields)}", SERVE_HINT)
    return value


def _about(body: dict, number: int, known: dict, fields: tuple) -> str:
    """Which request it was and what is unusual about it, for an error message."""
    categorical, numeric = fields
    unusual = [f"{field} {body[field]!r} never appears in the training orders"
               for field in categorical
               if body.get(field) is not None and body[field] not in known[field]]
    unusual += [f"'{field}' left out" for field in categorical + numeric if field not in body]
    unusual += [f"'{field}' is null" for field in categorical + numeric
                if field in body and body[field] is None]
    about = f" ({'; '.join(unusual)})" if unusual else ""
    return f"on production request #{number}{about}: {json.dumps(body)}"
