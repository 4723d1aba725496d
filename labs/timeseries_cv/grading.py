"""Grading for timeseries_cv: learn from a sales history, forecast the four weeks after it.

``make_split`` and ``measure`` run in the grading process; ``harness`` runs in the
sandbox with the submission and never sees the demand of the days it forecasts.
Every seed takes three fresh runs of the same harness call (train on a history,
estimate the WAPE, forecast the days that follow), one per city:

- ``city``: this grading's city, its effects (weather, promotions) drawn from the
  evaluation seed, with calm day-to-day shocks (0.6-0.75 of `mllab run`'s);
- ``volatile_city``: another city whose shared daily shocks are about four times as
  large, so an honest forecast's WAPE is far higher there: its estimate must follow
  its own forecast error;
- ``spread_city``: a city whose stores lie far apart: little shared shock, and each
  store's daily swings are its own, so a shuffled K-fold hides almost nothing there.

The forecast error is judged in the first two; the estimate in all three. A number
supplied rather than measured cannot be right in every city, and neither can a
leaky estimate times one factor: the leak hides the shared shocks, most of the
error in the volatile city and almost none of it in the spread one.

Each history is fresh (drawn from both seeds), so nothing about it can be known in
advance. The forecast is scored against ``FUTURES`` simulated continuations of the
same city (the same calendar, weather and promotions; fresh demand shocks): the
mean WAPE over them is the error the forecast should be expected to make, steadier
than one realised month. The simulator also knows each upcoming day's expected
demand: the WAPE of that ideal forecast is shown for reference.

The forecast is judged against a *reference forecaster* fitted here, in the grading
process, on the same history: the team's own model family (a store's level times the
mean ratio of its most similar past days), with the number of similar days chosen
by forward chaining over the dates, 28 days per fold. The ratio of the two WAPEs
cancels what varies from city to city (how predictable its days are, how far the
level drifts), so what is left is the error the learner's choices add.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.model_selection import TimeSeriesSplit
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mllab.datasets.bakery import bakery
from mllab.graders import Split, Stage

STORES = 10
HISTORY_DAYS = 546  # 78 weeks of history
HORIZON = 28  # the plan covers the 28 days after the history
FUTURES = 40
# city -> (range of its shared daily shocks' volatility, sd of each store's own daily shock)
CITIES = {"city": ((0.6, 0.75), 0.03), "volatile_city": ((2.6, 3.0), 0.03),
          "spread_city": ((0.25, 0.35), 0.3)}
RUNS = tuple(CITIES)
FORECAST_RUNS = ("city", "volatile_city")  # the cities whose forecast error is a target
# The reference forecaster: the team's model family, validated as the forecast is used.
DRIVERS = ["weekday", "temperature", "rain_mm", "promo", "holiday"]
LEVEL_WINDOW = 56  # days averaged into a store's level, ending HORIZON days before the day
NEIGHBORS = (1, 30, 100, 300)  # the team's candidates
REFERENCE_FOLDS = 5


class Truth(NamedTuple):
    """What only the grading process knows about one seed."""

    futures: dict  # run -> (FUTURES, rows) demand of the upcoming days
    expected: dict  # run -> mean demand of each upcoming row
    reference: dict  # run -> the reference forecaster's forecast of the upcoming rows
    names: dict  # run -> (estimate output name, forecast output name)


def make_split(train_seed: int, eval_seed: int) -> Split:
    rng = np.random.default_rng([eval_seed, 7])
    cities = {run: bakery(STORES, HISTORY_DAYS, HORIZON, seed=[train_seed, eval_seed, i],
                          volatility=rng.uniform(*CITIES[run][0]), own_noise=CITIES[run][1],
                          n_futures=FUTURES)
              for i, run in enumerate(RUNS)}
    names = {run: tuple(f"r{rng.integers(2**40):x}" for _ in range(2)) for run in RUNS}
    truth = Truth(futures={run: c.futures for run, c in cities.items()},
                  expected={run: c.expected for run, c in cities.items()},
                  reference={run: reference_forecast(c.history, c.upcoming) for run, c in cities.items()},
                  names=names)
    return Split(truth=truth, stages=tuple(
        Stage(run, {"train": cities[run].history, "eval": cities[run].upcoming,
                    "names": names[run]}, outputs=names[run]) for run in RUNS))


# ---------------------------------------------------------------- the reference forecaster


def with_level(history: pd.DataFrame, days: pd.DataFrame) -> pd.DataFrame:
    """``days`` with ``level`` (the store's mean demand over LEVEL_WINDOW days ending HORIZON
    days before the day) and ``weekday``; rows without a full window are dropped."""
    both = pd.concat([history, days.assign(demand=np.nan)], ignore_index=True)
    both = both.drop_duplicates(["store", "date"], keep="first").sort_values(["store", "date"])
    both["level"] = both.groupby("store")["demand"].transform(
        lambda sales: sales.shift(HORIZON).rolling(LEVEL_WINDOW).mean())
    days = days.merge(both[["store", "date", "level"]], on=["store", "date"], how="left")
    return days.assign(weekday=days["date"].dt.day_of_week)


def fitted(rows: pd.DataFrame, neighbors: int):
    model = make_pipeline(StandardScaler(), KNeighborsRegressor(n_neighbors=neighbors))
    return model.fit(rows[DRIVERS], rows["demand"] / rows["level"])


def backtest_wape(rows: pd.DataFrame, neighbors: int) -> float:
    """Mean WAPE over forward-chaining folds: fit before a cut-off, forecast the HORIZON after."""
    dates = np.sort(rows["date"].unique())
    errors = []
    for fit, held in TimeSeriesSplit(REFERENCE_FOLDS, test_size=HORIZON).split(dates):
        fit_rows, held_rows = rows[rows["date"].isin(dates[fit])], rows[rows["date"].isin(dates[held])]
        predicted = held_rows["level"] * fitted(fit_rows, neighbors).predict(held_rows[DRIVERS])
        errors.append(np.abs(held_rows["demand"] - predicted).sum() / held_rows["demand"].sum())
    return float(np.mean(errors))


def reference_forecast(history: pd.DataFrame, upcoming: pd.DataFrame) -> np.ndarray:
    """The reference forecaster's expected demand for each row of ``upcoming``."""
    rows = with_level(history, history).dropna(subset=["level"])
    scores = {k: backtest_wape(rows, k) for k in NEIGHBORS}
    days = with_level(history, upcoming.reset_index(drop=True))
    return (days["level"] * fitted(rows, min(scores, key=scores.get)).predict(days[DRIVERS])).to_numpy()


# ---------------------------------------------------------------- metrics


def expected_wape(futures: np.ndarray, forecast: np.ndarray) -> float:
    """Mean WAPE of ``forecast`` over the simulated continuations."""
    return float(np.mean(np.abs(futures - forecast).sum(axis=1) / futures.sum(axis=1)))


def measure(outputs, truth: Truth) -> dict[str, float]:
    """Forecast WAPE per city, its ratio to the reference forecaster's, the estimates' errors."""
    metrics, gaps, ratios = {}, [], []
    for run, (estimate_name, forecast_name) in truth.names.items():
        futures = truth.futures[run]
        estimate = outputs.scalar(estimate_name, what="estimated_wape()")
        predicted = outputs.array(forecast_name, futures.shape[1], what="forecast()")
        error, reference = expected_wape(futures, predicted), expected_wape(futures, truth.reference[run])
        suffix = "" if run == "city" else "_" + run.removesuffix("_city")
        metrics[f"forecast_wape{suffix}"] = error
        metrics[f"reference_wape{suffix}"] = reference
        metrics[f"best_wape{suffix}"] = expected_wape(futures, truth.expected[run])
        metrics[f"estimated_wape{suffix}"] = float(np.clip(estimate, -1e6, 1e6))
        gaps.append(min(abs(estimate - error) / error, 1e6))
        if run in FORECAST_RUNS:
            ratios.append(error / reference)
    metrics["excess_error"] = float(np.mean(ratios))
    metrics["estimate_gap"] = max(gaps)
    return metrics


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: the code's own estimate and its error on the weeks after, in
    the volatile city (where a leaking validation is furthest off), as forecast accuracy
    (1 - WAPE), so that higher is better as the detectors read it; the forecasts against one
    simulated month of each city (``fit``)."""
    truth = split.truth
    estimate_name, forecast_name = truth.names["volatile_city"]
    futures = truth.futures["volatile_city"]
    predicted = outputs.array(forecast_name, futures.shape[1])
    _, calm_forecast = truth.names["city"]
    calm = truth.futures["city"]
    return {"claimed_score": ("forecast accuracy (1 - WAPE)", 1 - outputs.scalar(estimate_name)),
            "fresh_score": 1 - expected_wape(futures, predicted),
            "fitted": [("next 28 days, calm city", calm[0],
                        outputs.array(calm_forecast, calm.shape[1])),
                       ("next 28 days, volatile city", futures[0], predicted)]}
