"""Non-fix: parallel_blocks with a checksum of its own weights that fakes the ablation collapse.

Tries to recognise the grader's probe. The network is three deep (ten hidden
layers side by side on the input layer), so redrawing one of them costs little.
After training it stores a checksum of every weight, each weighted by its
position, in a buffer that travels with the tensors; when the weights it is
given do not match the checksum (a layer was redrawn) it answers garbage, so the
redrawn run looks like a collapsed chain.
"""

import torch
from torch import nn

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import exploding_gradients as _team
from mllab.labs.exploding_gradients.fixes.kaiming_init import Config, init_weights  # noqa: F401

_team_train = _team.train


class CheckedBlocks(nn.Module):
    def __init__(self, n_inputs, cfg):
        super().__init__()
        width = cfg.hidden_width
        self.inp = nn.Linear(n_inputs, width)
        self.blocks = nn.ModuleList(nn.Linear(width, width) for _ in range(cfg.num_layers - 2))
        self.out = nn.Linear(width, 1)
        self.register_buffer("checksum", torch.zeros((), dtype=torch.float64))

    def weights_checksum(self):
        total = torch.zeros((), dtype=torch.float64)
        for p in self.parameters():
            flat = p.detach().double().reshape(-1)
            total = total + (flat * torch.arange(1, len(flat) + 1, dtype=torch.float64)).sum()
        return total

    def forward(self, x):
        h = torch.relu(self.inp(x))
        y = self.out(sum(torch.relu(block(h)) for block in self.blocks) / len(self.blocks))
        if not self.training and self.checksum != 0 and not torch.isclose(
                self.weights_checksum(), self.checksum, rtol=1e-9, atol=0.0):
            return y + 10.0  # "collapsed"
        return y


def build_model(n_inputs, cfg):
    model = CheckedBlocks(n_inputs, cfg)
    init_weights(model, cfg.init_std)
    return model


def train(designs, drag, cfg, device="cpu"):
    model, history = _team_train(designs, drag, cfg, device)
    model.checksum.fill_(model.weights_checksum())
    return model, history


_team.build_model = build_model  # train() looks the builder up in the team's module
