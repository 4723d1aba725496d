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

import numpy as np
from sklearn.metrics import roc_auc_score

from mllab.datasets.deliveries import CATEGORICAL, NUMERIC, TARGET, orders, requests
from mllab.graders import Split

TRAIN_ROWS = 20_000
SERVED_ROWS = 500  # each goes through serve() on its own: the slow part of grading
TOLERANCE = 1e-3  # |live - batch| in probability that still counts as the same score


def make_split(train_seed: int, eval_seed: int) -> Split:
    live = orders(SERVED_ROWS, eval_seed, production=True)
    table = live.drop(columns=TARGET)
    return Split(train=orders(TRAIN_ROWS, train_seed),
                 eval={"table": table, "requests": requests(table, eval_seed),
                       "categorical": CATEGORICAL, "numeric": NUMERIC},
                 truth=live[TARGET].to_numpy())


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
