"""Fix: the encoder is told where the padding is, and the mean runs over each review's own words.

``src_key_padding_mask`` (True at PAD) keeps every position from attending to the
padding, and the pooled vector is the mean over the review's words only, so the
padding a batch adds reaches neither the attention nor the pooling: a review's
verdict is the same alone or in any batch.
"""

import torch
from torch import nn

from mllab.broken_models.padding_mask_ignored import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import padding_mask_ignored as _team
from mllab.broken_models.padding_mask_ignored import MAX_LENGTH, PAD, VOCAB


class ReviewClassifier(nn.Module):
    """Word and position embeddings, a transformer encoder that skips the padding, the mean
    over each review's own positions, two logits."""

    def __init__(self, cfg):
        super().__init__()
        self.words = nn.Embedding(VOCAB, cfg.d_model, padding_idx=PAD)
        self.positions = nn.Embedding(MAX_LENGTH, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, 2 * cfg.d_model,
                                           dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.head = nn.Linear(cfg.d_model, 2)

    def forward(self, words):
        where = torch.arange(words.shape[1], device=words.device)
        padding = words == PAD
        h = self.encoder(self.words(words) + self.positions(where), src_key_padding_mask=padding)
        real = (~padding).unsqueeze(-1).to(h.dtype)
        return self.head((h * real).sum(dim=1) / real.sum(dim=1).clamp(min=1.0))


_team.ReviewClassifier = ReviewClassifier  # build_model looks the class up in the team's module
