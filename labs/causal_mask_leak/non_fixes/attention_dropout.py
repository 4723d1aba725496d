"""Non-fix: dropout on the attention weights and the residual branches, against "overfitting".

The training loss is suspiciously low, so the team regularises: 20% dropout on
the attention probabilities and after each block's branches. The loss rises a
little; every position still attends to the tokens after it.
"""

from torch import nn
from torch.nn import functional as F

from mllab.broken_models.causal_mask_leak import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import causal_mask_leak as _team

DROPOUT = 0.2


class SelfAttention(_team.SelfAttention):
    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)
        q, k, v = (z.view(b, t, self.n_heads, d // self.n_heads).transpose(1, 2) for z in (q, k, v))
        scores = q @ k.transpose(-2, -1) / (d // self.n_heads) ** 0.5
        scores = scores.masked_fill(self.visible[:t, :t] == 0, float("-inf"))
        weights = F.dropout(F.softmax(scores, dim=-1), DROPOUT, self.training)
        return F.dropout(self.proj((weights @ v).transpose(1, 2).reshape(b, t, d)), DROPOUT,
                         self.training)


class Block(_team.Block):
    def __init__(self, cfg):
        super().__init__(cfg)
        self.mlp.append(nn.Dropout(DROPOUT))


_team.SelfAttention = SelfAttention  # Block looks the class up in the team's module
_team.Block = Block  # and Decoder the block
