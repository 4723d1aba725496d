"""Grading for causal_mask_leak: fresh order logs of a shop drawn per grading, scored token by token.

``make_split`` and ``measure`` run in the grading process. Each seed takes three
fresh sandboxed runs, sharing nothing but the arrays named here:

- ``fit``: ``train()`` on 3,000 logs; only the returned network's tensors (its
  ``state_dict``) come back.
- ``score``: a new process rebuilds the network with the learner's
  ``build_model(cfg)``, loads those tensors and calls ``next_token_logits()`` on
  1,000 fresh logs, in an order drawn here. The grading process takes the
  log-softmax of what came back and scores every position against the token that
  really follows it (``excess_ce``: the mean cross-entropy minus the exact
  conditional entropy of those tokens, which the grader knows from the shop's
  process). No honest model is below zero beyond sampling noise (about 0.01 nats
  on 31,000 tokens): a model that reads the tokens it is asked to predict is far
  below (the team's: about -1.3), one that cannot use its context far above.
- Causality (``future_leak``), from the same call: the 1,000 logs are 500 pairs.
  The second log of a pair keeps the first ``k`` tokens of the first (``k`` drawn
  uniformly from 1..31) and continues from there with tokens drawn afresh from the
  shop's process, so every log, probe or not, is an ordinary log of the shop
  (each shares a prefix with exactly one other; none is a copy with tokens
  changed by hand, so no value marks it). A causal model's predictions at the
  shared positions (0..k-1) depend on the shared tokens only and must agree
  between the two logs; ``future_leak`` is the share of pairs in which some
  shared position's predicted probabilities differ by more than 0.001. Code that
  answers shared prefixes causally and reads ahead elsewhere reads ahead on half
  the positions and lands far below the floor.
- ``ablated``: the same logs, in another order, with every attention-shaped
  matrix's entries shuffled with random signs (``entries_shuffled``): the
  2-D tensors of shape (j*d, d), j in 1..3, where d is the width of the token
  embedding (the tensors with a side of 22, the vocabulary). Those hold the
  queries, keys, values and output projections in the team's code and in
  ``nn.MultiheadAttention``; with d equal to the log length, the position table
  too. Without its attention a transformer cannot find who opened the order, and
  its cross-entropy rises by about 0.7 nats or more (``ablated_excess``); a model
  whose context comes from elsewhere (a parser and a table of counts, a recurrent
  layer of another width) loses nothing.
- ``attention_matrices`` (at least one) and ``fixed_attention_matrices`` (none):
  attention-shaped matrices that never learned (close to an identity, a scaled
  permutation, a constant or rank-one map: ``fixed_maps``). A causal mask kept as a
  (32, 32) buffer is left out only when it is a triangle (``networks.is_mask``): attention
  weights frozen at identities are 0/1 too, and count.
- ``parameters`` (at most 10x the team's 27,930) and ``largest_dim`` (at most
  1,024; training logs: 3,000): no logs or second model carried in the tensors.

The customers' tastes are drawn from the evaluation seed for training and
evaluation alike (``random_shop``), so a model trained elsewhere is wrong; anything
kept outside the network's tensors is gone when ``next_token_logits()`` runs.

What this does not rule out: attention matrices frozen at a random draw while a
recurrent layer of the same width (whose matrices the ablation shuffles too) does
the work; a model that tells the two predicting runs apart by what its own
weights look like (a checksum) and answers without attention when they look
trained; code that reads ahead only where the shared prefix ends and blends its
answers to land at the floor. These are deliberate constructions, not fixes, and
the scenario's rules exclude them.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.order_logs import (LENGTH, VOCAB, continued, next_token_entropy, order_logs,
                                       random_shop)
from mllab.graders import Carry, Split, Stage
from mllab.graders import networks
from mllab.graders.networks import entries_shuffled, fixed_maps, readable_rows, tensors
from mllab.graders.outputs import InvalidOutput

TRAIN_LOGS = 3_000
PAIRS = 500
MOVED = 1e-3  # a shared position's probabilities differ by more than this: the future leaked


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Three fresh runs: train; score the paired logs; score them with attention shuffled."""
    shop = random_shop(eval_seed)
    rng = np.random.default_rng([eval_seed, 3])
    first = order_logs(PAIRS, eval_seed, shop)
    shared = rng.integers(1, LENGTH, size=PAIRS)
    logs = np.concatenate([first, continued(first, shared, eval_seed, shop)])
    order, ablated_order = rng.permutation(len(logs)), rng.permutation(len(logs))
    train = order_logs(TRAIN_LOGS, train_seed, shop)
    truth = {"logs": logs, "shared": shared, "order": order, "ablated_order": ablated_order,
             "entropy": next_token_entropy(logs, shop),
             "train_floor": float(next_token_entropy(train, shop).mean())}

    def ablate(weights: np.ndarray, outputs) -> np.ndarray:
        rows = readable_rows(weights, outputs.raw_array("shapes"))
        changed = weights.copy()
        parts = tensors(changed, rows)
        for i in attention_matrices(rows, weights):
            parts[i][...] = entries_shuffled(parts[i], rng, signs=True)
        return changed

    return Split(truth=truth, stages=(
        Stage("fit", {"train": train},
              outputs=("weights", "shapes")),
        Stage("score", {"weights": Carry("weights"), "shapes": Carry("shapes"),
                        "logs": logs[order]}, outputs=("logits",), entry="score"),
        Stage("ablated", {"weights": Carry("weights", change=ablate), "shapes": Carry("shapes"),
                          "logs": logs[ablated_order]}, outputs=("logits",), entry="score",
              keep_as=("logits_ablated",)),
    ))


def attention_matrices(rows: list[tuple[int, ...]], weights: np.ndarray) -> list[int]:
    """Indices of the 2-D tensors shaped (j*d, d), j in 1..3, d the token embedding's width,
    leaving out causal masks (``networks.is_mask``)."""
    found = networks.attention_matrices(rows, weights, VOCAB, (1, 2, 3), LENGTH)
    if found is None:
        raise InvalidOutput("train(): could not find the token embedding's width in the returned "
                            "network (a 2-D tensor with one side of 22, the vocabulary)",
                            "Keep the team's decoder: token embeddings, attention blocks and a "
                            "head that scores the 22 tokens.")
    return found


def log_probabilities(outputs, name: str, order: np.ndarray) -> np.ndarray:
    """The (n, LENGTH, VOCAB) log-softmax of the returned logits, back in the logs' order."""
    n = len(order)
    logits = outputs.array(name, n * LENGTH * VOCAB, what="next_token_logits()")
    logits = logits.reshape(n, LENGTH, VOCAB)
    shifted = logits - logits.max(axis=2, keepdims=True)
    scores = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    back = np.empty_like(scores)
    back[order] = scores
    return back


def excess(scores: np.ndarray, truth: dict) -> float:
    """Mean cross-entropy of the tokens that follow positions 0..30, minus their entropy."""
    logs = truth["logs"]
    picked = np.take_along_axis(scores[:, :-1], logs[:, 1:, None], axis=2)[..., 0]
    return float(-picked.mean() - truth["entropy"].mean())


def leaked_share(scores: np.ndarray, shared: np.ndarray) -> float:
    """Share of pairs whose predictions at shared positions differ by more than MOVED."""
    probs = np.exp(scores)
    a, b = probs[:len(shared)], probs[len(shared):]
    moved = np.abs(a - b).max(axis=2)  # (pairs, LENGTH)
    at_shared = np.arange(LENGTH)[None, :] < shared[:, None]
    return float(np.mean((moved * at_shared).max(axis=1) > MOVED))


def measure(outputs, truth: dict) -> dict[str, float]:
    scores = log_probabilities(outputs, "logits", truth["order"])
    ablated = log_probabilities(outputs, "logits_ablated", truth["ablated_order"])
    weights = outputs.raw_array("weights")
    rows = readable_rows(weights, outputs.raw_array("shapes"))
    attention = attention_matrices(rows, weights)
    parts = tensors(weights, rows)
    return {
        "excess_ce": excess(scores, truth),
        "future_leak": leaked_share(scores, truth["shared"]),
        "ablated_excess": excess(ablated, truth),
        "attention_matrices": float(len(attention)),
        "fixed_attention_matrices": float(fixed_maps([parts[i] for i in attention])),
        "parameters": float(weights.size),
        "largest_dim": float(max((max(shape) for shape in rows if shape), default=0)),
    }


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: the least mean loss any model can reach on the training logs
    (their exact conditional entropy), beside which the training loss is read."""
    return {"loss_floor": split.truth["train_floor"]}
