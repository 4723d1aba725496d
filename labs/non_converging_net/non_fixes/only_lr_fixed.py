"""Non-fix: only the learning rate is lowered (scaled by batch_size / 256, so 0.05)."""

from mllab.broken_models.non_converging_net import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import non_converging_net as _team


def learning_rate(cfg):
    return cfg.base_lr * cfg.batch_size / 256


_team.learning_rate = learning_rate  # make_optimizer looks the helper up in the team's module
