"""Grading for slow_inference: the learner's scoring runs, timed against a reference.

``make_split`` and ``measure`` run in the grading process; no sandboxed run sees a
label or a time. Each seed takes eight fresh runs. The first trains the learner's
network and returns it pickled; the second trains the team's network with the
grader's reference scorer (``reference/scorer.py``, never visible to a learner's
run) on a few hundred accounts (what it learns does not matter, only its size).
Then, three times over, the reference scores the night's accounts and the
learner's file scores the same accounts, each loading its own pickle in a process
of its own: reference, learner, reference, learner, ... so that both meet the
same load on the machine. Each round gives the accounts in another order (put
back here).

``measure`` takes the times from the grading process's own clock, around each
run from just before the scoring file is imported to the run's exit (its imports,
unpickling, scoring, saving; ``Outputs.seconds``): the median over the
three rounds of learner seconds / reference seconds is the slowdown. It also
scores the learner's probabilities against the outcomes (AUC), and checks that
the three runs gave each account the same score.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mllab.datasets.accounts import accounts
from mllab.graders import Carry, Split, Stage

TRAIN_ACCOUNTS = 4_000
REFERENCE_ACCOUNTS = 512  # the reference's network only has to be the team's size
NIGHT_ACCOUNTS = 16_000  # scored in each timed run
ROUNDS = 3  # (reference, learner) pairs of timed runs
MOVED = 0.05  # a score that changes by more than this between runs has "moved"
REFERENCE = Path(__file__).resolve().parent / "reference" / "scorer.py"


def make_split(train_seed: int, eval_seed: int) -> Split:
    world = eval_seed  # the risk function itself is drawn per grading
    night, defaulted = accounts(NIGHT_ACCOUNTS, eval_seed, world)
    rng = np.random.default_rng([eval_seed, 1])
    orders = [rng.permutation(NIGHT_ACCOUNTS) for _ in range(ROUNDS)]
    features, outcomes = accounts(TRAIN_ACCOUNTS, train_seed, world)
    stages = [
        Stage("train", {"train": (features, outcomes)}, outputs=("model",)),
        Stage("reference train", {"train": (features[:REFERENCE_ACCOUNTS],
                                            outcomes[:REFERENCE_ACCOUNTS])},
              outputs=("model",), keep_as=("reference_model",), submission=REFERENCE),
    ]
    for round_, order in enumerate(orders, start=1):
        stages += [
            Stage(f"reference {round_}", {"model": Carry("reference_model"),
                                          "features": night[order]},
                  outputs=("scores",), entry="score", keep_as=(f"reference_{round_}",),
                  submission=REFERENCE),
            Stage(f"scoring {round_}", {"model": Carry("model"), "features": night[order]},
                  outputs=("scores",), entry="score", keep_as=(f"scores_{round_}",)),
        ]
    return Split(truth={"defaulted": defaulted, "orders": orders}, stages=tuple(stages))


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (ties count half), from the ranks of the scores."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    # average rank within each run of tied scores
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_scores)) + 1]
    ends = np.r_[starts[1:], len(scores)]
    for start, end in zip(starts, ends):
        ranks[order[start:end]] = (start + end + 1) / 2
    positives = labels == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def measure(outputs, truth: dict) -> dict[str, float]:
    defaulted, orders = truth["defaulted"], truth["orders"]
    runs = []
    for round_, order in enumerate(orders, start=1):
        scores = np.empty(len(defaulted))
        scores[order] = outputs.array(f"scores_{round_}", len(defaulted), kind="probability",
                                      what="score() on the night's accounts")
        runs.append(scores)
    ratios = [outputs.seconds(f"scoring {r}") / outputs.seconds(f"reference {r}")
              for r in range(1, len(orders) + 1)]
    moved = max(float(np.mean(np.abs(a - b) > MOVED)) for a, b in zip(runs, runs[1:]))
    return {
        "slowdown": float(np.median(ratios)),
        "auc": auc(runs[0], defaulted),
        "moved_scores": moved,
    }


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: the same accounts scored twice, in two runs."""
    orders = split.truth["orders"]
    first, second = np.empty(len(orders[0])), np.empty(len(orders[1]))
    first[orders[0]] = outputs.array("scores_1", len(orders[0]))
    second[orders[1]] = outputs.array("scores_2", len(orders[1]))
    return {"repeated": (first > 0.5, second > 0.5)}
