"""Fix: train without days_since_last_login, which the export read after the outcome."""

from mllab.broken_models import data_leakage as _team
from mllab.broken_models.data_leakage import *  # noqa: F403 - the team's code, unchanged

# the export fills this column from the live record, weeks after the snapshot:
# for a customer who cancelled it counts the days since they left
NUMERIC = [c for c in _team.NUMERIC if c != "days_since_last_login"]
FEATURES = NUMERIC + CATEGORICAL

_team.NUMERIC, _team.FEATURES = NUMERIC, FEATURES  # train() and predict() read the team's module
