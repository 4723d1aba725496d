"""Non-fix: an input layer, ten hidden layers all fed by it and summed, an output layer.

Twelve Linear layers of exactly the chain's shapes (16 -> 64, ten 64 -> 64,
64 -> 1) and the reference fix's init and learning rate, but the ten hidden
layers sit side by side on the input layer's output: three deep, not twelve.
Redrawing one of them costs a tenth of the features, not the whole chain.
"""

import torch
from torch import nn

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import exploding_gradients as _team
from mllab.labs.exploding_gradients.fixes.kaiming_init import Config, init_weights  # noqa: F401


class ParallelBlocks(nn.Module):
    def __init__(self, n_inputs, cfg):
        super().__init__()
        width = cfg.hidden_width
        self.inp = nn.Linear(n_inputs, width)
        self.blocks = nn.ModuleList(nn.Linear(width, width) for _ in range(cfg.num_layers - 2))
        self.out = nn.Linear(width, 1)

    def forward(self, x):
        h = torch.relu(self.inp(x))
        return self.out(sum(torch.relu(block(h)) for block in self.blocks) / len(self.blocks))


def build_model(n_inputs, cfg):
    model = ParallelBlocks(n_inputs, cfg)
    init_weights(model, cfg.init_std)
    return model


_team.build_model = build_model  # train() looks the builder up in the team's module
