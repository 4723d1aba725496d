"""Non-fix: twice as many training steps; the learning rates stay.

The generator has settled on a few stands; more steps of the same game keep it
there (or move it to other few).
"""

from dataclasses import dataclass

from mllab.broken_models.gan_mode_collapse import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.gan_mode_collapse import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    steps: int = 4000
