"""Grading for underfitting: the ETA of orders the model learned from, and of new ones.

``make_split`` and ``measure`` run in the grading process; ``harness`` runs in the
sandbox with the submission and never sees the delivery times it is graded on.

Each seed takes two fresh sandboxed runs, one per city (below), alike to the
submission: ``train()`` on 4,000 delivered orders, then one ``predict()`` call on
a table that mixes 1,000 of those training orders (without their label) with
2,000 new orders of the same city, shuffled together.
Only this process knows which row is which, so the same call is scored twice:
against the labels of the training orders (how well the model fits what it
learned from) and against the new orders' delivery times (how well it predicts).
A model that memorises its training rows meets the first and not the second.

Each grading draws two cities (``mllab.datasets.delivery_times.world``) from the
evaluation seed: when lunch and dinner peak, how long they make customers wait,
which vehicle is fastest and how much traffic and rain slow each one. Each run's
training and new orders come from its city, so a model learned from the orders
``train()`` is given transfers. A formula or a model fitted to some typical city
comes close to one city in twenty; every metric is taken in the city where it is
worst, so such a guess has to be lucky twice.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error, r2_score

from mllab.datasets.delivery_times import FEATURES, TARGET, deliveries, world
from mllab.graders import Split, Stage

TRAIN_ROWS = 4_000
PROBED_TRAIN_ROWS = 1_000  # training orders asked for again, among the new ones
FRESH_ROWS = 2_000  # R^2 moves by about +-0.01 between draws of this many orders
LIMIT = 1e6  # metrics of absurd predictions are clipped here, to stay finite


CITIES = ("city", "other_city")  # two runs per seed, alike to the submission


class Truth(NamedTuple):
    """What only the grading process knows about one city of one seed."""

    minutes: np.ndarray  # the delivery time of every row of the table predict() gets
    trained: np.ndarray  # positions of the training orders in that table
    fresh: np.ndarray  # positions of the new orders
    train_mean: float  # the mean training label: "one ETA for everyone"


def _city(train_seed: int, eval_seed: int, city_seed: int, stream: int) -> tuple:
    """(training orders, the table predict() gets, its Truth) for one city."""
    city = world(city_seed)
    history = deliveries(TRAIN_ROWS, [train_seed, stream], city)
    new = deliveries(FRESH_ROWS, [eval_seed, stream + 1], city)
    rng = np.random.default_rng([eval_seed, stream + 2])
    again = history.iloc[rng.choice(TRAIN_ROWS, PROBED_TRAIN_ROWS, replace=False)]
    both = pd.concat([again, new], ignore_index=True)
    order = rng.permutation(len(both))  # row i of the table is row order[i] of both
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    table = both.iloc[order].reset_index(drop=True)
    return history, table[FEATURES], Truth(
        minutes=table[TARGET].to_numpy(), trained=position[:PROBED_TRAIN_ROWS],
        fresh=position[PROBED_TRAIN_ROWS:], train_mean=float(history[TARGET].mean()))


def make_split(train_seed: int, eval_seed: int) -> Split:
    other_city = int(np.random.default_rng([eval_seed, 9]).integers(2**31))
    runs = {"city": _city(train_seed, eval_seed, eval_seed, 0),
            "other_city": _city(train_seed, eval_seed, other_city, 10)}
    return Split(truth={name: truth for name, (_, _, truth) in runs.items()}, stages=tuple(
        Stage(name, {"train": history, "eval": table}, outputs=("minutes",),
              keep_as=(f"minutes_{name}",))
        for name, (history, table, _) in runs.items()))


def _scores(minutes: np.ndarray, eta: np.ndarray) -> tuple[float, float]:
    """(R^2, MAE in minutes) of ``eta``, clipped to stay finite."""
    with np.errstate(over="ignore", invalid="ignore"):
        r2 = float(r2_score(minutes, eta))
        mae = float(mean_absolute_error(minutes, eta))
    r2 = max(r2, -LIMIT) if np.isfinite(r2) else -LIMIT
    return r2, min(mae, LIMIT) if np.isfinite(mae) else LIMIT


def _measured(outputs, truth: Truth, name: str) -> dict[str, float]:
    eta = outputs.array(f"minutes_{name}", len(truth.minutes), what="predict()")
    train_r2, train_mae = _scores(truth.minutes[truth.trained], eta[truth.trained])
    fresh_r2, fresh_mae = _scores(truth.minutes[truth.fresh], eta[truth.fresh])
    return {"train_r2": train_r2, "fresh_r2": fresh_r2,
            "train_mae": train_mae, "fresh_mae": fresh_mae}


def measure(outputs, truth: dict) -> dict[str, float]:
    """Each metric in the city where it is worst (lowest R^2, highest error)."""
    cities = [_measured(outputs, truth[name], name) for name in CITIES]
    return {"train_r2": min(c["train_r2"] for c in cities),
            "fresh_r2": min(c["fresh_r2"] for c in cities),
            "train_mae": max(c["train_mae"] for c in cities),
            "fresh_mae": max(c["fresh_mae"] for c in cities)}


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: in the grading's own city, R^2 on the training orders, of one
    ETA for everyone there, and on the new orders; the ETAs against the minutes (``fit``)."""
    truth = split.truth["city"]
    eta = outputs.array("minutes_city", len(truth.minutes))
    trained = truth.minutes[truth.trained]
    return {"train_score": _scores(trained, eta[truth.trained])[0],
            "baseline_score": _scores(trained, np.full_like(trained, truth.train_mean))[0],
            "fresh_score": _scores(truth.minutes[truth.fresh], eta[truth.fresh])[0],
            "fitted": [("training orders", trained, eta[truth.trained]),
                       ("new orders", truth.minutes[truth.fresh], eta[truth.fresh])]}
