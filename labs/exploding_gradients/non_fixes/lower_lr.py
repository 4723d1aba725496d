"""Non-fix: a learning rate 50 times smaller; the team's init stays."""

from dataclasses import dataclass

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.exploding_gradients import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    lr: float = 0.001
