"""Grading for resample_before_split: an honest AUPRC estimate, and a model worth it.

``make_split`` and ``measure`` run in the grading process; ``harness`` runs in the
sandbox with the submission and never sees the labels of the payments it scores.

Each seed takes two fresh runs of the same harness call (train, estimate, score the
same held-out payments), which differ only in how clean the world's labels are:

- ``main``: this grading's world, whose label clarity (the fraud probability of the
  riskiest payments) is drawn from the evaluation seed: a good model's AUPRC on fresh
  payments is about 0.45 to 0.75 from one grading to the next;
- ``murky``: the same payments in a world where fraud is much harder to rank (AUPRC
  about 0.2). The same features and base rate; only the labels differ.

Checks, and what each stops:

- ``estimate_gap``: the larger of |estimated_auprc() - AUPRC on fresh payments| over
  the two runs. An estimate measured on resampled rows (oversampling before the
  split, SMOTE before the split, oversampling the validation part too, K-fold on the
  balanced table) reads near 1.0 whatever the world; one typed in, or derived from
  anything the two worlds share (the base rate, the features), cannot be right in both.
- ``auprc_share``: AUPRC on fresh payments divided by the AUPRC of the true fraud
  probabilities on the same payments (the best any model can rank them, computed
  here from the generator). Stops a model that ranks nothing (constant scores with
  the base rate as an honest "estimate") and models that learned little.

Not ruled out: an estimate that is optimistic by less than the tolerance (an
in-sample AUPRC of a model too simple to overfit, such as a logistic regression on
these 30 columns, was at most 0.05 from the fresh AUPRC on three seed pairs, and
passes: for such a model it is a fair number, if a noisier one than validation); a
submission that learns the clarity of the world from its training rows in some other
way than validating is measuring it, and is fine.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.metrics import average_precision_score

from mllab.datasets.fraud import FEATURES, TARGET, fraud_probability, transactions
from mllab.graders import Split, Stage

FRAUD_RATE = 0.02  # of an online shop's card payments; the same in both worlds
TRAIN_ROWS = 60_000  # about 1,200 frauds: a 25% validation split holds about 300
EVAL_ROWS = 100_000  # about 2,000 frauds: fresh AUPRC moves by about +-0.01 between draws
CLARITY = (0.55, 0.95)  # this grading's world: a good model's AUPRC about 0.45-0.75
MURKY_CLARITY = (0.20, 0.30)  # the other world: about 0.18-0.28, 0.2 or more lower
RUNS = ("main", "murky")


class Truth(NamedTuple):
    """What only the grading process knows about one seed (per run: labels, true risk)."""

    fraud: dict  # run -> labels of the scored payments
    risk: dict  # run -> the generator's P(fraud) of the scored payments


def make_split(train_seed: int, eval_seed: int) -> Split:
    rng = np.random.default_rng([eval_seed, 24])
    clarity = {"main": rng.uniform(*CLARITY), "murky": rng.uniform(*MURKY_CLARITY)}
    world = int(eval_seed)  # which components carry the risk, and their signs
    scored = {run: transactions(EVAL_ROWS, eval_seed, world, fraud_rate=FRAUD_RATE,
                                risk_cap=cap) for run, cap in clarity.items()}
    payments = scored["main"][FEATURES]  # the same rows in both runs
    truth = Truth(
        fraud={run: frame[TARGET].to_numpy() for run, frame in scored.items()},
        risk={run: fraud_probability(payments, world, fraud_rate=FRAUD_RATE, risk_cap=cap)
              for run, cap in clarity.items()})
    return Split(truth=truth, stages=tuple(
        Stage(run, {"train": transactions(TRAIN_ROWS, train_seed, world, fraud_rate=FRAUD_RATE,
                                          risk_cap=clarity[run]),
                    "eval": payments},
              outputs=("estimate", "scores"), keep_as=(f"estimate_{run}", f"scores_{run}"))
        for run in RUNS))


def measure(outputs, truth: Truth) -> dict[str, float]:
    """Fresh AUPRC and its share of the best possible, and the estimate's gap in both worlds."""
    fresh, estimate = {}, {}
    for run in RUNS:
        labels = truth.fraud[run]
        scores = outputs.array(f"scores_{run}", len(labels), what="predict_scores()")
        fresh[run] = float(average_precision_score(labels, scores))
        estimate[run] = float(np.clip(outputs.scalar(f"estimate_{run}", what="estimated_auprc()"),
                                      -1e6, 1e6))
    best = float(average_precision_score(truth.fraud["main"], truth.risk["main"]))
    return {
        "auprc": fresh["main"],
        "auprc_share": fresh["main"] / best,
        "estimate_gap": max(abs(estimate[run] - fresh[run]) for run in RUNS),
        "estimated_auprc": estimate["main"],
        "best_auprc": best,
        "auprc_murky": fresh["murky"],
        "estimated_auprc_murky": estimate["murky"],
    }


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: the code's own AUPRC estimate and its AUPRC on fresh payments."""
    labels = split.truth.fraud["main"]
    scores = outputs.array("scores_main", len(labels))
    return {"claimed_score": ("AUPRC", outputs.scalar("estimate_main")),
            "fresh_score": float(average_precision_score(labels, scores)),
            "scored": (scores, labels)}
