"""Non-fix: the hidden layer removed; a linear model (softmax regression), still started at zero.

Starting at zero is fine for a linear model (its loss is convex), so this one
trains properly, but each drink is four clouds in the sensor space and no set of
linear boundaries separates them.
"""

from torch import nn

from mllab.broken_models.zero_init import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.zero_init import N_CHANNELS, N_DRINKS, init_weights
from mllab.broken_models import zero_init as _team


def build_model(cfg):
    model = nn.Sequential(nn.Linear(N_CHANNELS, N_DRINKS))
    init_weights(model, cfg.init_value)
    return model.to(cfg.device)


_team.build_model = build_model  # train() looks the builder up in the team's module
