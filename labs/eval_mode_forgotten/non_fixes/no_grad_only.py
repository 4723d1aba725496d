"""Non-fix: predict() under torch.no_grad(), still in training mode.

no_grad only stops autograd from recording; dropout and BatchNorm still behave
as in training.
"""

import torch

from mllab.broken_models import eval_mode_forgotten as team
from mllab.broken_models.eval_mode_forgotten import *  # noqa: F403 - the team's code, unchanged

predict = torch.no_grad()(team.predict)
