"""Non-fix: every weight and bias starts at 0.1 instead of 0.

A constant other than zero lets gradients reach the hidden layer at once, but
all units still start equal, so they still move together.
"""

from dataclasses import dataclass

from mllab.broken_models.zero_init import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.zero_init import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    init_value: float = 0.1
