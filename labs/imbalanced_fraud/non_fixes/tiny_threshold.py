"""Non-fix: lower the threshold to a guessed small number."""

from mllab.broken_models.imbalanced_fraud import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.imbalanced_fraud import Config as _TeamConfig
from dataclasses import dataclass


@dataclass
class Config(_TeamConfig):
    threshold: float = 0.01
