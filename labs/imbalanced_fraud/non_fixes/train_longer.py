"""Non-fix: more solver iterations and weaker regularization."""

from dataclasses import dataclass

from mllab.broken_models.imbalanced_fraud import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.imbalanced_fraud import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    regularization_grid: tuple[float, ...] = (10.0, 100.0, 1000.0)
    max_iter: int = 5000
