"""Fix: one persisted scikit-learn Pipeline does all preprocessing, for training, batch and serving.

Imputation, the log transform, scaling and one-hot encoding (ignoring unseen
levels) are fitted inside the pipeline, so the order service only turns the
request into a one-row table with the training fields and calls the same object.
"""

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from mllab.broken_models.train_serve_skew import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.train_serve_skew import CATEGORICAL, LOG_SCALED, NUMERIC, TARGET

FIELDS = CATEGORICAL + NUMERIC


def build_pipeline(cfg):
    plain = [field for field in NUMERIC if field not in LOG_SCALED]
    prepare = ColumnTransformer([
        ("log", make_pipeline(SimpleImputer(strategy="median"), FunctionTransformer(np.log1p),
                              StandardScaler()), LOG_SCALED),
        ("plain", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), plain),
        ("onehot", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
    ])
    return make_pipeline(prepare, LogisticRegression(C=cfg.C, max_iter=cfg.max_iter))


def as_table(orders):
    """The training fields in training's order: numbers as floats, missing as NaN."""
    table = orders.reindex(columns=FIELDS)
    table[NUMERIC] = table[NUMERIC].astype(float)
    table[CATEGORICAL] = table[CATEGORICAL].astype(object).where(table[CATEGORICAL].notna(), "")
    return table


def train(orders, cfg):
    fit, val = train_test_split(orders, test_size=cfg.validation_fraction, random_state=cfg.seed)
    pipeline = build_pipeline(cfg).fit(as_table(fit), fit[TARGET])
    print(f"  offline validation AUC {roc_auc_score(val[TARGET], predict_batch(pipeline, val)):.3f}")
    return pipeline


def predict_batch(model, orders):
    return model.predict_proba(as_table(orders))[:, 1]


def serve(model, request):
    return float(predict_batch(model, pd.DataFrame([request]))[0])
