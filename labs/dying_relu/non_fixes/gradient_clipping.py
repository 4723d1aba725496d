"""Non-fix: gradients clipped to norm 1.0 before every step, the schedule and the start kept.

Clipping bounds the gradient, not the step: at 100x the learning rate a clipped
gradient still moves the weights by up to 5.0 in the first step, which is
enough to push most units below zero for good.
"""

import numpy as np
import torch
from torch import nn

from mllab.broken_models.dying_relu import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.dying_relu import batches, build_model, get_lr


def train(features, activities, cfg):
    model = build_model(cfg)
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum)
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
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            step += 1
    return model
