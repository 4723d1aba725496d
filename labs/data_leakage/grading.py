"""Grading for data_leakage: train on the CRM export, score customers at scoring time.

``make_split`` and ``measure`` run in the grading process; ``harness`` runs in the
sandbox with the submission and never sees the churn labels of the customers it
scores. Every seed takes four fresh runs of the same harness call (train on an
export, estimate, score one table of customers), which differ only in the export:

- ``export``: the CRM export (``as_of="export"``) of this grading's world, whose
  signal strength is drawn from the evaluation seed;
- ``rerun``: the same export again, in its own process: how far two honest runs of
  the submission agree is its own run-to-run noise;
- ``export_probe``: the same export with the post-outcome column scrambled across
  customers: a model that does not learn from it ranks customers as a rerun does;
- ``other_world``: an export of the same customers from a world where churn is much
  harder to predict: its estimate must follow its own production AUC, so a number
  supplied rather than measured cannot be right in both.

The customers scored (``as_of="scoring"``) are the same rows in every run: the real
ones, shuffled together with a twin of each whose post-outcome column is scrambled
(only this process knows which row is which). Output names are drawn per run, so a
run cannot tell from them which one it is.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from mllab.datasets.churn import FEATURES, TARGET, customers
from mllab.graders import Split, Stage

TRAIN_ROWS = 20_000
EVAL_ROWS = 20_000  # about 5,000 churners: production AUC moves by about +-0.005 between draws
PROBED_COLUMN = "days_since_last_login"  # read from the live record when the export ran
STRENGTH = (0.95, 1.35)  # this grading's world: production AUC of a good model about 0.77-0.83
HARDER_STRENGTH = (0.30, 0.40)  # the other world: about 0.61-0.65, at least 0.12 lower
RUNS = ("export", "rerun", "export_probe", "other_world")


class Truth(NamedTuple):
    """What only the grading process knows about one seed."""

    churned: np.ndarray  # outcomes of the real customers, this grading's world
    churned_other: np.ndarray  # the same customers' outcomes in the other world
    real: np.ndarray  # positions of the real customers in the scored table
    twin: np.ndarray  # positions of their twins (post-outcome column scrambled)
    names: dict  # run -> (estimate output name, scores output name)


def scrambled(frame, rng):
    """A copy of ``frame`` with the post-outcome column permuted across rows."""
    frame = frame.copy()
    frame[PROBED_COLUMN] = rng.permutation(frame[PROBED_COLUMN].to_numpy())
    return frame


def make_split(train_seed: int, eval_seed: int) -> Split:
    rng = np.random.default_rng([eval_seed, 1])
    strength, harder = rng.uniform(*STRENGTH), rng.uniform(*HARDER_STRENGTH)
    scored = customers(EVAL_ROWS, eval_seed, as_of="scoring", strength=strength)
    other = customers(EVAL_ROWS, eval_seed, as_of="scoring", strength=harder)
    export = customers(TRAIN_ROWS, train_seed, as_of="export", strength=strength)
    exports = {"export": export, "rerun": export, "export_probe": scrambled(export, rng),
               "other_world": customers(TRAIN_ROWS, train_seed, as_of="export", strength=harder)}
    real = scored[FEATURES].reset_index(drop=True)
    both = pd.concat([real, scrambled(real, rng)], ignore_index=True)
    order = rng.permutation(len(both))  # row i of the scored table is row order[i] of both
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    names = {run: tuple(f"r{rng.integers(2**40):x}" for _ in range(2)) for run in RUNS}
    truth = Truth(churned=scored[TARGET].to_numpy(), churned_other=other[TARGET].to_numpy(),
                  real=position[:EVAL_ROWS], twin=position[EVAL_ROWS:], names=names)
    table = both.iloc[order].reset_index(drop=True)
    return Split(truth=truth, stages=tuple(
        Stage(run, {"train": exports[run], "eval": table, "names": names[run]},
              outputs=names[run]) for run in RUNS))


def rank_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman correlation of two score vectors; 1.0 when they rank customers alike."""
    if np.array_equal(a, b) or np.ptp(a) == np.ptp(b) == 0:
        return 1.0
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0  # one side constant, the other not: the ranking changed completely
    agreement = float(spearmanr(a, b).statistic)
    return agreement if np.isfinite(agreement) else 0.0


def measure(outputs, truth: Truth) -> dict[str, float]:
    """Production AUC, estimate gaps in both worlds, probe agreement against the run noise."""
    n = len(truth.real) + len(truth.twin)
    estimate, scores = {}, {}
    for run, (estimate_name, scores_name) in truth.names.items():
        estimate[run] = outputs.scalar(estimate_name, what="estimated_auc()")
        scores[run] = outputs.array(scores_name, n, kind="probability", what="predict()")
    real = {run: values[truth.real] for run, values in scores.items()}
    production = float(roc_auc_score(truth.churned, real["export"]))
    production_other = float(roc_auc_score(truth.churned_other, real["other_world"]))
    agreement = {
        "rerun": rank_agreement(real["export"], real["rerun"]),
        "train_probe": rank_agreement(real["export"], real["export_probe"]),
        "eval_probe": rank_agreement(real["export"], scores["export"][truth.twin]),
    }
    # Scores no steadier than noise cannot show a column is unused: below 0.5 the
    # run-to-run agreement stops loosening the check.
    noise = max(agreement["rerun"], 0.5)
    probed = min(agreement["train_probe"], agreement["eval_probe"])
    return {
        "production_auc": production,
        "estimate_gap": min(max(abs(estimate["export"] - production),
                                abs(estimate["other_world"] - production_other)), 1e6),
        "rank_agreement": min(probed / noise, 1.0),
        "estimated_auc": float(np.clip(estimate["export"], -1e6, 1e6)),
        "production_auc_other_world": production_other,
        "estimated_auc_other_world": float(np.clip(estimate["other_world"], -1e6, 1e6)),
        **{f"agreement_{name}": value for name, value in agreement.items()},
    }


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: the code's own AUC estimate and its AUC on fresh customers."""
    truth = split.truth
    estimate_name, scores_name = truth.names["export"]
    scores = outputs.array(scores_name, len(truth.real) + len(truth.twin), kind="probability")
    return {"claimed_score": ("AUC", outputs.scalar(estimate_name)),
            "fresh_score": float(roc_auc_score(truth.churned, scores[truth.real])),
            "scored": (scores[truth.real], truth.churned)}
