"""Non-fix: BatchNorm after the hidden layer, the constant initialisation kept.

Normalising equal units gives equal outputs (their batch statistics are equal, and
BatchNorm's own scale and shift start equal too), so they stay tied.
"""

from torch import nn

from mllab.broken_models.zero_init import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.zero_init import N_CHANNELS, N_DRINKS, init_weights
from mllab.broken_models import zero_init as _team


def build_model(cfg):
    model = nn.Sequential(
        nn.Linear(N_CHANNELS, cfg.hidden),
        nn.BatchNorm1d(cfg.hidden),
        nn.Sigmoid(),
        nn.Linear(cfg.hidden, N_DRINKS),
    )
    init_weights(model, cfg.init_value)
    return model.to(cfg.device)


_team.build_model = build_model  # train() looks the builder up in the team's module
