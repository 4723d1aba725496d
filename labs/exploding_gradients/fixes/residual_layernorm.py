"""Fix: pre-LayerNorm residual blocks and SGD at lr 0.02; the team's init and depth stay."""

from dataclasses import dataclass

import torch
from torch import nn

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import exploding_gradients as _team
from mllab.broken_models.exploding_gradients import Config as _TeamConfig
from mllab.broken_models.exploding_gradients import init_weights


@dataclass
class Config(_TeamConfig):
    lr: float = 0.02


class ResidualMLP(nn.Module):
    """Input layer, (num_layers - 2) blocks x + ReLU(Linear(LayerNorm(x))), LayerNorm, output."""

    def __init__(self, n_inputs, cfg):
        super().__init__()
        width = cfg.hidden_width
        self.inp = nn.Linear(n_inputs, width)
        self.norms = nn.ModuleList(nn.LayerNorm(width) for _ in range(cfg.num_layers - 2))
        self.blocks = nn.ModuleList(nn.Linear(width, width) for _ in range(cfg.num_layers - 2))
        self.final_norm = nn.LayerNorm(width)
        self.out = nn.Linear(width, 1)

    def forward(self, x):
        h = torch.relu(self.inp(x))
        for norm, block in zip(self.norms, self.blocks):
            h = h + torch.relu(block(norm(h)))
        return self.out(self.final_norm(h))


def build_model(n_inputs, cfg):
    model = ResidualMLP(n_inputs, cfg)
    init_weights(model, cfg.init_std)
    return model


_team.build_model = build_model  # train() looks the builder up in the team's module
