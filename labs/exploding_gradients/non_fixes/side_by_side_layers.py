"""Non-fix: still 12 Linear layers, but 11 side by side feeding one output layer: only 2 deep."""

from dataclasses import dataclass

import torch
from torch import nn

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import exploding_gradients as _team
from mllab.broken_models.exploding_gradients import Config as _TeamConfig
from mllab.broken_models.exploding_gradients import init_weights


@dataclass
class Config(_TeamConfig):
    init_std: float = 0.05
    lr: float = 0.01


class SideBySide(nn.Module):
    """(num_layers - 1) input layers in parallel, concatenated, then the output layer."""

    def __init__(self, n_inputs, cfg):
        super().__init__()
        self.branches = nn.ModuleList(nn.Linear(n_inputs, cfg.hidden_width // 4)
                                      for _ in range(cfg.num_layers - 1))
        self.out = nn.Linear(cfg.hidden_width // 4 * (cfg.num_layers - 1), 1)

    def forward(self, x):
        return self.out(torch.relu(torch.cat([branch(x) for branch in self.branches], dim=-1)))


def build_model(n_inputs, cfg):
    model = SideBySide(n_inputs, cfg)
    init_weights(model, cfg.init_std)
    return model


_team.build_model = build_model  # train() looks the builder up in the team's module
