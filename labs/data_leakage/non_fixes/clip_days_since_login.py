"""Non-fix: cap days_since_last_login at 30 days (the "outliers"); everything else unchanged."""

import numpy as np

from mllab.broken_models import data_leakage as _team
from mllab.broken_models.data_leakage import *  # noqa: F403 - the team's code, unchanged

_team_train, _team_predict = _team.train, _team.predict


def clipped(customers):
    """A copy of ``customers`` with days_since_last_login capped at 30."""
    customers = customers.copy()
    customers["days_since_last_login"] = np.minimum(customers["days_since_last_login"], 30)
    return customers


def train(customers, cfg):
    return _team_train(clipped(customers), cfg)


def predict(model, customers):
    return _team_predict(model, clipped(customers))
