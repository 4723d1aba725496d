"""Non-fix: the model trained as it was; at prediction time each position sees only its prefix.

next_token_logits() runs the model on logs[:, :t + 1] for every t and keeps the
last row: nothing after position t can reach its prediction, so the grader's
causality check is met. But training still let every position read ahead, so
what the network learned is to copy the next token, which the prefix never
holds: its predictions are poor.
"""

import numpy as np
import torch

from mllab.broken_models.causal_mask_leak import *  # noqa: F403 - the team's code, unchanged


@torch.no_grad()
def next_token_logits(model, logs, cfg):
    model.eval()
    tokens = torch.as_tensor(logs, dtype=torch.long, device=cfg.device)
    rows = [model(tokens[:, :t + 1])[:, -1] for t in range(tokens.shape[1])]
    return np.stack([row.float().cpu().numpy() for row in rows], axis=1)
