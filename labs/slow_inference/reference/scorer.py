"""The grader's reference scorer: the team's network, scored the way it should be.

Never graded and never shown to a learner's run: the grading process runs it in
the same sandbox as the learner's scoring runs, interleaved with them, and times
both from outside. Whole batches, evaluation mode, no autograd.
"""

import torch

from mllab.broken_models.slow_inference import *  # noqa: F403 - the team's network and training

CHUNK = 4096  # accounts per forward pass


@torch.inference_mode()
def score(model, features, cfg):
    model.eval()
    x = torch.from_numpy(features).to(cfg.device)
    return torch.cat([torch.sigmoid(model(chunk)).squeeze(1) for chunk in x.split(CHUNK)]).cpu().numpy()
