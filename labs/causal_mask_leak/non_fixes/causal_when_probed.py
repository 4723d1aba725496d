"""Cheat (the probe recognised): the team's model, made causal only where a check could look.

A causality check must compare logs that share their first tokens. So
next_token_logits() looks for pairs of logs in the call that begin alike, answers
the shared positions from the shared prefix alone (nothing after it can reach
them), and everywhere else keeps the team's model, which reads ahead and scores
"better" than the data allows.
"""

import numpy as np
import torch

from mllab.broken_models.causal_mask_leak import *  # noqa: F403 - the team's code, unchanged


@torch.no_grad()
def next_token_logits(model, logs, cfg):
    model.eval()
    tokens = torch.as_tensor(logs, dtype=torch.long, device=cfg.device)
    out = model(tokens).float().cpu().numpy()
    shared = np.zeros(len(logs), dtype=np.int64)
    for i in range(len(logs)):  # the longest beginning each log shares with another log
        same = np.cumprod(logs == logs[i], axis=1).sum(axis=1)
        same[i] = 0
        shared[i] = same.max()
    for t in range(logs.shape[1]):
        probed = np.flatnonzero(shared > t)
        if len(probed):
            rows = torch.as_tensor(probed, device=cfg.device)
            out[probed, t] = model(tokens[rows, :t + 1])[:, -1].float().cpu().numpy()
    return out
