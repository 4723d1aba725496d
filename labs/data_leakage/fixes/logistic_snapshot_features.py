"""Fix: a scaled logistic regression on the columns known on the snapshot date only."""

from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from mllab.broken_models import data_leakage as _team
from mllab.broken_models.data_leakage import *  # noqa: F403 - the team's code, unchanged

SNAPSHOT_NUMERIC = [c for c in _team.NUMERIC if c != "days_since_last_login"]
FEATURES = SNAPSHOT_NUMERIC + CATEGORICAL


def build_model(cfg):
    encode = make_column_transformer(
        (StandardScaler(), SNAPSHOT_NUMERIC),
        (OneHotEncoder(handle_unknown="ignore"), CATEGORICAL))
    return make_pipeline(encode, LogisticRegression(C=1.0, max_iter=1000))


_team.FEATURES, _team.build_model = FEATURES, build_model  # used by the team's train()/predict()
