"""Non-fix: average the probabilities of 16 forward passes to smooth out the randomness.

Averaging makes the marks steadier, but each pass still runs in training mode:
BatchNorm still normalises a single scan by itself.
"""

import numpy as np
import torch

from mllab.broken_models.eval_mode_forgotten import *  # noqa: F403 - the team's code, unchanged

PASSES = 16


@torch.no_grad()
def predict(model, images, cfg):
    x = torch.from_numpy(images).unsqueeze(1).to(cfg.device)
    probabilities = sum(torch.softmax(model(x), dim=1) for _ in range(PASSES))
    return probabilities.argmax(dim=1).cpu().numpy().astype(np.int64)
