"""Non-fix: a stronger model. Gradient boosting instead of the logistic regression.

The team's first idea: the model is too weak. Boosting fits the table better, and so
it fits the vendor's misses better too; no label is flagged.
"""

from dataclasses import dataclass

from mllab.broken_models.noisy_labels import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.noisy_labels import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    model: str = "boosting"
