"""Non-fix: the L2 penalty all but removed (alpha 1e-3 -> 1e-7), and a larger step size.

Regularisation was not what held the model back: the penalty is tiny next to
errors of several minutes, and without it SGD finds the same best straight line.
"""

from dataclasses import dataclass

from mllab.broken_models.underfitting import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.underfitting import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    alpha: float = 1e-7
    learning_rate: float = 0.03
