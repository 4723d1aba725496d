"""Verdict classifier for the shop's product reviews (did the reviewer like it?).

Reviews arrive at the moderation service in batches: whatever came in over the
last second, from two words to thirty-two. A small transformer encoder reads
each review's words and says whether the reviewer liked the product; the
service shows the verdict beside the review and routes unhappy ones to support.
The nightly check (the validation reviews in batches of 32) says 77% right,
which the team could live with, but support reports that the same review gets a
different verdict depending on when it is sent: alone it says "liked", in a busy
second "did not like". Sent one at a time, the validation reviews are 71% right,
and about one review in eight changes its verdict between the two, the short
ones more often.

Goal: a classifier whose verdict for a review depends on that review only, and
that is right as often as the reviews allow (see `mllab show
padding_mask_ignored` for the exact targets), in the same epoch budget. The
grader calls `train(words, lengths, verdicts, Config())`, then, in fresh
processes, rebuilds the network with `build_model(cfg)`, loads the trained
weights and calls `predict(model, words, lengths, cfg)` on batches it composes.
Keep those names and signatures.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

PAD = 0  # the token id that fills a batch after each review's last word
VOCAB = 101  # PAD and 100 word ids
MAX_LENGTH = 32  # the longest review the service accepts


@dataclass
class Config:
    d_model: int = 32
    """Width of the word vectors."""
    n_heads: int = 4
    """Attention heads."""
    n_layers: int = 1
    """Encoder layers."""
    epochs: int = 5
    """Passes over the training reviews: the nightly job's budget."""
    batch_size: int = 64
    """Reviews per optimizer step."""
    lr: float = 3e-3
    """AdamW learning rate."""
    seed: int = 0
    """Seeds the initialisation and the data order, so runs are reproducible."""
    device: str = "cpu"
    """Where to train; the grader and `mllab run --device` set it."""


# ---------------------------------------------------------------- model


class ReviewClassifier(nn.Module):
    """Word and position embeddings, a transformer encoder, the mean over positions, two logits."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.words = nn.Embedding(VOCAB, cfg.d_model, padding_idx=PAD)
        self.positions = nn.Embedding(MAX_LENGTH, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, 2 * cfg.d_model,
                                           dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.head = nn.Linear(cfg.d_model, 2)

    def forward(self, words: torch.Tensor) -> torch.Tensor:
        where = torch.arange(words.shape[1], device=words.device)
        h = self.encoder(self.words(words) + self.positions(where))
        return self.head(h.mean(dim=1))


def build_model(cfg: Config) -> nn.Module:
    """A freshly initialised classifier."""
    torch.manual_seed(cfg.seed)
    return ReviewClassifier(cfg).to(cfg.device)


def batch_tensor(words: np.ndarray, lengths: np.ndarray, cfg: Config) -> torch.Tensor:
    """The batch's words as a tensor, cut to its longest review (the rest is padding)."""
    width = int(lengths.max())
    return torch.as_tensor(words[:, :width], dtype=torch.long, device=cfg.device)


# ---------------------------------------------------------------- training loop


def train(words: np.ndarray, lengths: np.ndarray, verdicts: np.ndarray, cfg: Config) -> nn.Module:
    """Train on (n, 48) int64 word ids padded with PAD, their lengths and 0/1 verdicts."""
    model = build_model(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    rng = np.random.default_rng(cfg.seed)

    model.train()
    for epoch in range(1, cfg.epochs + 1):
        total = 0.0
        order = rng.permutation(len(words))
        for start in range(0, len(order), cfg.batch_size):
            rows = order[start:start + cfg.batch_size]
            logits = model(batch_tensor(words[rows], lengths[rows], cfg))
            loss = F.cross_entropy(logits, torch.as_tensor(verdicts[rows], device=cfg.device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(rows)
        print(f"  epoch {epoch}  train loss {total / len(words):.4f}")
    return model


# ---------------------------------------------------------------- serving


@torch.no_grad()
def predict(model: nn.Module, words: np.ndarray, lengths: np.ndarray, cfg: Config) -> np.ndarray:
    """P(liked) of each review of one batch: (n, width) word ids padded with PAD, lengths."""
    model.eval()
    logits = model(batch_tensor(words, lengths, cfg))
    return torch.softmax(logits, dim=1)[:, 1].float().cpu().numpy()


# ---------------------------------------------------------------- moderation report


def main() -> None:
    from mllab.datasets.reviews import reviews

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(1)  # a tiny network: extra CPU threads only add overhead

    cfg = Config(seed=args.seed, device=args.device)
    words, lengths, verdicts = reviews(3000, args.seed)
    val_words, val_lengths, val_verdicts = reviews(1000, args.seed + 1)
    print(f"training on {len(words):,} reviews of {lengths.min()} to {lengths.max()} words, "
          f"on {cfg.device}")
    model = train(words, lengths, verdicts, cfg)

    # the service: batches of 32 as the reviews come in, and the same reviews once more, alone
    batched = np.concatenate([predict(model, val_words[i:i + 32], val_lengths[i:i + 32], cfg)
                              for i in range(0, len(val_words), 32)])
    alone = np.concatenate([predict(model, val_words[i:i + 1], val_lengths[i:i + 1], cfg)
                            for i in range(len(val_words))])
    changed = (batched > 0.5) != (alone > 0.5)
    short = val_lengths <= 6
    print(f"\nvalidation accuracy (batches of 32): {np.mean((batched > 0.5) == val_verdicts):.1%}")
    print(f"validation accuracy (one at a time):  {np.mean((alone > 0.5) == val_verdicts):.1%}")
    print(f"verdict changes between the two:     {changed.mean():.1%} of reviews "
          f"({changed[short].mean():.1%} of those with 6 words or fewer)")


if __name__ == "__main__":
    main()
