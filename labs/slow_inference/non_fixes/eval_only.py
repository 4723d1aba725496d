"""Non-fix: put the network in evaluation mode before the per-account loop.

The scores stop moving between runs (dropout is off), but every account still
costs a forward pass of its own, with autograd recording it: the run is still
many times slower than scoring the accounts together.
"""

from mllab.broken_models import slow_inference as team
from mllab.broken_models.slow_inference import *  # noqa: F403 - the team's code, unchanged


def score(model, features, cfg):
    return team.score(model.eval(), features, cfg)
