"""Fix: a rewritten loop: DataLoader shuffling (image, label) pairs together, Adam bound to the model."""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from mllab.broken_models.non_converging_net import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.non_converging_net import build_model


def train(images, labels, cfg):
    dataset = TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))
    loader = DataLoader(dataset, batch_size=cfg.batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(cfg.seed))
    model = build_model(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(1, cfg.epochs + 1):
        model.train()
        total = 0.0
        for x, y in loader:
            x, y = x.to(cfg.device), y.to(cfg.device)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        print(f"  epoch {epoch}  train loss {total / len(dataset):.4f}")
    return model
