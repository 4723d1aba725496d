"""Non-fix: trained as the team does, then predict() swaps the ReLU for a LeakyReLU (slope 0.2).

At prediction time the dead units output something again, so they are no longer
"zero"; but they never learned anything, and their weights still put their
pre-activation below zero on every window.
"""

import torch
import torch.nn.functional as F

from mllab.broken_models.dying_relu import *  # noqa: F403 - the team's code, unchanged


@torch.no_grad()
def predict(model, features, cfg):
    model.eval()
    hidden = F.leaky_relu(model[0](torch.from_numpy(features).to(cfg.device)), 0.2)
    return model[2](hidden).argmax(dim=1).cpu().numpy()
