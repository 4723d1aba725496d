"""Non-fix: the reference fix's Kaiming init, but the team's learning rate of 0.05 stays."""

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import exploding_gradients as _team
from mllab.labs.exploding_gradients.fixes.kaiming_init import init_weights

_team.init_weights = init_weights  # build_model() looks the helper up in the team's module
