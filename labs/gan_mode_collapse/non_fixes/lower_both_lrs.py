"""Non-fix: both learning rates ten times lower (1e-4 and 1e-3), so the discriminator still learns ten times faster."""

from dataclasses import dataclass

from mllab.broken_models.gan_mode_collapse import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.gan_mode_collapse import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    lr_g: float = 1e-4
    lr_d: float = 1e-3
