"""Non-fix (gaming the rerun check): batch the accounts and seed torch before scoring, so
that a rerun draws the same dropout masks.

Two runs over the same accounts in the same order now agree, but the network is
still in training mode: the masks belong to positions in the call, not to
accounts, so the same accounts in another order get other scores.
"""

import torch

from mllab.broken_models.slow_inference import *  # noqa: F403 - the team's code, unchanged


@torch.inference_mode()
def score(model, features, cfg):
    torch.manual_seed(cfg.seed)
    return torch.sigmoid(model(torch.from_numpy(features).to(cfg.device))).squeeze(1).cpu().numpy()
