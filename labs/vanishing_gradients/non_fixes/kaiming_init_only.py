"""Non-fix: Kaiming (He) initialisation, but the sigmoid units stay.

He init is derived for ReLU. A sigmoid's slope is at most 0.25, so even with
weights that large every layer still shrinks the gradient by a factor of about
0.25 * sqrt(2) or less, and the larger pre-activations push many units into the
flat tails, where the slope is smaller still.
"""

from torch import nn

from mllab.broken_models.vanishing_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import vanishing_gradients as _team


def init_weights(model, std):
    for module in model.modules():
        if isinstance(module, nn.Linear):
            nn.init.kaiming_normal_(module.weight)
            nn.init.zeros_(module.bias)


_team.init_weights = init_weights  # build_model() looks the helper up in the team's module
