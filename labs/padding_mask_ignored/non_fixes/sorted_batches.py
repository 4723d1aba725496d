"""Non-fix: reviews sorted by length, in training and inside predict(), so that batches need little padding.

Bucketing by length is a good habit for speed, and it makes the padding small:
predict() sorts each batch it gets and runs it in chunks of 16 similar lengths.
But a chunk still pads to its longest review, and which reviews share a chunk
depends on the rest of the batch: the verdicts still move, only less often.
"""

import numpy as np
import torch
from torch.nn import functional as F

from mllab.broken_models.padding_mask_ignored import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import padding_mask_ignored as _team

CHUNK = 16


def train(words, lengths, verdicts, cfg):
    model = build_model(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    rng = np.random.default_rng(cfg.seed)
    by_length = np.argsort(lengths + rng.random(len(lengths)), kind="stable")
    chunks = [by_length[i:i + cfg.batch_size] for i in range(0, len(by_length), cfg.batch_size)]
    model.train()
    for _ in range(cfg.epochs):
        for k in rng.permutation(len(chunks)):
            rows = chunks[k]
            logits = model(_team.batch_tensor(words[rows], lengths[rows], cfg))
            loss = F.cross_entropy(logits, torch.as_tensor(verdicts[rows], device=cfg.device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model


def predict(model, words, lengths, cfg):
    order = np.argsort(lengths, kind="stable")
    out = np.empty(len(words), dtype=np.float32)
    for i in range(0, len(order), CHUNK):
        rows = order[i:i + CHUNK]
        out[rows] = _team.predict(model, words[rows], lengths[rows], cfg)
    return out
