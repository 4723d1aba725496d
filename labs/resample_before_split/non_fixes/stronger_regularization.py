"""Non-fix: regularize the model 100 times harder, in case the 0.98 is overfitting."""

from dataclasses import dataclass

from mllab.broken_models import resample_before_split as _team
from mllab.broken_models.resample_before_split import *  # noqa: F403 - the team's code, unchanged


@dataclass
class Config(_team.Config):
    C: float = 0.01
