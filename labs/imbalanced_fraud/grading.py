"""Grading for imbalanced_fraud: fresh transactions in, fraud caught out.

``make_split`` and ``measure`` run in the grading process; ``harness`` runs in the
sandbox with the submission and never sees the evaluation labels.

Each grading draws its own *world* from the evaluation seed: which anonymised
components carry the fraud risk, and with which sign (``mllab.datasets.fraud``).
The training and the evaluation transactions come from the same world, so a model
learned from the given training rows transfers, while a fixed rule (the public
data's V14/V17/... directions) or a model trained on other data ranks the fraud
no better than the card-testing amounts alone.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, average_precision_score

from mllab.datasets.fraud import FEATURES, TARGET, transactions
from mllab.graders import Split, Stage

TRAIN_ROWS = 200_000
EVAL_ROWS = 300_000  # about 520 frauds, so AUPRC and recall are stable across draws


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Training and evaluation transactions of one world, drawn from ``eval_seed``."""
    world = eval_seed
    test = transactions(EVAL_ROWS, eval_seed, world=world)
    train = transactions(TRAIN_ROWS, train_seed, world=world)
    return Split(truth=test[TARGET].to_numpy(), stages=(
        Stage("main", {"train": train, "eval": test[FEATURES]}, outputs=("scores", "labels")),))


def measure(outputs, truth: np.ndarray) -> dict[str, float]:
    n = len(truth)
    scores = outputs.array("scores", n, what="predict_scores()")
    flagged = outputs.array("labels", n, kind="binary", what="predict_labels()")
    caught = float((flagged * truth).sum())
    return {
        "auprc": float(average_precision_score(truth, scores)),
        "recall": caught / float(truth.sum()),
        "precision": caught / float(flagged.sum()) if flagged.sum() else 0.0,
        "flag_rate": float(flagged.mean()),
        "accuracy": float(accuracy_score(truth, flagged)),
    }


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: the training labels, the scores and decisions on fresh data."""
    return {"train_labels": split.stages[0].inputs["train"][TARGET].to_numpy(),
            "scored": (outputs.array("scores", len(split.truth)), split.truth),
            "decisions": outputs.array("labels", len(split.truth), kind="binary"),
            "decision_truth": split.truth}
