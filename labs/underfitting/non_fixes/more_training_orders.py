"""Non-fix: train on 99% of the orders instead of 80% (the team's plan: more data).

More rows make the estimate of the best straight line more precise; they do not
make a straight line able to follow two rush hours a day. The error the model
makes on its own training orders is bias, and more data does not reduce bias.
"""

from dataclasses import dataclass

from mllab.broken_models.underfitting import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.underfitting import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    validation_fraction: float = 0.01
