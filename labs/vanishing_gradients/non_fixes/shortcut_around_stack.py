"""Non-fix (games the depth checks): the team's 12-layer stack kept, plus a 2-layer ReLU shortcut from pixels to scores.

The logits are the stack's output plus the shortcut's. There are 14 Linear
layers and the ten hidden ones are all there to be counted, but the stack still
passes no gradient to its early layers: the shortcut, a shallow network beside
it, learns the marks alone. Redrawing the stack's hidden layers costs nothing.
"""

import torch
from torch import nn

from mllab.broken_models.vanishing_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import vanishing_gradients as _team

_team_stack = _team.build_model


class StackWithShortcut(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.stack = _team_stack(cfg)
        self.shortcut = nn.Sequential(nn.Flatten(), nn.Linear(12 * 12, cfg.hidden), nn.ReLU(),
                                      nn.Linear(cfg.hidden, 10))

    def forward(self, x):
        return self.stack(x) + self.shortcut(x)


def build_model(cfg):
    return StackWithShortcut(cfg).to(cfg.device)


_team.build_model = build_model  # train() looks the builder up in the team's module
