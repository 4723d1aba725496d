"""Non-fix: the MLP swapped for a linear model (softmax regression on the raw pixels), trained by a working loop.

The loop is the reference fix's; only the hidden layer is gone. A linear model
cannot read the marks well wherever they sit on the scan.
"""

import torch
from torch import nn

from mllab.broken_models.non_converging_net import *  # noqa: F403 - the team's code, unchanged
from mllab.labs.non_converging_net.fixes import minimal_fix


def build_model(cfg):
    torch.manual_seed(cfg.seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(12 * 12, 10)).to(cfg.device)


minimal_fix.build_model = build_model  # the fix's train() looks the builder up in its module
train = minimal_fix.train
