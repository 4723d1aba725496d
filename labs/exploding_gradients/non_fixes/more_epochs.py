"""Non-fix: twice as many epochs."""

from dataclasses import dataclass

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.exploding_gradients import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    epochs: int = 24
