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
from mllab.graders import Split

TRAIN_ROWS = 20_000
EVAL_ROWS = 20_000  # about 5,000 churners: production AUC moves by about +-0.005 between draws
PROBED_COLUMN = "days_since_last_login"  # read from the live record when the export ran


def make_split(train_seed: int, eval_seed: int) -> Split:
    scored = customers(EVAL_ROWS, eval_seed, as_of="scoring")
    return Split(train=customers(TRAIN_ROWS, train_seed, as_of="export"),
                 eval=scored[FEATURES], truth=scored[TARGET].to_numpy())


def harness(submission, train, eval_features, device: str, seed: int) -> dict:
    # probes: the post-outcome column scrambled across customers, once in the export the
    # model learns from and once in the customers it scores. A model that does not use the
    # column gives the same scores either way
    from mllab.graders.child import seed_everything

    rng = np.random.default_rng(seed)
    train_probe, eval_probe = train.copy(), eval_features.copy()
    for frame in (train_probe, eval_probe):
        frame[PROBED_COLUMN] = rng.permutation(frame[PROBED_COLUMN].to_numpy())
    seed_everything(seed)  # equal data then gives equal models
    model = submission.call("train", train, submission.call("Config"))
    estimate = submission.call("estimated_auc", model)
    scores = submission.call("predict", model, eval_features.copy())
    scores_eval_probe = submission.call("predict", model, eval_probe)
    seed_everything(seed)
    probe_model = submission.call("train", train_probe, submission.call("Config"))
    scores_train_probe = submission.call("predict", probe_model, eval_features.copy())
    return {"scores": scores, "estimate": estimate, "scores_train_probe": scores_train_probe,
            "scores_eval_probe": scores_eval_probe}


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
