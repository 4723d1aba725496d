"""Fix: the decoder rebuilt from nn.TransformerEncoderLayer, given PyTorch's own causal mask.

``nn.Transformer.generate_square_subsequent_mask(T)`` is 0 on and below the
diagonal and -inf above it: position t attends to 0..t. Passed as the encoder's
``mask`` (with ``is_causal=True`` as the hint that it is that mask), it keeps every
position from reading the tokens it must predict. Pre-norm blocks, GELU and a
4x feed-forward layer, as in the team's hand-written blocks.
"""

import torch
from torch import nn

from mllab.broken_models.causal_mask_leak import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import causal_mask_leak as _team
from mllab.broken_models.causal_mask_leak import LENGTH, VOCAB


class Decoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tokens = nn.Embedding(VOCAB, cfg.d_model)
        self.positions = nn.Embedding(LENGTH, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, 4 * cfg.d_model, dropout=0.0,
                                           activation="gelu", batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, VOCAB)

    def forward(self, tokens):
        t = tokens.shape[1]
        x = self.tokens(tokens) + self.positions(torch.arange(t, device=tokens.device))
        mask = nn.Transformer.generate_square_subsequent_mask(t, device=tokens.device)
        return self.head(self.norm(self.blocks(x, mask=mask, is_causal=True)))


def build_model(cfg):
    torch.manual_seed(cfg.seed)
    return Decoder(cfg).to(cfg.device)


_team.build_model = build_model  # train() looks the builder up in the team's module
