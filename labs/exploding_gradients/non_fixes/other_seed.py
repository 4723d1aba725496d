"""Non-fix: train with a different random seed."""

import torch

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import exploding_gradients as _team


def train(designs, drag, cfg, device="cpu"):
    torch.manual_seed(1234)
    return _team.train(designs, drag, cfg, device)
