"""Fix: pandas categorical dtypes pin the one-hot layout; the service sends a one-row table through it.

Training records each categorical field's levels; ``model_table`` casts every
table (the training orders, the nightly table, a single request) to those
categories, so ``get_dummies`` yields the same columns in the same order whatever
the rows contain, and a level training never saw becomes NaN (no one-hot column).
Numbers are imputed with the training medians, log-transformed and standardized
with the statistics stored in the model.
"""

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from mllab.broken_models.train_serve_skew import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.train_serve_skew import CATEGORICAL, LOG_SCALED, NUMERIC, TARGET


class SkewFreeModel:
    """Fitted statistics, the categories of each field, and the classifier."""

    def __init__(self, orders, cfg):
        numeric = orders[NUMERIC].astype(float)
        self.medians = numeric.median()
        numeric = self._transformed(numeric)
        self.means, self.stds = numeric.mean(), numeric.std()
        self.levels = {field: sorted(orders[field].dropna().unique()) for field in CATEGORICAL}
        self.classifier = LogisticRegression(C=cfg.C, max_iter=cfg.max_iter)

    def _transformed(self, numeric):
        numeric = numeric.fillna(self.medians)
        numeric[LOG_SCALED] = np.log1p(numeric[LOG_SCALED])
        return numeric

    def model_table(self, orders):
        orders = orders.reindex(columns=NUMERIC + CATEGORICAL)
        numeric = (self._transformed(orders[NUMERIC].astype(float)) - self.means) / self.stds
        categories = pd.DataFrame({field: pd.Categorical(orders[field], categories=levels)
                                   for field, levels in self.levels.items()},
                                  index=orders.index)
        return pd.concat([numeric, pd.get_dummies(categories, dtype=float)], axis=1)


def train(orders, cfg):
    fit, val = train_test_split(orders, test_size=cfg.validation_fraction, random_state=cfg.seed)
    model = SkewFreeModel(fit, cfg)
    model.classifier.fit(model.model_table(fit).to_numpy(), fit[TARGET])
    print(f"  offline validation AUC {roc_auc_score(val[TARGET], predict_batch(model, val)):.3f}")
    return model


def predict_batch(model, orders):
    return model.classifier.predict_proba(model.model_table(orders).to_numpy())[:, 1]


def serve(model, request):
    return float(predict_batch(model, pd.DataFrame([request]))[0])
