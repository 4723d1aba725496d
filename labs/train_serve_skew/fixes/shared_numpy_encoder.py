"""Fix: one numpy encoder, fitted in train(), turns columns of values into model inputs for both paths.

Training stores everything it learnt about the fields in a plain dict (medians,
means and stds after the log transform, the category levels it saw); ``encode``
takes a mapping of field -> array of values, so the nightly job passes the
table's columns and the service passes each field of the request as a
one-element array. A field left out, ``null`` or NaN gets the training median;
a level training never saw gets no one-hot column.
"""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from mllab.broken_models.train_serve_skew import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.train_serve_skew import CATEGORICAL, LOG_SCALED, NUMERIC, TARGET


def fit_encoder(orders):
    numbers = {}
    for field in NUMERIC:
        values = orders[field].to_numpy(dtype=float)
        median = float(np.nanmedian(values))
        values = np.where(np.isnan(values), median, values)
        if field in LOG_SCALED:
            values = np.log1p(values)
        numbers[field] = (median, float(values.mean()), float(values.std()))
    levels = {field: sorted(set(orders[field].dropna())) for field in CATEGORICAL}
    return {"numbers": numbers, "levels": levels}


def encode(columns, encoder):
    """The model input, one row per value: standardized numbers, then one-hot levels."""
    blocks = []
    for field, (median, mean, std) in encoder["numbers"].items():
        values = np.array([np.nan if v is None else v for v in columns[field]], dtype=float)
        values = np.where(np.isnan(values), median, values)
        if field in LOG_SCALED:
            values = np.log1p(values)
        blocks.append(((values - mean) / std)[:, None])
    for field, levels in encoder["levels"].items():
        values = np.asarray(columns[field], dtype=object)
        blocks.append(np.stack([values == level for level in levels], axis=1).astype(float))
    return np.hstack(blocks)


def train(orders, cfg):
    fit, val = train_test_split(orders, test_size=cfg.validation_fraction, random_state=cfg.seed)
    encoder = fit_encoder(fit)
    classifier = LogisticRegression(C=cfg.C, max_iter=cfg.max_iter)
    classifier.fit(encode({f: fit[f].to_numpy() for f in NUMERIC + CATEGORICAL}, encoder),
                   fit[TARGET])
    model = {"encoder": encoder, "classifier": classifier}
    print(f"  offline validation AUC {roc_auc_score(val[TARGET], predict_batch(model, val)):.3f}")
    return model


def predict_batch(model, orders):
    columns = {f: orders[f].to_numpy() for f in NUMERIC + CATEGORICAL}
    return model["classifier"].predict_proba(encode(columns, model["encoder"]))[:, 1]


def serve(model, request):
    columns = {f: np.array([request.get(f)], dtype=object) for f in NUMERIC + CATEGORICAL}
    return float(model["classifier"].predict_proba(encode(columns, model["encoder"]))[0, 1])
