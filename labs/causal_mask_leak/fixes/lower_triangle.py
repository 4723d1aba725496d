"""Fix: the mask keeps the lower triangle, so each position attends to itself and earlier ones.

``torch.triu`` kept the diagonal and everything above it: position t attended to
tokens t..31 and learned to copy token t + 1 from its input. ``torch.tril`` keeps
positions 0..t; nothing else changes.
"""

import torch

from mllab.broken_models.causal_mask_leak import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import causal_mask_leak as _team
from mllab.broken_models.causal_mask_leak import LENGTH


class SelfAttention(_team.SelfAttention):
    def __init__(self, cfg):
        super().__init__(cfg)
        self.register_buffer("visible", torch.tril(torch.ones(LENGTH, LENGTH)), persistent=False)


_team.SelfAttention = SelfAttention  # Block looks the class up in the team's module
