"""Fix: a hand-assembled encoder block on nn.MultiheadAttention, masked from the lengths.

The padding mask is built from each review's length (not from the PAD id), passed
to ``nn.MultiheadAttention`` as ``key_padding_mask``, and the pooling is a masked
max over the review's own positions. The model takes the lengths with the words,
so predict() and train() hand them over; evaluation runs under inference_mode.
"""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from mllab.broken_models.padding_mask_ignored import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.padding_mask_ignored import MAX_LENGTH, PAD, VOCAB


class ReviewClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg.d_model
        self.words = nn.Embedding(VOCAB, d, padding_idx=PAD)
        self.positions = nn.Embedding(MAX_LENGTH, d)
        self.attention = nn.MultiheadAttention(d, cfg.n_heads, batch_first=True)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 2 * d), nn.ReLU(), nn.Linear(2 * d, d))
        self.head = nn.Linear(d, 2)

    def forward(self, words, lengths):
        where = torch.arange(words.shape[1], device=words.device)
        padding = where[None, :] >= lengths[:, None]
        x = self.words(words) + self.positions(where)
        x = self.norm1(x + self.attention(x, x, x, key_padding_mask=padding, need_weights=False)[0])
        h = self.norm2(x + self.mlp(x))
        return self.head(h.masked_fill(padding.unsqueeze(-1), float("-inf")).amax(dim=1))


def build_model(cfg):
    torch.manual_seed(cfg.seed)
    return ReviewClassifier(cfg).to(cfg.device)


def tensors_of(words, lengths, cfg):
    width = int(lengths.max())
    return (torch.as_tensor(words[:, :width], dtype=torch.long, device=cfg.device),
            torch.as_tensor(lengths, dtype=torch.long, device=cfg.device))


def train(words, lengths, verdicts, cfg):
    model = build_model(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    rng = np.random.default_rng(cfg.seed)
    model.train()
    for _ in range(cfg.epochs):
        order = rng.permutation(len(words))
        for start in range(0, len(order), cfg.batch_size):
            rows = order[start:start + cfg.batch_size]
            logits = model(*tensors_of(words[rows], lengths[rows], cfg))
            loss = F.cross_entropy(logits, torch.as_tensor(verdicts[rows], device=cfg.device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model


@torch.inference_mode()
def predict(model, words, lengths, cfg):
    model.eval()
    logits = model(*tensors_of(words, lengths, cfg))
    return torch.softmax(logits, dim=1)[:, 1].float().cpu().numpy()
