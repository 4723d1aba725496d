"""Non-fix: two and a half times the epoch budget (25 instead of 10); nothing else changes.

"It is learning, just slowly" is the tempting reading of a loss that creeps down.
The first layers' gradients are about 1e-11 of the last layer's, so more steps of
the same size move them no further in any useful time.
"""

from dataclasses import dataclass

from mllab.broken_models.vanishing_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.vanishing_gradients import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    epochs: int = 25
