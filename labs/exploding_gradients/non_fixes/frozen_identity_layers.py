"""Non-fix: a shallow net wearing twelve layers: nine frozen identity Linear layers in the middle.

Tries the depth rule with structure that never learns. Two trained hidden layers
(Kaiming init) do all the work; between them sit nine 64x64 Linear layers set to
the identity with zero bias and frozen. After a ReLU every value is non-negative,
so ReLU(I h) = h: the function is a two-hidden-layer network. Redrawing one of the
identity layers scrambles the features the trained layers rely on, so the
ablation check collapses as it would for an honest chain.
"""

from dataclasses import dataclass

import torch
from torch import nn

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import exploding_gradients as _team
from mllab.broken_models.exploding_gradients import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    lr: float = 0.01


def build_model(n_inputs, cfg):
    width = cfg.hidden_width
    layers = [nn.Linear(n_inputs, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU()]
    for _ in range(cfg.num_layers - 3):
        frozen = nn.Linear(width, width)
        with torch.no_grad():
            frozen.weight.copy_(torch.eye(width))
            frozen.bias.zero_()
        frozen.requires_grad_(False)
        layers += [frozen, nn.ReLU()]
    layers.append(nn.Linear(width, 1))
    for trained in (layers[0], layers[2], layers[-1]):
        nn.init.kaiming_normal_(trained.weight, nonlinearity="relu")
        nn.init.zeros_(trained.bias)
    return nn.Sequential(*layers)


_team.build_model = build_model  # train() looks the builder up in the team's module
