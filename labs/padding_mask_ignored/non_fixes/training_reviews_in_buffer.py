"""Cheat (replayed data): the 3,000 training reviews kept in the network, read back by nearest neighbour.

Each review is compared, as a bag of words over its own length, with every
training review in a buffer; the verdict is the vote of the 25 closest. Its
answer depends on the review only, and it never pads anything into a model.
"""

import numpy as np
import torch
from torch import nn

from mllab.broken_models.padding_mask_ignored import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import padding_mask_ignored as _team
from mllab.broken_models.padding_mask_ignored import MAX_LENGTH, PAD, VOCAB

TRAIN_REVIEWS = 3000


def bags(words, lengths):
    counts = np.zeros((len(words), VOCAB))
    for i, (row, n) in enumerate(zip(words, lengths)):
        np.add.at(counts[i], row[:n], 1.0)
    counts[:, PAD] = 0.0
    return counts / np.maximum(lengths, 1)[:, None]


class Remembered(_team.ReviewClassifier):
    def __init__(self, cfg):
        super().__init__(cfg)
        self.register_buffer("seen", torch.zeros(TRAIN_REVIEWS, MAX_LENGTH + 2))


def build_model(cfg):
    return Remembered(cfg).to(cfg.device)


def train(words, lengths, verdicts, cfg):
    model = build_model(cfg)
    n = min(len(words), TRAIN_REVIEWS)
    rows = np.column_stack([words[:n], lengths[:n], verdicts[:n]]).astype(np.float32)
    model.seen[:n] = torch.as_tensor(rows)
    return model


def predict(model, words, lengths, cfg):
    if not hasattr(model, "remembered"):
        model.remembered = remembered(model)
    seen_bags, seen_verdicts = model.remembered
    full = np.zeros((len(words), MAX_LENGTH), dtype=np.int64)
    full[:, :words.shape[1]] = words
    distance = ((bags(full, lengths)[:, None, :] - seen_bags[None]) ** 2).sum(-1)
    nearest = np.argsort(distance, axis=1)[:, :25]
    return seen_verdicts[nearest].mean(axis=1)


def remembered(model):
    """The buffered reviews as bags of words, and their verdicts."""
    seen = model.seen.cpu().numpy()
    known = seen[:, MAX_LENGTH] > 0
    seen_words = seen[known, :MAX_LENGTH].astype(np.int64)
    seen_lengths = seen[known, MAX_LENGTH].astype(np.int64)
    return bags(seen_words, seen_lengths), seen[known, MAX_LENGTH + 1]
