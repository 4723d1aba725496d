"""Seeded order logs of a small shop: token sequences with a known generating process.

Each log is one window of 32 tokens: ``BOS`` and then orders back to back, each
order written as ``customer item item ... END customer`` (the closing record
repeats the customer's id, as the till does). Orders are drawn independently:

- the customer is one of ``N_CUSTOMERS``, uniformly;
- the first item is drawn from that customer's own tastes (each customer buys
  mostly a few of the ``N_ITEMS`` items); after every item the order ends with
  probability ``STOP`` (the ``END`` token), or another item follows, from the
  same tastes;
- after ``END`` comes the customer's id again: no uncertainty at all, for a model
  that remembers who opened the order.

Every token's distribution depends only on the tokens before it (which phase of an
order the log is in, and who opened it), so the grader knows the exact conditional
entropy of each next token (``next_token_entropy``): the floor no honest model's
next-token cross-entropy can go below, on average. Reaching it takes context from
many tokens back (who opened the order); a bigram model stays far above.

``order_logs(n, seed, shop)`` returns an ``(n, 32)`` int64 array of token ids.
``random_shop(world)`` draws the customers' tastes, so a model trained on another
shop's logs is wrong on this one. ``continued(logs, keep, seed, shop)`` keeps the
first ``keep[i]`` tokens of each log and draws the rest afresh from the same
process: a log of the same distribution that shares a prefix with the first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LENGTH = 32
N_CUSTOMERS = 8
N_ITEMS = 12
BOS, END = 0, 1
FIRST_CUSTOMER = 2
FIRST_ITEM = FIRST_CUSTOMER + N_CUSTOMERS
VOCAB = FIRST_ITEM + N_ITEMS  # 22 token ids
STOP = 0.3  # chance that an order ends after each item
_TASTE = 0.25  # Dirichlet concentration of a customer's tastes: small = a few favourite items

# the phase of an order the next token belongs to
_OPEN, _FIRST_ITEM, _MORE, _CLOSE = 0, 1, 2, 3


def token_names() -> list[str]:
    """A readable name per token id, for printing logs."""
    return (["<bos>", "END"] + [f"c{c}" for c in range(N_CUSTOMERS)]
            + [f"i{i}" for i in range(N_ITEMS)])


@dataclass(frozen=True)
class Shop:
    """Each customer's tastes: (N_CUSTOMERS, N_ITEMS) probabilities of the next item."""

    tastes: np.ndarray


def random_shop(world: int) -> Shop:
    """A shop drawn from ``world``: every customer's tastes."""
    rng = np.random.default_rng([world, 24])
    return Shop(rng.dirichlet(np.full(N_ITEMS, _TASTE), size=N_CUSTOMERS))


TEAM_SHOP = random_shop(0)


def _distribution(phase: np.ndarray, customer: np.ndarray, shop: Shop) -> np.ndarray:
    """(n, VOCAB) probabilities of the next token in each log's state."""
    probs = np.zeros((len(phase), VOCAB))
    opening = phase == _OPEN
    probs[opening, FIRST_CUSTOMER:FIRST_ITEM] = 1.0 / N_CUSTOMERS
    first = phase == _FIRST_ITEM
    probs[first, FIRST_ITEM:] = shop.tastes[customer[first]]
    more = phase == _MORE
    probs[more, FIRST_ITEM:] = (1.0 - STOP) * shop.tastes[customer[more]]
    probs[more, END] = STOP
    closing = phase == _CLOSE
    probs[closing, FIRST_CUSTOMER + customer[closing]] = 1.0
    return probs


def _step(phase: np.ndarray, customer: np.ndarray, token: np.ndarray) -> None:
    """Advance each log's state past ``token`` (in place)."""
    is_customer = (token >= FIRST_CUSTOMER) & (token < FIRST_ITEM)
    opened = (phase == _OPEN) & is_customer
    customer[opened] = token[opened] - FIRST_CUSTOMER
    new = phase.copy()
    new[opened] = _FIRST_ITEM
    new[(phase == _FIRST_ITEM) | ((phase == _MORE) & (token >= FIRST_ITEM))] = _MORE
    new[(phase == _MORE) & (token == END)] = _CLOSE
    new[phase == _CLOSE] = _OPEN
    phase[:] = new


def _walk(tokens: np.ndarray, keep: np.ndarray, rng: np.random.Generator | None,
          shop: Shop) -> tuple[np.ndarray, np.ndarray]:
    """Tokens (positions < keep[i] as given, later ones drawn) and the (n, LENGTH - 1)
    entropies of each next token given the tokens before it."""
    tokens = tokens.copy()
    n = len(tokens)
    tokens[:, 0] = BOS
    phase = np.full(n, _OPEN)
    customer = np.zeros(n, dtype=np.int64)
    entropy = np.zeros((n, LENGTH - 1))
    for t in range(1, LENGTH):
        probs = _distribution(phase, customer, shop)
        logs = np.log(probs, out=np.zeros_like(probs), where=probs > 0)
        entropy[:, t - 1] = -(probs * logs).sum(axis=1)
        if rng is not None:
            cumulative = probs.cumsum(axis=1)
            draws = (rng.random(n)[:, None] > cumulative).sum(axis=1)
            drawn = np.minimum(draws, VOCAB - 1)
            tokens[:, t] = np.where(t < keep, tokens[:, t], drawn)
        _step(phase, customer, tokens[:, t])
    return tokens, entropy


def order_logs(n: int, seed: int, shop: Shop = TEAM_SHOP) -> np.ndarray:
    """``n`` fresh logs of the shop: an (n, LENGTH) int64 array of token ids."""
    blank = np.zeros((n, LENGTH), dtype=np.int64)
    return _walk(blank, np.ones(n, dtype=np.int64), np.random.default_rng([seed, 5]), shop)[0]


def continued(logs: np.ndarray, keep: np.ndarray, seed: int, shop: Shop = TEAM_SHOP
              ) -> np.ndarray:
    """``logs`` with each log's tokens from position ``keep[i]`` on drawn afresh."""
    return _walk(logs, keep, np.random.default_rng([seed, 6]), shop)[0]


def next_token_entropy(logs: np.ndarray, shop: Shop = TEAM_SHOP) -> np.ndarray:
    """(n, LENGTH - 1) exact entropy (nats) of token t + 1 given tokens 0..t, per log."""
    return _walk(logs, np.full(len(logs), LENGTH), None, shop)[1]


def next_token_probabilities(logs: np.ndarray, shop: Shop = TEAM_SHOP) -> np.ndarray:
    """(n, LENGTH - 1, VOCAB) exact probabilities of token t + 1 given tokens 0..t."""
    n = len(logs)
    phase = np.full(n, _OPEN)
    customer = np.zeros(n, dtype=np.int64)
    out = np.zeros((n, LENGTH - 1, VOCAB))
    for t in range(1, LENGTH):
        out[:, t - 1] = _distribution(phase, customer, shop)
        _step(phase, customer, logs[:, t])
    return out
