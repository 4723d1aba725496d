"""Grading for data_leakage: train on the CRM export, score customers at scoring time.

``make_split`` and ``measure`` run in the grading process; ``harness`` runs in the
sandbox with the submission and never sees the churn labels of the customers it
scores. The training table is the historical export (``as_of="export"``); the
customers to score are fresh ones, read as the model sees them on the scoring
date (``as_of="scoring"``).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from mllab.datasets.churn import FEATURES, TARGET, customers
from mllab.graders import Split, Stage

TRAIN_ROWS = 20_000
EVAL_ROWS = 20_000  # about 5,000 churners: production AUC moves by about +-0.005 between draws
PROBED_COLUMN = "days_since_last_login"  # read from the live record when the export ran


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Two fresh runs: the export as it is, and the export with the probed column scrambled.

    The probes (the post-outcome column scrambled across customers, once in the export
    the model learns from and once in the customers it scores) are made here: a model
    that does not use the column gives the same scores either way.
    """
    scored = customers(EVAL_ROWS, eval_seed, as_of="scoring")
    export = customers(TRAIN_ROWS, train_seed, as_of="export")
    features = scored[FEATURES]
    rng = np.random.default_rng([eval_seed, 1])
    export_probe, eval_probe = export.copy(), features.copy()
    for frame in (export_probe, eval_probe):
        frame[PROBED_COLUMN] = rng.permutation(frame[PROBED_COLUMN].to_numpy())
    return Split(truth=scored[TARGET].to_numpy(), stages=(
        Stage("export", {"train": export, "eval": features, "eval_probe": eval_probe},
              outputs=("estimate", "scores", "scores_eval_probe")),
        Stage("export_probe", {"train": export_probe, "eval": features},
              outputs=("scores_train_probe",), entry="probe_harness"),
    ))


def rank_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman correlation of two score vectors; 1.0 when they rank customers alike."""
    if np.array_equal(a, b) or np.ptp(a) == np.ptp(b) == 0:
        return 1.0
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0  # one side constant, the other not: the ranking changed completely
    agreement = float(spearmanr(a, b).statistic)
    return agreement if np.isfinite(agreement) else 0.0


def measure(outputs, truth: np.ndarray) -> dict[str, float]:
    n = len(truth)
    scores = outputs.array("scores", n, kind="probability", what="predict()")
    estimate = outputs.scalar("estimate", what="estimated_auc()")
    production = float(roc_auc_score(truth, scores))
    agreement = {probe: rank_agreement(scores, outputs.array(
                     f"scores_{probe}", n, kind="probability", what="predict()"))
                 for probe in ("train_probe", "eval_probe")}
    return {
        "production_auc": production,
        "estimate_gap": min(abs(estimate - production), 1e6),
        "rank_agreement": min(agreement.values()),
        "estimated_auc": float(np.clip(estimate, -1e6, 1e6)),
        "agreement_train_probe": agreement["train_probe"],
        "agreement_eval_probe": agreement["eval_probe"],
    }
