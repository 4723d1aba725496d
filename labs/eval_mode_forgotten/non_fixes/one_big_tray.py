"""Non-fix: predict everything in one big tray, so that BatchNorm sees many scans.

The tray's statistics get close to the training statistics, but dropout still
draws at random, and a scan at the desk is still a tray of one.
"""

from dataclasses import dataclass

from mllab.broken_models.eval_mode_forgotten import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.eval_mode_forgotten import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    tray_size: int = 1_000_000
