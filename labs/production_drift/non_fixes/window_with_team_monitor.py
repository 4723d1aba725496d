"""Non-fix: retrain on the last 45 days, keep the team's drift monitor.

The model is right for this month, but the monitor that missed the change is
unchanged: it compares column means only, relative to the mean, so a change of
spread or of the channel mix never moves it, and it is noisy on a column whose
mean is near zero. The next change will go unseen too.
"""

import pandas as pd

from mllab.broken_models.production_drift import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.production_drift import train as _team_train

WINDOW_DAYS = 45


def train(history, cfg):
    recent = history[history["quoted_at"] > history["quoted_at"].max() - pd.Timedelta(days=WINDOW_DAYS)]
    return _team_train(recent, cfg)
