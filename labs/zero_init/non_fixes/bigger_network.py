"""Non-fix: more capacity (two hidden layers of 256 units), the constant initialisation kept.

Each layer's units start equal and stay equal, so the bigger network is still a
chain of single units: one number per snapshot.
"""

from dataclasses import dataclass

from torch import nn

from mllab.broken_models.zero_init import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.zero_init import Config as _TeamConfig
from mllab.broken_models.zero_init import N_CHANNELS, N_DRINKS, init_weights
from mllab.broken_models import zero_init as _team


@dataclass
class Config(_TeamConfig):
    hidden: int = 256


def build_model(cfg):
    model = nn.Sequential(
        nn.Linear(N_CHANNELS, cfg.hidden), nn.Sigmoid(),
        nn.Linear(cfg.hidden, cfg.hidden), nn.Sigmoid(),
        nn.Linear(cfg.hidden, N_DRINKS),
    )
    init_weights(model, cfg.init_value)
    return model.to(cfg.device)


_team.build_model = build_model  # train() looks the builder up in the team's module
