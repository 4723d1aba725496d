"""Fix: train on the window that forecasts the latest weeks best; monitor every column's PSI.

The window is chosen the way the model is used: for each candidate (the last 30,
60, 90 or 150 days), fit on that many days ending two weeks before
the history does, and score the last two weeks. The winner is refitted on the
same number of days ending with the history. Drift is the largest population
stability index over the columns, the channel mix included: reference deciles
for the numbers, shares for the channel.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from mllab.broken_models.production_drift import *  # noqa: F403 - the team's code, unchanged

WINDOWS = (30, 60, 90, 150)  # days of history to train on
HOLDOUT_DAYS = 14


def last_days(history, days, end):
    rows = history[history["quoted_at"] < end]
    return rows if days is None else rows[rows["quoted_at"] >= end - pd.Timedelta(days=days)]


def train(history, cfg):
    end = history["quoted_at"].max() + pd.Timedelta(seconds=1)
    cut = end - pd.Timedelta(days=HOLDOUT_DAYS)
    held = history[history["quoted_at"] >= cut]
    scores = {}
    for days in WINDOWS:
        rows = last_days(history, days, cut)
        fitted = build_model(cfg).fit(rows[FEATURES], rows[TARGET])
        scores[days] = roc_auc_score(held[TARGET], fitted.predict_proba(held[FEATURES])[:, 1])
    best = max(scores, key=scores.get)
    rows = last_days(history, best, end)
    return QuoteModel(build_model(cfg).fit(rows[FEATURES], rows[TARGET]), float(scores[best]))


def psi(expected, actual):
    expected, actual = expected + 1e-4, actual + 1e-4
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def drift_score(reference, live):
    values = []
    for column in NUMERIC:
        edges = np.unique(np.quantile(reference[column], np.linspace(0, 1, 11)))
        inner = edges[1:-1]  # open-ended outer bins: live values beyond the reference count
        share = lambda frame: np.bincount(np.searchsorted(inner, frame[column], side="right"),
                                          minlength=len(inner) + 1) / len(frame)
        values.append(psi(share(reference), share(live)))
    levels = sorted(set(reference["channel"]) | set(live["channel"]))
    mix = lambda frame: frame["channel"].value_counts(normalize=True).reindex(levels, fill_value=0).to_numpy()
    values.append(psi(mix(reference), mix(live)))
    return max(values)
