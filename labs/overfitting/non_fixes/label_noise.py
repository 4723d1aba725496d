"""Non-fix: relabel a random 30% of the training scans so the network cannot fit them all.

It closes the gap from the wrong side: the network still memorises every scan,
now with wrong marks for a third of them, so its accuracy on its own training
scans drops and its accuracy on fresh scans drops too. A smaller gap between
training and validation is not the goal; accuracy on unseen scans is.
"""

import numpy as np

from mllab.broken_models import overfitting as team
from mllab.broken_models.overfitting import *  # noqa: F403 - the team's code, unchanged

NOISE = 0.3


def train(images, labels, cfg, watch=None):
    rng = np.random.default_rng(cfg.seed)
    noisy = labels.copy()
    flip = rng.random(len(labels)) < NOISE
    noisy[flip] = rng.integers(0, 10, int(flip.sum()))
    return team.train(images, noisy, cfg, watch)
