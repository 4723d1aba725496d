"""Non-fix: Adam (lr 1e-3) instead of SGD, to rescale each weight's step by its own gradient size.

Adam's per-weight normalisation is a popular answer to "some layers get tiny
gradients", but the forward pass is the problem too: with small weights and
sigmoids, every unit after a few layers outputs about 0.5 whatever the scan, so
the late layers see no trace of the input to learn from.
"""

import torch
from torch import nn

from mllab.broken_models.vanishing_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.vanishing_gradients import build_model


def train(images, labels, cfg):
    x = torch.from_numpy(images).to(cfg.device)
    y = torch.from_numpy(labels).to(cfg.device)
    model = build_model(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        total = 0.0
        for batch in torch.randperm(len(x)).split(cfg.batch_size):
            loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch:2d}  train loss {total / len(x):.4f}")
    return model
