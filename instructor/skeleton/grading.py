"""Grading for {id}: runs only in the grading process (data, metrics).

``make_split`` draws this seed's world and data and chooses every input the
sandboxed runs get; ``measure`` scores the arrays they returned against ``truth``,
which never leaves this process. Every check belongs here, never in harness.py.
"""

from __future__ import annotations

import numpy as np

from mllab.graders import Split

N_FEATURES = 10


def world(eval_seed: int) -> np.ndarray:
    """This grading's decision direction: the first 3 columns carry a tenth of the signal."""
    direction = np.random.default_rng([eval_seed, 0]).standard_normal(N_FEATURES)
    direction[:3] *= 1.0 / np.linalg.norm(direction[:3])
    direction[3:] *= 3.0 / np.linalg.norm(direction[3:])
    return direction


def rows(direction: np.ndarray, seed: int, n_rows: int):
    """``n_rows`` labelled points of the world whose decision direction is ``direction``."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_rows, N_FEATURES))
    return X, (X @ direction + 0.5 * rng.standard_normal(n_rows) > 0).astype(int)


def make_split(train_seed: int, eval_seed: int) -> Split:
    # One world per grading: training and evaluation rows come from the same problem,
    # and an answer that was not learned from the training rows is wrong.
    direction = world(eval_seed)
    X_eval, y_eval = rows(direction, eval_seed, 2000)
    return Split(train=rows(direction, train_seed, 2000), eval=X_eval, truth=y_eval)


def measure(outputs, truth: np.ndarray) -> dict[str, float]:
    pred = outputs.array("pred", len(truth), kind="binary", what="predict()")
    return {"accuracy": float((pred == truth).mean())}
