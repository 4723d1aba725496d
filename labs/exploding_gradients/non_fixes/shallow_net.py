"""Non-fix: a 3-layer network (at lr 0.01), which trains fine but drops the depth."""

from dataclasses import dataclass

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.exploding_gradients import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    num_layers: int = 3
    lr: float = 0.01
