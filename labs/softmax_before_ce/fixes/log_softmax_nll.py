"""Fix: the network ends in LogSoftmax and trains with NLLLoss, the pair CrossEntropyLoss fuses.

Log-probabilities are logits too (a softmax of them gives the probabilities back),
so predict_logits() returns the network's output unchanged; the dashboard's softmax
shows real probabilities. SGD with momentum 0.9 (and a tenth of the rate, the same effective step).
"""

import numpy as np
import torch
from torch import nn

from mllab.broken_models.softmax_before_ce import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.softmax_before_ce import N_BANDS, N_CONDITIONS, batches


def build_model(cfg):
    torch.manual_seed(cfg.seed)
    model = nn.Sequential(
        nn.Linear(N_BANDS, cfg.hidden),
        nn.ReLU(),
        nn.Linear(cfg.hidden, cfg.hidden),
        nn.ReLU(),
        nn.Linear(cfg.hidden, N_CONDITIONS),
        nn.LogSoftmax(dim=1),
    )
    return model.to(cfg.device)


def train(bands, conditions, cfg):
    model = build_model(cfg)
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr / 10, momentum=0.9)
    loss_fn = nn.NLLLoss()  # expects log-probabilities: LogSoftmax + NLLLoss = CrossEntropyLoss
    rng = np.random.default_rng(cfg.seed)
    model.train()
    for epoch in range(cfg.epochs):
        for x, y in batches(bands, conditions, cfg, rng):
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
    return model
