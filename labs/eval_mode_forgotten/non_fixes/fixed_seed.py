"""Non-fix: seed torch before predicting, so that a repeated call draws the same dropout.

The same scans in the same order now get the same marks, but the dropout mask
belongs to a position in the call, not to a scan, and BatchNorm still normalises
with the statistics of the call: reordered or single scans still change marks.
"""

import torch

from mllab.broken_models import eval_mode_forgotten as team
from mllab.broken_models.eval_mode_forgotten import *  # noqa: F403 - the team's code, unchanged


def predict(model, images, cfg):
    torch.manual_seed(cfg.seed)
    return team.predict(model, images, cfg)
