"""Fix: let the trees see when each quote was given; monitor with a domain classifier.

The day of each quote becomes a feature. Gradient-boosted trees split on it where
the market changed, and every quote scored later falls on the latest side of each
split: the model answers with what it learned from the recent months. The model is
validated on the last 10% of the quotes in time, and early stopping is off: its
random tenth would hold out old quotes with the new. Drift is the cross-validated
AUC of a logistic regression told to tell reference quotes from live ones (0.5: it
cannot; the channel one-hot encoded, squares of the standardised numbers added so
that a change of spread shows).
"""

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import OrdinalEncoder

from mllab.broken_models.production_drift import *  # noqa: F403 - the team's code, unchanged

EPOCH = pd.Timestamp("2000-01-01")


def with_day(quotes):
    return quotes[FEATURES].assign(day=(quotes["quoted_at"] - EPOCH).dt.days)


class TimeAwareModel:
    def __init__(self, cfg):
        self.encode = make_column_transformer(
            (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), CATEGORICAL),
            remainder="passthrough")
        self.trees = HistGradientBoostingClassifier(
            learning_rate=cfg.learning_rate, max_iter=cfg.max_iter, max_leaf_nodes=cfg.max_leaf_nodes,
            categorical_features=[0], early_stopping=False, random_state=cfg.seed)

    def fit(self, quotes, bought):
        self.trees.fit(self.encode.fit_transform(with_day(quotes)), bought)
        return self

    def predict_proba(self, quotes):
        return self.trees.predict_proba(self.encode.transform(with_day(quotes)))


def train(history, cfg):
    history = history.sort_values("quoted_at")
    cut = int(len(history) * 0.9)
    check = TimeAwareModel(cfg).fit(history.iloc[:cut], history[TARGET].iloc[:cut])
    held = history.iloc[cut:]
    auc = roc_auc_score(held[TARGET], check.predict_proba(held)[:, 1])
    return QuoteModel(TimeAwareModel(cfg).fit(history, history[TARGET]), float(auc))


def predict(model, quotes):
    return model.pipeline.predict_proba(quotes)[:, 1]


def drift_score(reference, live):
    both = pd.concat([reference, live], ignore_index=True)
    numbers = both[NUMERIC].astype(float)
    numbers = (numbers - numbers.mean()) / numbers.std().replace(0, 1)
    X = pd.concat([numbers, numbers ** 2, pd.get_dummies(both["channel"], dtype=float)], axis=1)
    y = np.r_[np.zeros(len(reference)), np.ones(len(live))]
    return float(cross_val_score(LogisticRegression(max_iter=1000), X.to_numpy(), y, cv=3,
                                 scoring="roc_auc").mean())
