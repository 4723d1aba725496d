"""Fix: the weights still start at zero, but every bias is drawn from N(0, 1).

The smallest change that breaks the symmetry: units with different biases sit at
different points of the sigmoid, so the same error reaches each of them scaled by
a different slope, and their weights drift apart from the first steps on. It
works, but random weights (the other fixes) are the usual cure.
"""

import torch
from torch import nn

from mllab.broken_models.zero_init import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import zero_init as _team


def init_weights(model, value):
    """Weights at ``value``, biases from N(0, 1) (seeded, so retrains still agree)."""
    generator = torch.Generator().manual_seed(0)
    for module in model.modules():
        if isinstance(module, nn.Linear):
            nn.init.constant_(module.weight, value)
            with torch.no_grad():
                module.bias.copy_(torch.randn(module.bias.shape, generator=generator))


_team.init_weights = init_weights  # build_model() looks the helper up in the team's module
