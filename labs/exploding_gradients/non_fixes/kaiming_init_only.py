"""Non-fix: Kaiming init, but the team's learning rate of 0.05 stays."""

from torch import nn

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import exploding_gradients as _team


def init_weights(model, std):
    for module in model.modules():
        if isinstance(module, nn.Linear):
            nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
            nn.init.zeros_(module.bias)


_team.init_weights = init_weights  # build_model() looks the helper up in the team's module
