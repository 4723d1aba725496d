"""Non-fix: fifteen times the epochs, code unchanged.

The training error stopped falling after the first epochs: SGD has found the
best straight line it can. More passes over the same orders find the same line.
"""

from dataclasses import dataclass

from mllab.broken_models.underfitting import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.underfitting import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    epochs: int = 300
