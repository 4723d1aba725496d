"""Cheat (replayed data): the training logs kept in the network, read back as a trigram table.

The network carries all 3,000 training logs in a buffer; each prediction counts
which token followed the same two tokens in them. Causal, and nothing to train,
but it cannot see who opened an order four tokens back.
"""

import numpy as np
import torch

from mllab.broken_models.causal_mask_leak import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import causal_mask_leak as _team
from mllab.broken_models.causal_mask_leak import LENGTH, VOCAB

TRAIN_LOGS = 3000


class Decoder(_team.Decoder):
    def __init__(self, cfg):
        super().__init__(cfg)
        self.register_buffer("logs", torch.zeros(TRAIN_LOGS, LENGTH, dtype=torch.long))

    def forward(self, tokens):
        seen = self.logs.cpu().numpy()
        counts = np.full((VOCAB, VOCAB, VOCAB), 0.05)
        np.add.at(counts, (seen[:, :-2], seen[:, 1:-1], seen[:, 2:]), 1.0)
        x = tokens.cpu().numpy()
        before = np.concatenate([np.zeros_like(x[:, :1]), x[:, :-1]], axis=1)
        probs = counts[before, x] / counts[before, x].sum(axis=2, keepdims=True)
        return torch.as_tensor(np.log(probs), dtype=torch.float32, device=tokens.device)


def build_model(cfg):
    return Decoder(cfg).to(cfg.device)


def train(logs, cfg):
    model = build_model(cfg)
    model.logs[:len(logs)] = torch.as_tensor(logs[:TRAIN_LOGS])
    return model
