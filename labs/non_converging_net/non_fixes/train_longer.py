"""Non-fix: three times the epoch budget, code unchanged."""

from dataclasses import dataclass

from mllab.broken_models.non_converging_net import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.non_converging_net import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    epochs: int = 24
