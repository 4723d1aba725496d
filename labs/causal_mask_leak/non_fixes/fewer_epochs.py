"""Non-fix: one epoch instead of four, to stop before the loss "overfits" below the floor.

After one epoch the loss is near 1.6, close to the simulator's floor, so it looks
right; but the model has already started copying the next token, and every
position still reads the tokens after it.
"""

from dataclasses import dataclass

from mllab.broken_models.causal_mask_leak import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import causal_mask_leak as _team


@dataclass
class Config(_team.Config):
    epochs: int = 1
