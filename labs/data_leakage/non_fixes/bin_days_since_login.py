"""Non-fix: replace days_since_last_login by coarse activity buckets (week, month, quarter, older)."""

import numpy as np

from mllab.broken_models import data_leakage as _team
from mllab.broken_models.data_leakage import *  # noqa: F403 - the team's code, unchanged

_team_train, _team_predict = _team.train, _team.predict


def bucketed(customers):
    """A copy of ``customers`` with days_since_last_login replaced by its bucket 0..3."""
    customers = customers.copy()
    customers["days_since_last_login"] = np.digitize(customers["days_since_last_login"],
                                                     [8, 31, 91])
    return customers


def train(customers, cfg):
    return _team_train(bucketed(customers), cfg)


def predict(model, customers):
    return _team_predict(model, bucketed(customers))
