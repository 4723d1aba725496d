"""Non-fix: only the shuffle is fixed (images and labels share one permutation)."""

from mllab.broken_models.non_converging_net import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import non_converging_net as _team


def shuffled(images, labels, rng):
    order = rng.permutation(len(images))
    return images[order], labels[order]


_team.shuffled = shuffled  # train() looks the helper up in the team's module
