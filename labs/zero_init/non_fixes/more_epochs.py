"""Non-fix: three times the epoch budget, code unchanged.

The hidden units start equal, get equal gradients and stay equal however long
they train: the loss stays where it stalled.
"""

from dataclasses import dataclass

from mllab.broken_models.zero_init import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.zero_init import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    epochs: int = 36
