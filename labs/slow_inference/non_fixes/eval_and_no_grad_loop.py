"""Non-fix: evaluation mode and no autograd, but still one forward pass per account.

Both of the mode problems are gone, so the scores are right and repeatable; the
per-account loop is what costs the time, and it stays.
"""

import numpy as np
import torch

from mllab.broken_models.slow_inference import *  # noqa: F403 - the team's code, unchanged


@torch.no_grad()
def score(model, features, cfg):
    model.eval()
    scores = np.empty(len(features), dtype=np.float32)
    for i, account in enumerate(features):
        x = torch.from_numpy(account).unsqueeze(0).to(cfg.device)
        scores[i] = torch.sigmoid(model(x)).item()
    return scores
