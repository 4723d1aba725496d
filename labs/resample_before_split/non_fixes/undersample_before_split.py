"""Non-fix: copies are the leak, so undersample the legitimate payments instead, still before the split.

No row exists twice any more, so none of the validation part's frauds was seen in
training. But the table is balanced before it is split: half the validation rows are
fraud, where production has about 2%, and AUPRC read at a 50% base rate stays near 1.0.
"""

import pandas as pd

from mllab.broken_models import resample_before_split as _team
from mllab.broken_models.resample_before_split import *  # noqa: F403 - the team's code, unchanged


def balance_classes(transactions, seed):
    """Keep every fraud and as many randomly chosen legitimate payments."""
    fraud = transactions[transactions[TARGET] == 1]
    legit = transactions[transactions[TARGET] == 0].sample(len(fraud), random_state=seed)
    return pd.concat([fraud, legit]).sample(frac=1.0, random_state=seed)


_team.balance_classes = balance_classes  # the team's train() calls it
