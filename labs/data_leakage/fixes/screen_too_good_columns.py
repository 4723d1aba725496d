"""Fix: screen the columns automatically: drop any that alone predicts churn too well.

No column is named: before training, each numeric column is scored alone (its AUC
as a churn score, in either direction). Predicting what people do next month is
never near-perfect, so a column that alone reaches 0.9 is treated as recorded
after the outcome and dropped; the team's model and validation run on the rest.
On an export where no column is too good, every column is kept.
"""

from sklearn.metrics import roc_auc_score

from mllab.broken_models import data_leakage as _team
from mllab.broken_models.data_leakage import *  # noqa: F403 - the team's code, unchanged

TOO_GOOD = 0.9  # single-column AUC above which a column is a leak, not a signal

_team_train = _team.train
EXPORT_NUMERIC = list(_team.NUMERIC)


def too_good_columns(customers):
    """Numeric columns that alone rank churners with AUC >= TOO_GOOD (either direction)."""
    found = []
    for column in EXPORT_NUMERIC:
        auc = roc_auc_score(customers[TARGET], customers[column])
        if max(auc, 1 - auc) >= TOO_GOOD:
            found.append(column)
    return found


def train(customers, cfg):
    dropped = too_good_columns(customers)
    kept = [c for c in EXPORT_NUMERIC if c not in dropped]
    _team.NUMERIC, _team.FEATURES = kept, kept + CATEGORICAL  # read by the team's model
    return _team_train(customers, cfg)
