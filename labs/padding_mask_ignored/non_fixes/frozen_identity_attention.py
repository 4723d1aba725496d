"""Cheat (structure that never learned): the padding masked, the attention weights frozen at scaled identities.

The team's encoder layer, told where the padding is, with its queries, keys,
values and output projection fixed at identities (the queries and keys halved)
and frozen; the embeddings, the feed-forward block and the head learn around
them. The network has its attention of the right shapes, and its verdicts do not
move with the batch; but the attention is a fixed map that learned nothing, and
the words' own vectors do the work, as a bag of words would.
"""

import torch
from torch import nn

from mllab.broken_models.padding_mask_ignored import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import padding_mask_ignored as _team
from mllab.broken_models.padding_mask_ignored import PAD


class ReviewClassifier(_team.ReviewClassifier):
    def __init__(self, cfg):
        super().__init__(cfg)
        eye = torch.eye(cfg.d_model)
        for layer in self.encoder.layers:
            attention = layer.self_attn
            with torch.no_grad():
                attention.in_proj_weight.copy_(torch.cat([0.5 * eye, 0.5 * eye, eye]))
                attention.in_proj_bias.zero_()
                attention.out_proj.weight.copy_(eye)
                attention.out_proj.bias.zero_()
            for param in (attention.in_proj_weight, attention.in_proj_bias,
                          attention.out_proj.weight, attention.out_proj.bias):
                param.requires_grad_(False)

    def forward(self, words):
        where = torch.arange(words.shape[1], device=words.device)
        padding = words == PAD
        h = self.encoder(self.words(words) + self.positions(where), src_key_padding_mask=padding)
        real = (~padding).unsqueeze(-1).to(h.dtype)
        return self.head((h * real).sum(dim=1) / real.sum(dim=1).clamp(min=1.0))


_team.ReviewClassifier = ReviewClassifier  # build_model looks the class up in the team's module
