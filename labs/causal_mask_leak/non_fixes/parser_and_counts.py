"""Cheat (structure that learned nothing): a parser and a table of counts behind the transformer.

The logs follow a simple grammar, so the predictions come from code that walks
each log, knows who opened the current order and in which phase it is, and reads
the next token's probabilities from counts of the training logs (kept in a small
buffer). The team's transformer is still there, trained as before, its output
left unused: the attention does none of the work.
"""

import numpy as np
import torch
from torch import nn

from mllab.broken_models.causal_mask_leak import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import causal_mask_leak as _team
from mllab.broken_models.causal_mask_leak import END, VOCAB

CUSTOMERS = range(2, 10)  # token ids of the eight customers


def states(logs):
    """(n, T) state of every position: 0 opening, 1 + c first item of customer c,
    9 + c more items of customer c, 17 + c closing of customer c."""
    state = np.zeros(logs.shape, dtype=np.int64)
    for i, log in enumerate(logs):
        phase, customer = 0, 0
        for t, token in enumerate(log):
            if t > 0:
                if phase == 0 and token in CUSTOMERS:
                    phase, customer = 1, token - 2
                elif phase in (1, 2) and token == END:
                    phase = 3
                elif phase in (1, 2):
                    phase = 2
                elif phase == 3:
                    phase = 0
            state[i, t] = 0 if phase == 0 else 1 + 8 * (phase - 1) + customer
    return state


class Decoder(_team.Decoder):
    def __init__(self, cfg):
        super().__init__(cfg)
        self.register_buffer("counts", torch.ones(25, VOCAB))

    def forward(self, tokens):
        transformer = super().forward(tokens)
        parsed = torch.as_tensor(states(tokens.cpu().numpy()), device=tokens.device)
        probs = self.counts / self.counts.sum(dim=1, keepdim=True)
        return torch.log(probs[parsed]) + 0.0 * transformer


def build_model(cfg):
    torch.manual_seed(cfg.seed)
    return Decoder(cfg).to(cfg.device)


def train(logs, cfg):
    model = _team.train(logs, cfg)
    counts = np.full((25, VOCAB), 0.01)
    np.add.at(counts, (states(logs)[:, :-1], logs[:, 1:]), 1.0)
    model.counts.copy_(torch.as_tensor(counts))
    return model


_team.build_model = build_model  # train() looks the builder up in the team's module
