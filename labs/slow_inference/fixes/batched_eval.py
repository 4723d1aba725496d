"""Fix: score() runs large chunks of accounts through the network in one forward pass each,
in evaluation mode, under torch.inference_mode()."""

import torch

from mllab.broken_models.slow_inference import *  # noqa: F403 - the team's code, unchanged

CHUNK = 8192  # accounts per forward pass


@torch.inference_mode()
def score(model, features, cfg):
    model.eval()  # dropout off: each account gets the network's one answer
    x = torch.from_numpy(features).to(cfg.device)
    return torch.cat([torch.sigmoid(model(chunk)).squeeze(1) for chunk in x.split(CHUNK)]).cpu().numpy()
