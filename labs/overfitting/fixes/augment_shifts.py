"""Fix: train on randomly shifted copies of the scans (torchvision RandomAffine), from a DataLoader.

The marks sit anywhere in the crop, and 30 scans a mark show the MLP only a few
of the places each one can sit. Shifting every training batch by up to 2-3
pixels shows it each mark in every place, so it cannot memorise where the 300
scans happen to put their ink. Shuffling is unseeded, as on a team's machine.
"""

from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torchvision.transforms import v2

from mllab.broken_models.overfitting import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.overfitting import Config as _TeamConfig
from mllab.broken_models.overfitting import build_model


@dataclass
class Config(_TeamConfig):
    epochs: int = 60  # a new shift of each scan every epoch: more epochs, nothing memorised


def train(images, labels, cfg, watch=None):
    shift = v2.RandomAffine(degrees=0, translate=(0.2, 0.2))
    loader = DataLoader(TensorDataset(torch.from_numpy(images).unsqueeze(1),
                                      torch.from_numpy(labels)),
                        batch_size=cfg.batch_size, shuffle=True)
    model = build_model(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        for x, y in loader:
            x, y = shift(x).squeeze(1).to(cfg.device), y.to(cfg.device)
            loss = nn.functional.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model
