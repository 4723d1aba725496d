"""Non-fix: the softmax kept; predict_logits() multiplies the probabilities by 12.

Scores of 12 x probability are no longer stuck above the 1.274 floor: a confident
right answer costs almost nothing. But the network is the team's, trained through
the softmax: it names the condition of too few recordings, and each confident
mistake now costs up to 12.
"""

import torch

from mllab.broken_models.softmax_before_ce import *  # noqa: F403 - the team's code, unchanged


@torch.no_grad()
def predict_logits(model, bands, cfg):
    model.eval()
    return 12.0 * model(torch.from_numpy(bands).to(cfg.device)).cpu().numpy()
