"""Non-fix: Adam (at its usual 1e-3) with the team's warm-up schedule and start kept.

Adam's step is about the learning rate whatever the gradient, so the schedule's
first step, 100x the rate, still kills most units.
"""

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mllab.broken_models.dying_relu import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.dying_relu import Config as _TeamConfig
from mllab.broken_models.dying_relu import batches, build_model, get_lr


@dataclass
class Config(_TeamConfig):
    lr: float = 1e-3


def train(features, activities, cfg):
    model = build_model(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(cfg.seed)
    model.train()
    step = 0
    for epoch in range(cfg.epochs):
        for x, y in batches(features, activities, cfg, rng):
            for group in optimizer.param_groups:
                group["lr"] = get_lr(step, cfg)
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
            step += 1
    return model
