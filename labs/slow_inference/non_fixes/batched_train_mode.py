"""Non-fix: score all the accounts in one forward pass, leaving the network as train() left it.

Fast, but still in training mode: dropout zeroes a random 30% of the hidden units
on every pass, so a rerun moves about half of the scores.
"""

import torch

from mllab.broken_models.slow_inference import *  # noqa: F403 - the team's code, unchanged


@torch.inference_mode()
def score(model, features, cfg):
    return torch.sigmoid(model(torch.from_numpy(features).to(cfg.device))).squeeze(1).cpu().numpy()
