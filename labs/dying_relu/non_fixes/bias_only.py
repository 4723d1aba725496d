"""Non-fix: the hidden biases start at zero, the inverted warm-up kept.

Every unit now starts out firing on about half of the windows, but the first
step still runs at 100x the learning rate (5.0): it throws most units' weights
and biases to where their pre-activation is negative on every window, and from
there a ReLU gets no gradient to come back.
"""

from dataclasses import dataclass

from mllab.broken_models.dying_relu import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.dying_relu import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    init_bias: float = 0.0
