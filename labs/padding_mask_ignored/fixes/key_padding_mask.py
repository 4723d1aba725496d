"""Fix: the encoder is told where the padding is, and the mean runs over each review's own words.

``src_key_padding_mask`` (True at PAD) keeps every position from attending to the
padding, and the pooled vector is the mean over the review's words only, so the
padding a batch adds reaches neither the attention nor the pooling: a review's
verdict is the same alone or in any batch.
"""

import torch

from mllab.broken_models.padding_mask_ignored import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import padding_mask_ignored as _team
from mllab.broken_models.padding_mask_ignored import PAD


class ReviewClassifier(_team.ReviewClassifier):
    def forward(self, words):
        where = torch.arange(words.shape[1], device=words.device)
        padding = words == PAD
        h = self.encoder(self.words(words) + self.positions(where), src_key_padding_mask=padding)
        real = (~padding).unsqueeze(-1).to(h.dtype)
        return self.head((h * real).sum(dim=1) / real.sum(dim=1).clamp(min=1.0))


def build_model(cfg):
    torch.manual_seed(cfg.seed)
    return ReviewClassifier(cfg).to(cfg.device)


_team.build_model = build_model  # train() looks the builder up in the team's module
