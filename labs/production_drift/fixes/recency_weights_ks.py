"""Fix: weight each quote by its age (half-life 10 days); monitor every column with KS.

Every quote stays in the training set, but one ten days older counts half as
much: the months before the change still teach what did not change, at a weight
too small to outvote the recent market. The model is validated on the last two
weeks (fitted on what came before them, weighted the same way). Drift is the
largest two-sample Kolmogorov-Smirnov statistic over the numeric columns, or the
total variation distance of the channel mix if that is larger.
"""

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp
from sklearn.metrics import roc_auc_score

from mllab.broken_models.production_drift import *  # noqa: F403 - the team's code, unchanged

HALF_LIFE_DAYS = 10.0
HOLDOUT_DAYS = 14


def recency_weights(quoted_at, now):
    age_days = (now - quoted_at).dt.total_seconds().to_numpy() / 86_400
    return 0.5 ** (age_days / HALF_LIFE_DAYS)


def train(history, cfg):
    now = history["quoted_at"].max()
    recent = history["quoted_at"] > now - pd.Timedelta(days=HOLDOUT_DAYS)
    before, held = history[~recent], history[recent]
    check = build_model(cfg).fit(before[FEATURES], before[TARGET], histgradientboostingclassifier__sample_weight=recency_weights(before["quoted_at"], before["quoted_at"].max()))
    auc = roc_auc_score(held[TARGET], check.predict_proba(held[FEATURES])[:, 1])
    pipeline = build_model(cfg).fit(
        history[FEATURES], history[TARGET],
        histgradientboostingclassifier__sample_weight=recency_weights(history["quoted_at"], now))
    return QuoteModel(pipeline, float(auc))


def drift_score(reference, live):
    statistics = [ks_2samp(reference[c], live[c], method="asymp").statistic for c in NUMERIC]
    before = reference["channel"].value_counts(normalize=True)
    after = live["channel"].value_counts(normalize=True)
    statistics.append(0.5 * before.sub(after, fill_value=0).abs().sum())
    return float(max(statistics))
