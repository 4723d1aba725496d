"""Non-fix: run the per-account loop under torch.inference_mode().

Autograd stops recording, which saves a little per call; but the loop still pays
Python and dispatcher overhead for every account, and the network is still in
training mode, so dropout keeps moving the scores.
"""

import torch

from mllab.broken_models import slow_inference as team
from mllab.broken_models.slow_inference import *  # noqa: F403 - the team's code, unchanged

score = torch.inference_mode()(team.score)
