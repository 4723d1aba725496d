"""Non-fix: estimate the error on the last four weeks of the history, after fitting on them.

The team's model and choice, but the estimate is "the most recent 28 days", the
period most like the next one, scored with the final model. That model learned
from those very days: the estimate measures how well it recalls them, not how
well it forecasts days it has not seen.
"""

from mllab.broken_models import timeseries_cv as _team
from mllab.broken_models.timeseries_cv import *  # noqa: F403 - the team's code, unchanged

_team_train = _team.train


def train(history, cfg):
    model = _team_train(history, cfg)
    rows = with_level(history, history, cfg).dropna(subset=["level"])
    recent = rows[rows["date"] > rows["date"].max() - pd.Timedelta(days=cfg.horizon_days)]
    model.cv_wape = wape(recent["demand"].to_numpy(),
                         recent["level"].to_numpy() * model.pipeline.predict(drivers(recent)))
    return model
