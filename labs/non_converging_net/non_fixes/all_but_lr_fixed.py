"""Non-fix: optimizer bound to train()'s model and one shared permutation; learning rate still 12.8."""

import numpy as np
import torch
from torch import nn

from mllab.broken_models.non_converging_net import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.non_converging_net import build_model, learning_rate


def shuffled(images, labels, rng):
    order = rng.permutation(len(images))
    return images[order], labels[order]


def train(images, labels, cfg):
    model = build_model(cfg)
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate(cfg), momentum=cfg.momentum)
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(cfg.seed)

    model.train()
    for epoch in range(1, cfg.epochs + 1):
        epoch_images, epoch_labels = shuffled(images, labels, rng)
        total = 0.0
        for start in range(0, len(epoch_images), cfg.batch_size):
            x = torch.from_numpy(epoch_images[start:start + cfg.batch_size]).to(cfg.device)
            y = torch.from_numpy(epoch_labels[start:start + cfg.batch_size]).to(cfg.device)
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        print(f"  epoch {epoch}  train loss {total / len(images):.4f}")
    return model
