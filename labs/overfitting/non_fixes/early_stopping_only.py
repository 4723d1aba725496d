"""Non-fix: early stopping alone: hold out a fifth of the scans, keep the epoch with the lowest validation loss.

The validation loss bottoms out within the first ten epochs, when the network
has barely started to read the marks, and the held-out fifth is no longer
trained on: the returned network is about as wrong on fresh scans as the
overtrained one. Stopping early picks the best moment of a model that cannot
generalise; it does not make it generalise.
"""

import copy

import torch
from torch import nn

from mllab.broken_models.overfitting import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.overfitting import build_model
from mllab.labs.overfitting.fixes.early_stopping_regularised import carved


def train(images, labels, cfg, watch=None):
    (x_fit, y_fit), (x_val, y_val) = carved(images, labels, cfg.seed)
    x_fit, y_fit = torch.from_numpy(x_fit).to(cfg.device), torch.from_numpy(y_fit).to(cfg.device)
    x_val, y_val = torch.from_numpy(x_val).to(cfg.device), torch.from_numpy(y_val).to(cfg.device)
    model = build_model(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    best_loss, best_state = float("inf"), None
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        for batch in torch.randperm(len(x_fit)).split(cfg.batch_size):
            loss = nn.functional.cross_entropy(model(x_fit[batch]), y_fit[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            val_loss = nn.functional.cross_entropy(model(x_val), y_val).item()
        if val_loss < best_loss:
            best_loss, best_state = val_loss, copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    return model
