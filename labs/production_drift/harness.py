"""The sandboxed side of production_drift: train and score the month, or run the drift check.

Runs beside the learner's code, so nothing it computes is trusted. ``harness``
trains on the quote history and scores the quotes of the month after it;
``drift_checks`` runs in a process of its own and only calls ``drift_score`` on
the (reference, live) pairs it is given, in the order given.
"""

from __future__ import annotations

import math

import numpy as np


def harness(submission, train, eval, device: str, seed: int, name: str = "scores",
            seen=None, seen_name: str = "seen") -> dict:
    """Train on the history ``train``; return P(bought) for each quote of ``eval`` (and,
    for ``mllab diagnose``, of ``seen``: quotes of the history it was trained on)."""
    model = submission.call("train", train, submission.call("Config"))
    scores = {name: submission.call("predict", model, eval.copy())}
    if seen is not None:
        scores[seen_name] = submission.call("predict", model, seen.copy())
    return scores


def drift_checks(submission, pairs, device: str, seed: int, name: str = "drift") -> dict:
    """drift_score() of each (reference, live) pair, one number each."""
    return {name: np.array([_one_number(submission.call("drift_score", reference.copy(), live.copy()),
                                        number)
                            for number, (reference, live) in enumerate(pairs, start=1)])}


def _one_number(value, number: int) -> float:
    from mllab.graders.child import SubmissionError

    try:
        value = float(np.asarray(value, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise SubmissionError("invalid-output", f"drift_score() returned {type(value).__name__} "
                              f"{str(value)[:60]!r} for pair #{number}, not one number",
                              "drift_score() returns one number: larger means the live quotes "
                              "moved further from the reference ones.") from None
    if not math.isfinite(value):
        raise SubmissionError("invalid-output", f"drift_score() returned {value} for pair #{number}",
                              "drift_score() must return a finite number for every pair of tables.")
    return value
