"""Non-fix: Adam at 1e-2 instead of SGD, the constant initialisation kept.

Adam scales each weight's step by that weight's own gradient history, but equal
units have equal histories: their steps stay equal, and so do they.
"""

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mllab.broken_models.zero_init import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.zero_init import Config as _TeamConfig
from mllab.broken_models.zero_init import batches, build_model


@dataclass
class Config(_TeamConfig):
    lr: float = 1e-2


def train(readings, drinks, cfg):
    model = build_model(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    rng = np.random.default_rng(cfg.seed)
    model.train()
    for epoch in range(1, cfg.epochs + 1):
        total = 0.0
        for x, y in batches(readings, drinks, cfg, rng):
            loss = nn.functional.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        print(f"  epoch {epoch:2d}  train loss {total / len(readings):.4f}")
    return model
