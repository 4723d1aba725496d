"""Non-fix: train on more of the orders, with weaker regularization and more iterations."""

from dataclasses import dataclass

from mllab.broken_models.train_serve_skew import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.train_serve_skew import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    C: float = 10.0
    max_iter: int = 5000
    validation_fraction: float = 0.05
