"""Non-fix: train three times longer (120 epochs), code unchanged.

The training loss is already about zero: more epochs only push the logits of
the memorised scans further, and the validation loss keeps rising.
"""

from dataclasses import dataclass

from mllab.broken_models.overfitting import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.overfitting import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    epochs: int = 120
