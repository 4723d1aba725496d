"""Non-fix: a one-hidden-layer ReLU net wearing twelve layers: ten frozen permutation matrices between ReLUs.

Tries the depth rule with structure that never learns. The first and the last
Linear layer (He init, SGD at lr 0.02) do all the work; the ten hidden 64x64
layers are each a random permutation matrix with zero bias, frozen. After a ReLU
every value is non-negative, so ReLU(P h) = P h: the function is a shallow
network with its units reordered. Redrawing the ten hidden matrices scrambles the
features the last layer relies on, so the ablation check collapses as it would
for an honest deep net.
"""

import torch
from torch import nn

from mllab.broken_models.vanishing_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import vanishing_gradients as _team
from mllab.labs.vanishing_gradients.fixes.relu_kaiming import Config  # noqa: F401 - lr 0.02


def build_model(cfg):
    torch.manual_seed(cfg.seed)
    first, last = nn.Linear(12 * 12, cfg.hidden), nn.Linear(cfg.hidden, 10)
    for trained in (first, last):
        nn.init.kaiming_normal_(trained.weight, nonlinearity="relu")
        nn.init.zeros_(trained.bias)
    layers = [nn.Flatten(), first, nn.ReLU()]
    for _ in range(cfg.num_layers - 2):
        frozen = nn.Linear(cfg.hidden, cfg.hidden)
        with torch.no_grad():
            frozen.weight.copy_(torch.eye(cfg.hidden)[torch.randperm(cfg.hidden)])
            frozen.bias.zero_()
        frozen.requires_grad_(False)
        layers += [frozen, nn.ReLU()]
    layers.append(last)
    return nn.Sequential(*layers).to(cfg.device)


_team.build_model = build_model  # train() looks the builder up in the team's module
