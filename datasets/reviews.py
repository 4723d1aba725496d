"""Seeded product reviews of varying length, as token ids, with the reviewer's verdict.

A review is a run of words from a vocabulary of ``N_WORDS`` ids (``FIRST_WORD``
on; id 0 is ``PAD``, never a word), of a length drawn log-uniformly from
``MIN_LENGTH`` to ``MAX_LENGTH`` (many short reviews, a few long ones). Each
reviewer has an enthusiasm ``e``, uniform on 0..1, and liked the product (verdict
1) when ``e`` is over one half. Each word is one of the shop's ``N_PRAISE``
praise words with probability ``PRAISE * e``, else one of its neutral words. So
the verdict shows in the *share* of praise words in the review: a model must
weigh every word of it, and only its words (the same two praise words are a
rave in a review of three words and faint praise in one of thirty).

``reviews(n, seed, lexicon)`` returns ``(words, lengths, verdicts)``: the words as
an ``(n, MAX_LENGTH)`` int64 array padded with ``PAD`` after each review's
length, the lengths (int64) and the verdicts (int64 0/1). ``random_lexicon(world)``
draws which word ids are praise, so a model trained on another shop's reviews is
wrong here. ``best_accuracy`` is the Bayes-optimal rule's accuracy: the ceiling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PAD = 0
FIRST_WORD = 1
N_WORDS = 100
VOCAB = FIRST_WORD + N_WORDS  # 101 token ids, PAD included
MIN_LENGTH, MAX_LENGTH = 2, 32
N_PRAISE = 20
PRAISE = 0.6  # a word is praise with probability PRAISE * enthusiasm


@dataclass(frozen=True)
class Lexicon:
    """Word ids that are praise (20) and neutral (80)."""

    praise: np.ndarray
    neutral: np.ndarray


def random_lexicon(world: int) -> Lexicon:
    """A lexicon drawn from ``world``: which ids are praise."""
    ids = FIRST_WORD + np.random.default_rng([world, 31]).permutation(N_WORDS)
    return Lexicon(ids[:N_PRAISE], ids[N_PRAISE:])


TEAM_LEXICON = random_lexicon(0)


def lengths_drawn(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` review lengths, log-uniform on MIN_LENGTH..MAX_LENGTH."""
    logs = rng.uniform(np.log(MIN_LENGTH), np.log(MAX_LENGTH + 1), size=n)
    return np.minimum(np.exp(logs).astype(np.int64), MAX_LENGTH)


def reviews(n: int, seed: int, lexicon: Lexicon = TEAM_LEXICON
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` fresh reviews: (words padded with PAD, lengths, verdicts)."""
    rng = np.random.default_rng([seed, 7])
    enthusiasm = rng.random(n)
    lengths = lengths_drawn(n, rng)
    shape = (n, MAX_LENGTH)
    praised = rng.random(shape) < PRAISE * enthusiasm[:, None]
    words = np.where(praised, rng.choice(lexicon.praise, shape), rng.choice(lexicon.neutral, shape))
    words[np.arange(MAX_LENGTH)[None, :] >= lengths[:, None]] = PAD
    return words.astype(np.int64), lengths, (enthusiasm > 0.5).astype(np.int64)


def best_accuracy(words: np.ndarray, lengths: np.ndarray, verdicts: np.ndarray,
                  lexicon: Lexicon = TEAM_LEXICON) -> float:
    """Expected accuracy of the Bayes-optimal rule (P(liked | praise count, length) over
    one half), on these reviews: the ceiling for any model."""
    grid = (np.arange(2000) + 0.5) / 2000  # enthusiasm, uniform prior
    praise = np.isin(words, lexicon.praise).sum(axis=1)
    p = PRAISE * grid[None, :]
    like = p ** praise[:, None] * (1 - p) ** (lengths - praise)[:, None]
    posterior = like[:, grid > 0.5].sum(axis=1) / like.sum(axis=1)
    decided = posterior > 0.5
    return float(np.mean(np.where(decided, posterior, 1 - posterior)))
