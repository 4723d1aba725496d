"""Fix: residual blocks (each hidden layer adds its ReLU output to its input); the team's init kept.

The identity path carries the gradient from the loss straight back to the first
layer, so it cannot shrink layer after layer, whatever the small initial weights
do. Still 12 Linear layers: the input layer, ten blocks, the output layer.
"""

import torch
from torch import nn

from mllab.broken_models.vanishing_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import vanishing_gradients as _team
from mllab.broken_models.vanishing_gradients import init_weights


class ResidualMLP(nn.Module):
    """Flatten -> Linear -> ReLU, then ``blocks`` times h + ReLU(Linear(h)), then Linear."""

    def __init__(self, hidden, blocks):
        super().__init__()
        self.inp = nn.Linear(12 * 12, hidden)
        self.blocks = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(blocks))
        self.out = nn.Linear(hidden, 10)

    def forward(self, x):
        h = torch.relu(self.inp(x.flatten(1)))
        for block in self.blocks:
            h = h + torch.relu(block(h))
        return self.out(h)


def build_model(cfg):
    torch.manual_seed(cfg.seed)
    model = ResidualMLP(cfg.hidden, cfg.num_layers - 2)
    init_weights(model, cfg.init_std)
    return model.to(cfg.device)


_team.build_model = build_model  # train() looks the builder up in the team's module
