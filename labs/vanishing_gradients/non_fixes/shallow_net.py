"""Non-fix: the reference fix's ReLU + He init in a 3-layer network; it learns, but the depth is gone.

The team asked for a 12-layer network that trains; only one hidden matrix is
left for the grader to count.
"""

from dataclasses import dataclass

from mllab.broken_models.vanishing_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.vanishing_gradients import Config as _TeamConfig
from mllab.labs.vanishing_gradients.fixes.relu_kaiming import build_model  # noqa: F401


@dataclass
class Config(_TeamConfig):
    num_layers: int = 3
