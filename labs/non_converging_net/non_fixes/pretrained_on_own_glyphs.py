"""Non-fix: the network trained by a working loop, but on glyphs it generated itself.

train() ignores the rows it is given and fits the reference fix's loop on fresh
scans from `mllab.datasets.glyphs` (which it can make in any number). The grader
draws its own ten marks and class numbers for every grading, so a network that
did not learn from the given rows reads them at chance.
"""

from mllab.broken_models.non_converging_net import *  # noqa: F403 - the team's code, unchanged
from mllab.datasets.glyphs import glyphs
from mllab.labs.non_converging_net.fixes import minimal_fix


def train(images, labels, cfg):
    own_images, own_labels = glyphs(len(images), seed=cfg.seed + 1)
    return minimal_fix.train(own_images, own_labels, cfg)
