"""Non-fix: give every scan the mark seen most often in training.

The marks can no longer change between calls, orders or batch sizes, so both
agreement checks are met; but a reader that ignores the scan gets about one mark
in ten right.
"""

import numpy as np

from mllab.broken_models.eval_mode_forgotten import *  # noqa: F403 - the team's code, unchanged


def train(images, labels, cfg):
    return int(np.bincount(labels).argmax())


def predict(model, images, cfg):
    return np.full(len(images), model, dtype=np.int64)
