"""Non-fix: dropout on the inputs (0.3) and between the layers (0.5), and AdamW with weight decay 0.1.

The textbook regularisers, alone. They keep the MLP from leaning on single
noisy pixels, but 30 scans a mark still show it each mark in only a few of the
places it can sit in the crop, and no penalty on the weights adds the others:
fresh accuracy rises by a few points and stays far below the target.
"""

import torch
from torch import nn

from mllab.broken_models.overfitting import *  # noqa: F403 - the team's code, unchanged

INPUT_DROPOUT, DROPOUT, WEIGHT_DECAY = 0.3, 0.5, 0.1


def build_model(cfg):
    torch.manual_seed(cfg.seed)
    return nn.Sequential(
        nn.Flatten(), nn.Dropout(INPUT_DROPOUT),
        nn.Linear(12 * 12, cfg.hidden), nn.ReLU(), nn.Dropout(DROPOUT),
        nn.Linear(cfg.hidden, cfg.hidden), nn.ReLU(), nn.Dropout(DROPOUT),
        nn.Linear(cfg.hidden, 10),
    ).to(cfg.device)


def train(images, labels, cfg, watch=None):
    model = build_model(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=WEIGHT_DECAY)
    x_all = torch.from_numpy(images).to(cfg.device)
    y_all = torch.from_numpy(labels).to(cfg.device)
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        for batch in torch.randperm(len(x_all)).split(cfg.batch_size):
            loss = nn.functional.cross_entropy(model(x_all[batch]), y_all[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model
