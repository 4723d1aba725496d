"""Non-fix: ReLU instead of sigmoid, but the team's small initial weights (std 0.05) stay.

With 64 inputs per unit and std 0.05, each ReLU layer multiplies the activations'
variance by about 64 * 0.05^2 / 2 = 0.08: after eleven layers the signal (and
the gradient on its way back) has all but vanished again.
"""

import torch
from torch import nn

from mllab.broken_models.vanishing_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import vanishing_gradients as _team
from mllab.broken_models.vanishing_gradients import init_weights


def build_model(cfg):
    torch.manual_seed(cfg.seed)
    widths = [12 * 12] + [cfg.hidden] * (cfg.num_layers - 1)
    layers = [nn.Flatten()]
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    layers.append(nn.Linear(cfg.hidden, 10))
    model = nn.Sequential(*layers)
    init_weights(model, cfg.init_std)
    return model.to(cfg.device)


_team.build_model = build_model  # train() looks the builder up in the team's module
