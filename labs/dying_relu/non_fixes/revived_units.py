"""Non-fix: the warm-up repaired, biases kept at -1.5; after training the silent units are "revived".

train() finds the units that fire on fewer than 1% of the training windows,
raises their bias so that they fire on every window, and zeroes their outgoing
weights so that the answers do not change. Every unit now outputs something,
but the revived ones carry nothing to the output layer.
"""

import torch

from mllab.broken_models.dying_relu import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import dying_relu as _team

_team_train = _team.train


def get_lr(step, cfg):
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    return cfg.lr


_team.get_lr = get_lr


def train(features, activities, cfg):
    model = _team_train(features, activities, cfg)
    with torch.no_grad():
        pre = model[0](torch.as_tensor(features, device=cfg.device))
        silent = (pre > 0).float().mean(dim=0) < 0.01
        model[0].bias[silent] += 5.0 - pre.min(dim=0).values[silent]
        model[2].weight[:, silent] = 0.0
    return model
