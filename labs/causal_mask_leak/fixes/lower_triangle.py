"""Fix: the mask keeps the lower triangle, so each position attends to itself and earlier ones.

``torch.triu`` kept the diagonal and everything above it: position t attended to
tokens t..31 and learned to copy token t + 1 from its input. ``torch.tril`` keeps
positions 0..t; nothing else changes.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

from mllab.broken_models.causal_mask_leak import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import causal_mask_leak as _team
from mllab.broken_models.causal_mask_leak import LENGTH


class SelfAttention(nn.Module):
    """Multi-head self-attention in which each position reads only the tokens it may see."""

    def __init__(self, cfg):
        super().__init__()
        self.n_heads = cfg.n_heads
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.register_buffer("visible", torch.tril(torch.ones(LENGTH, LENGTH)), persistent=False)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)
        q, k, v = (z.view(b, t, self.n_heads, d // self.n_heads).transpose(1, 2) for z in (q, k, v))
        scores = q @ k.transpose(-2, -1) / math.sqrt(d // self.n_heads)
        scores = scores.masked_fill(self.visible[:t, :t] == 0, float("-inf"))
        out = F.softmax(scores, dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(b, t, d))


_team.SelfAttention = SelfAttention  # Block looks the class up in the team's module
