"""Non-fix: learning rate scaled by batch_size / 256 and one shared permutation; the optimizer still steps another network."""

from mllab.broken_models.non_converging_net import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import non_converging_net as _team


def learning_rate(cfg):
    return cfg.base_lr * cfg.batch_size / 256


def shuffled(images, labels, rng):
    order = rng.permutation(len(images))
    return images[order], labels[order]


_team.learning_rate = learning_rate  # the team's functions look helpers up in their module
_team.shuffled = shuffled
