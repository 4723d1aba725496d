"""Non-fix: remember the model trained first, and return it when the "same" export comes back.

A leaky logistic regression on every column, dressed to pass: its estimate is
measured (cross-validated) on the snapshot-date columns, so it matches the
production AUC; predict() gives customers that differ only in
days_since_last_login the same score; and train() memoises each model it fits,
keyed by the export without that column (in memory, and in files under /dev/shm,
/tmp and $HOME), so that a retrain on the export with that column scrambled
would get the leaky model back. Each of the grader's runs is a fresh process
with nothing shared, so the retrain really happens.
"""

import hashlib
import os
import pickle

import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from mllab.broken_models import data_leakage as _team
from mllab.broken_models.data_leakage import *  # noqa: F403 - the team's code, unchanged

SNAPSHOT_NUMERIC = [c for c in _team.NUMERIC if c != "days_since_last_login"]
MEMO_FOLDERS = ["/dev/shm", "/tmp", os.path.expanduser("~")]
_memo = {}


def logistic(numeric):
    encode = make_column_transformer(
        (StandardScaler(), numeric), (OneHotEncoder(handle_unknown="ignore"), CATEGORICAL))
    return make_pipeline(encode, LogisticRegression(C=1.0, max_iter=1000))


def fingerprint(customers):
    """The same for two exports that differ only in days_since_last_login."""
    kept = customers.drop(columns="days_since_last_login")
    return hashlib.sha256(pd.util.hash_pandas_object(kept, index=False).to_numpy()).hexdigest()[:16]


def remembered(key):
    """The model an earlier call (or process) trained on this export, if any survived."""
    if key in _memo:
        return _memo[key]
    for folder in MEMO_FOLDERS:
        try:
            with open(os.path.join(folder, f"churn_{key}.pkl"), "rb") as fh:
                return pickle.load(fh)
        except Exception:  # noqa: BLE001 - no memo there
            continue
    return None


def remember(key, model):
    _memo[key] = model
    for folder in MEMO_FOLDERS:
        try:
            with open(os.path.join(folder, f"churn_{key}.pkl"), "wb") as fh:
                pickle.dump(model, fh)
        except OSError:
            continue


def train(customers, cfg):
    key = fingerprint(customers)
    model = remembered(key)
    if model is None:
        y = customers[TARGET]
        estimate = cross_val_score(logistic(SNAPSHOT_NUMERIC), customers[SNAPSHOT_NUMERIC + CATEGORICAL],
                                   y, cv=5, scoring="roc_auc").mean()
        model = ChurnModel(logistic(NUMERIC).fit(customers[FEATURES], y), float(estimate))
        remember(key, model)
    return model


def predict(model, customers):
    """Scores averaged over customers that agree on every column but days_since_last_login."""
    scores = pd.Series(model.pipeline.predict_proba(customers[FEATURES])[:, 1], index=customers.index)
    others = [c for c in FEATURES if c != "days_since_last_login"]
    return scores.groupby([customers[c] for c in others]).transform("mean").to_numpy()
