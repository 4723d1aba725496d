"""Non-fix: the mean taken over each review's own words, but the attention still reads the padding.

The pooling is right now, yet every word still attends to the PAD positions
(their embeddings carry the position vectors), so how many of them a batch adds
still changes every word's output, and the verdict with it.
"""

import torch

from mllab.broken_models.padding_mask_ignored import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import padding_mask_ignored as _team
from mllab.broken_models.padding_mask_ignored import PAD


class ReviewClassifier(_team.ReviewClassifier):
    def forward(self, words):
        where = torch.arange(words.shape[1], device=words.device)
        h = self.encoder(self.words(words) + self.positions(where))
        real = (words != PAD).unsqueeze(-1).to(h.dtype)
        return self.head((h * real).sum(dim=1) / real.sum(dim=1).clamp(min=1.0))


def build_model(cfg):
    torch.manual_seed(cfg.seed)
    return ReviewClassifier(cfg).to(cfg.device)


_team.build_model = build_model  # train() looks the builder up in the team's module
