"""Non-fix: the warm-up repaired, the biases still start at -1.5.

No spike kills units any more, but with biases of -1.5 and non-negative inputs
most units start out firing on almost no window, get almost no gradient, and
stay silent: the network answers well enough with the rest, while most of its
hidden layer does nothing.
"""

from mllab.broken_models.dying_relu import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import dying_relu as _team


def get_lr(step, cfg):
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    return cfg.lr


_team.get_lr = get_lr  # train() looks the schedule up in the team's module
