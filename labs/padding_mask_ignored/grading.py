"""Grading for padding_mask_ignored: fresh reviews drawn per grading, batched by the grader.

``make_split`` and ``measure`` run in the grading process. Each seed takes four
fresh sandboxed runs, sharing nothing but the arrays named here:

- ``fit``: ``train()`` on 3,000 reviews; only the returned network's tensors (its
  ``state_dict``) come back.
- ``first`` and ``second``: a new process each rebuilds the network with the
  learner's ``build_model(cfg)``, loads those tensors, and calls ``predict()``
  once per batch on the same 600 fresh reviews, batched differently. In each run
  half of the reviews come one per call and the other half in batches of 2 to
  64 reviews, each batch padded (with ``PAD``) to its longest review, as the
  moderation service's data loader does; a review that comes alone in one run
  comes in a batch in the other. The two runs are alike to the submission (same
  entry, the same reviews, the same mix of batch sizes, calls in an order drawn
  here), so nothing marks one as the probe; and they are separate processes, so
  an answer remembered from one run is not there in the other.
- ``moved``: the share of reviews whose P(liked) differs by more than 0.01
  between the two runs: alone against padded among others. A classifier whose
  answer for a review depends on the review only scores 0; one that attends to or
  pools over the padding moves on most reviews (the team's: about 0.8).
- ``accuracy``: verdicts (P(liked) over one half) of both runs against the
  reviewers' own (the Bayes-optimal rule reaches about 0.80 on this data, the
  fixes 0.73 to 0.79, one verdict for every review 0.5). Training on padding
  costs this data little (the team's network: about 0.77), so this target stops
  answers that are consistent because they say nothing, not the bug itself.
- ``ablated``: the same reviews, batched a third way, with the attention
  matrices' entries shuffled with random signs (``entries_shuffled``): the 2-D
  tensors shaped (d, d) or (3*d, d), d the width of the word embedding.
  ``ablated_agreement`` is the share of verdicts that stay as they were: an
  encoder whose attention reads the words changes many (measured: 0.5 to 0.8);
  a network that bypasses its attention (words pooled straight from the
  embedding, the encoder left idle) changes none.
- ``fixed_attention_matrices`` (none): attention matrices that never learned (close
  to an identity, a scaled permutation, a constant or rank-one map: ``fixed_maps``).
  With the padding masked and its attention frozen at scaled identities, a network
  learns around it in the embeddings and the feed-forward block, a bag of words
  (accuracy 0.78); shuffling the frozen matrices still changes its verdicts, so
  ``ablated_agreement`` alone lets it through. A mask kept as a buffer is left out
  only when it is a triangle (``networks.is_mask``): attention weights frozen at an
  identity, or at all ones, are 0/1 too, and count.
- ``parameters`` (at most 10x the team's 12,870) and ``largest_dim`` (at most 1,024;
  training reviews: 3,000): no reviews or second model carried in the tensors.

The praise words are drawn from the evaluation seed for training and evaluation
alike (``random_lexicon``), so a model trained elsewhere is at chance; anything
kept outside the network's tensors is gone when ``predict()`` runs.

What this does not rule out: a ``predict()`` that never pads (each review run
alone, or in batches of equal length), or that pads every batch to the full 32
positions, over a network trained without the mask: its answers depend on the
review only, and on this data its accuracy is as good as a masked network's
(training on padding costs little here), so the grader accepts it; the debrief
says what it costs. A network that keeps its attention in the path but does the
work in other tensors (a frozen random attention beside a bag of words); the
scenario's rules exclude it. Attention frozen at a random draw (not a fixed map) while
the other tensors do the work.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.reviews import MAX_LENGTH, VOCAB, random_lexicon, reviews
from mllab.graders import Carry, Split, Stage
from mllab.graders import networks
from mllab.graders.networks import entries_shuffled, fixed_maps, readable_rows, tensors
from mllab.graders.outputs import InvalidOutput

TRAIN_REVIEWS = 3_000
EVAL_REVIEWS = 600
MAX_BATCH = 64
MOVED = 0.01  # P(liked) of a review differs by more than this between two batchings


def batching(alone: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(order in which the reviews are sent, batch sizes): the reviews flagged ``alone`` one
    per call, the others in batches of 2..MAX_BATCH, the calls in a random order."""
    calls = [[i] for i in np.flatnonzero(alone)]
    rest = rng.permutation(np.flatnonzero(~alone))
    while len(rest):
        size = int(rng.integers(2, MAX_BATCH + 1)) if len(rest) > 1 else 1
        calls.append(list(rest[:size]))
        rest = rest[size:]
    calls = [calls[i] for i in rng.permutation(len(calls))]
    return np.concatenate(calls), np.array([len(call) for call in calls])


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Four fresh runs: train; classify the reviews batched one way, another way, and a
    third way with the attention shuffled."""
    lexicon = random_lexicon(eval_seed)
    words, lengths, verdicts = reviews(EVAL_REVIEWS, eval_seed, lexicon)
    rng = np.random.default_rng([eval_seed, 3])
    alone = rng.random(EVAL_REVIEWS) < 0.5
    plans = {"first": batching(alone, rng), "second": batching(~alone, rng),
             "ablated": batching(rng.random(EVAL_REVIEWS) < 0.5, rng)}

    def ablate(weights: np.ndarray, outputs) -> np.ndarray:
        rows = readable_rows(weights, outputs.raw_array("shapes"))
        changed = weights.copy()
        parts = tensors(changed, rows)
        for i in attention_matrices(rows, changed):
            parts[i][...] = entries_shuffled(parts[i], rng, signs=True)
        return changed

    def stage(name: str) -> Stage:
        order, sizes = plans[name]
        weights = Carry("weights", change=ablate) if name == "ablated" else Carry("weights")
        return Stage(name, {"weights": weights, "shapes": Carry("shapes"),
                            "words": words[order], "lengths": lengths[order], "sizes": sizes},
                     outputs=("probabilities",), entry="classify_batches",
                     keep_as=(f"probabilities_{name}",))

    truth = {"verdicts": verdicts, "orders": {name: plan[0] for name, plan in plans.items()}}
    return Split(truth=truth, stages=(
        Stage("fit", {"train": reviews(TRAIN_REVIEWS, train_seed, lexicon)},
              outputs=("weights", "shapes")),
        stage("first"), stage("second"), stage("ablated"),
    ))


def attention_matrices(rows: list[tuple[int, ...]], weights: np.ndarray) -> list[int]:
    """Indices of the 2-D tensors shaped (d, d) or (3*d, d), d the word embedding's width,
    mask buffers (``networks.is_mask``) left out."""
    found = networks.attention_matrices(rows, weights, VOCAB, (1, 3), MAX_LENGTH)
    if found is None:
        raise InvalidOutput(f"train(): the returned network has no word embedding (a 2-D "
                            f"tensor with a side of {VOCAB}, the vocabulary)",
                            "Keep the team's classifier: word embeddings, a transformer "
                            "encoder, a head.")
    return found


def probabilities(outputs, name: str, order: np.ndarray) -> np.ndarray:
    """P(liked) of every review, back in the reviews' own order."""
    sent = outputs.array(f"probabilities_{name}", len(order), kind="probability",
                         what="predict()")
    back = np.empty_like(sent)
    back[order] = sent
    return back


def measure(outputs, truth: dict) -> dict[str, float]:
    orders, verdicts = truth["orders"], truth["verdicts"]
    first, second, ablated = (probabilities(outputs, name, orders[name])
                              for name in ("first", "second", "ablated"))
    weights = outputs.raw_array("weights")
    rows = readable_rows(weights, outputs.raw_array("shapes"))
    attention = attention_matrices(rows, weights)
    parts = tensors(weights, rows)
    return {
        "moved": float(np.mean(np.abs(first - second) > MOVED)),
        "accuracy": float(np.mean(np.concatenate([(first > 0.5) == verdicts,
                                                  (second > 0.5) == verdicts]))),
        "ablated_agreement": float(np.mean((ablated > 0.5) == (first > 0.5))),
        "attention_matrices": float(len(attention)),
        "fixed_attention_matrices": float(fixed_maps([parts[i] for i in attention])),
        "parameters": float(weights.size),
        "largest_dim": float(max((max(shape) for shape in rows if shape), default=0)),
    }


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: each review's verdict in the two batchings (alone, padded)."""
    orders = split.truth["orders"]
    return {"repeated": tuple(probabilities(outputs, name, orders[name]) > 0.5
                              for name in ("first", "second"))}
