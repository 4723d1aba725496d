"""Fix: an unseeded random forest on the snapshot-date columns, estimated out of bag.

Another model family and another estimate: every tree sees a bootstrap sample of
the export, so the customers it left out score it (out-of-bag AUC), and no
validation split is needed. The forest's seed comes from the operating system
(``np.random.default_rng()``), so two runs grow different forests and their
scores agree only up to the forest's own noise.
"""

import numpy as np
from sklearn.compose import make_column_transformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from mllab.broken_models import data_leakage as _team
from mllab.broken_models.data_leakage import *  # noqa: F403 - the team's code, unchanged

SNAPSHOT_FEATURES = [c for c in _team.FEATURES if c != "days_since_last_login"]


def train(customers, cfg):
    encode = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore", sparse_output=False), CATEGORICAL),
        remainder="passthrough")
    seed = int(np.random.default_rng().integers(2**31))  # fresh entropy: every run differs
    forest = RandomForestClassifier(n_estimators=40, min_samples_leaf=40, max_features=0.5,
                                    oob_score=True, random_state=seed)
    pipeline = make_pipeline(encode, forest).fit(customers[SNAPSHOT_FEATURES], customers[TARGET])
    out_of_bag = np.nan_to_num(forest.oob_decision_function_[:, 1], nan=0.5)
    return ChurnModel(pipeline, float(roc_auc_score(customers[TARGET], out_of_bag)))


def predict(model, customers):
    return model.pipeline.predict_proba(customers[SNAPSHOT_FEATURES])[:, 1]
