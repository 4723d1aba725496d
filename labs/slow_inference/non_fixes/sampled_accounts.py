"""Non-fix (gaming the timing): score one account in 25 with the network, in evaluation mode,
and give the rest the mean of those scores.

The run is 25 times shorter and repeatable, but most accounts get a score that
says nothing about them, and the AUC falls towards chance.
"""

import numpy as np

from mllab.broken_models import slow_inference as team
from mllab.broken_models.slow_inference import *  # noqa: F403 - the team's code, unchanged

EVERY = 25


def score(model, features, cfg):
    scores = np.empty(len(features), dtype=np.float32)
    sampled = team.score(model.eval(), features[::EVERY], cfg)
    scores[:] = sampled.mean()
    scores[::EVERY] = sampled
    return scores
