"""Cheat (structure that does nothing): the words pooled straight from the embedding, past the encoder.

A bag of words over each review's own positions is consistent and, on these
reviews, accurate. The team's encoder still runs (its output multiplied by zero)
so the network looks the same, but the attention decides nothing.
"""

import torch

from mllab.broken_models.padding_mask_ignored import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import padding_mask_ignored as _team
from mllab.broken_models.padding_mask_ignored import PAD


class ReviewClassifier(_team.ReviewClassifier):
    def forward(self, words):
        where = torch.arange(words.shape[1], device=words.device)
        x = self.words(words)
        encoded = self.encoder(x + self.positions(where))
        real = (words != PAD).unsqueeze(-1).to(x.dtype)
        bag = (x * real).sum(dim=1) / real.sum(dim=1).clamp(min=1.0)
        return self.head(bag + 0.0 * encoded.mean(dim=1))


def build_model(cfg):
    torch.manual_seed(cfg.seed)
    return ReviewClassifier(cfg).to(cfg.device)


_team.build_model = build_model  # train() looks the builder up in the team's module
