"""Fix: score() feeds the accounts to an evaluation-mode copy of the network through a
DataLoader of 1,024 accounts per batch, with autograd off."""

import copy

import torch
from torch.utils.data import DataLoader, TensorDataset

from mllab.broken_models.slow_inference import *  # noqa: F403 - the team's code, unchanged


def score(model, features, cfg):
    serving = copy.deepcopy(model).eval()
    loader = DataLoader(TensorDataset(torch.from_numpy(features)), batch_size=1024)
    scores = []
    with torch.no_grad():
        for (x,) in loader:
            scores.append(torch.sigmoid(serving(x.to(cfg.device))).squeeze(1).cpu())
    return torch.cat(scores).numpy()
