"""Grading for exploding_gradients: fresh simulator runs in, drag error out.

``make_split`` and ``measure`` run in the grading process. Each seed takes three
fresh sandboxed runs, sharing nothing but the arrays named here:

- ``fit``: ``train()`` on 8,000 runs; only the returned network's tensors (its
  ``state_dict``) and the loss of each epoch come back.
- ``predict``: a new process rebuilds the network with the learner's
  ``build_model(n_inputs, cfg)``, loads those tensors and predicts 10,000 fresh
  runs (``mse``). The tensors it gets have their hidden units relabelled by a
  random permutation drawn here (``units_permuted``: one permutation per hidden
  width, applied to every tensor side of that size, so weights, biases and norm
  parameters move together): an honest network computes exactly the same
  function, but code keyed on its own weights' values or order (a checksum, a
  cloned layer) sees weights it has never had.
- ``ablated``: the same, relabelled by another permutation, and one hidden weight
  matrix (neither the first nor the last, chosen at random from the evaluation
  seed) scrambled: its entries put back in a random order, each with a random
  sign (``entries_shuffled`` with signs; biases kept). In a chain of Linear layers
  every layer carries everything after it, so the error must collapse
  (``ablated_mse``); layers side by side, or layers that are not used, lose
  little or nothing. The scrambled matrix holds the trained one's magnitudes (its
  spread, sum of squares and sorted absolute values), so code that tells
  "relabelled" from "changed" by such a checksum cannot tell the two predicting
  runs apart (``sorted_checksum_parallel_blocks``), and code that trips on any
  change to its weights trips on both (``checksum_parallel_blocks``). One layer
  of twelve is a mild cut when the grader happens to pick a late one: the
  LayerNorm fix kept an MSE of 0.80 on one seed in 20 (0.71 with a plain shuffle
  that keeps the signs, 1.2 at worst with a fresh normal draw on other seeds),
  while networks whose layers sit side by side stay under 0.32; the threshold,
  0.55, sits in that gap.

Checks on the returned tensors, computed here:

- ``fixed_map_layers``: hidden matrices that never learned anything
  (``fixed_maps``): (close to) an identity or a scaled permutation (``peak_share``:
  the largest weight holds over half of its row's squared weight; trained fixes
  stay under 0.12), or (close to) a constant or rank-one map (``rank_one_share``:
  the largest singular value holds over 0.8 of the squared weight). Such a layer
  after a ReLU passes its input on (ReLU(I h) = h), so nine of them make a shallow
  net look twelve deep, and redrawing one still breaks the trained layers around
  it (``frozen_identity_layers``).
- ``parameters`` (at most 4x the team's 42,753) and ``largest_dim`` (at most
  1,024; training runs: 8,000): no second model or training data carried in the
  tensors.

The two predicting runs look alike to the submission (same entry, same output
name, one weight set each, both relabelled), so it cannot compare them within a
process. What this does not rule out: a layer that was frozen at a random draw
(its statistics are those of a trained layer, which moves little from its
initialisation here, and redrawing it costs like a trained one); code that
undoes the relabelling (a buffer of 64 known values shows the permutation, or
units sorted into a canonical order) and then checks an order- or sign-keyed
checksum of each layer; a network whose
unused layers outnumber its used hidden ones fails only on the seeds where an
unused one is drawn (most). Residual connections make a network survive the loss
of one block (measured: MSE 0.25 to 0.55 with a later block redrawn, about 1.2
with the first; it behaves much like blocks side by side), so they fail the
ablation check on most seeds: the scenario rules them out.

A diverged model predicts NaN, so predictions and the loss history are read with
``finite=False`` and mapped to metrics here: NaN is a failed target, not an
unreadable output.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.simulator import N_PARAMETERS, simulation_runs
from mllab.graders import Carry, Split, Stage
from mllab.graders.networks import (entries_shuffled, fixed_maps, readable_rows, tensors,
                                    units_permuted)

TRAIN_ROWS = 8_000
EVAL_ROWS = 10_000
MSE_CAP = 1e6  # what a NaN, infinite or absurd prediction counts as


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Three fresh runs: train; predict with the units relabelled; predict with them
    relabelled differently and one hidden layer scrambled."""
    designs, drag = simulation_runs(EVAL_ROWS, eval_seed)
    rng = np.random.default_rng([eval_seed, 2])
    fixed = {N_PARAMETERS, 1}  # the input and output sizes keep their order

    def relabel(weights: np.ndarray, outputs) -> np.ndarray:
        return units_permuted(weights, readable_rows(weights, outputs.raw_array("shapes")),
                              fixed, rng)

    def ablate(weights: np.ndarray, outputs) -> np.ndarray:
        return shuffled_layer(relabel(weights, outputs), outputs.raw_array("shapes"), rng)

    predict = {"shapes": Carry("shapes"), "eval": designs}
    return Split(truth=drag, stages=(
        Stage("fit", {"train": simulation_runs(TRAIN_ROWS, train_seed)},
              outputs=("weights", "shapes", "losses")),
        Stage("predict", {"weights": Carry("weights", change=relabel), **predict},
              outputs=("predictions",), entry="predict_with"),
        Stage("ablated", {"weights": Carry("weights", change=ablate), **predict},
              outputs=("predictions",), entry="predict_with", keep_as=("predictions_ablated",)),
    ))


def hidden_matrices(rows: list[tuple[int, ...]]) -> list[int]:
    """Indices of the 2-D tensors that are neither the first nor the last."""
    return [i for i, shape in enumerate(rows) if len(shape) == 2][1:-1]


def shuffled_layer(weights: np.ndarray, shapes: np.ndarray,
                   rng: np.random.Generator) -> np.ndarray:
    """``weights`` with one hidden weight matrix (2-D tensor, not the first or last)
    chosen at random and its entries shuffled with random signs (``entries_shuffled``); unchanged if
    the network has no such matrix."""
    rows = readable_rows(weights, shapes)
    hidden = hidden_matrices(rows)
    if not hidden:
        return weights
    changed = weights.copy()
    matrix = tensors(changed, rows)[hidden[rng.integers(len(hidden))]]
    matrix[...] = entries_shuffled(matrix, rng, signs=True)
    return changed


def mse_of(predicted: np.ndarray, truth: np.ndarray) -> float:
    """Mean squared error, capped at MSE_CAP (NaN and inf count as the cap)."""
    with np.errstate(over="ignore", invalid="ignore"):
        mse = float(np.mean((predicted - truth) ** 2))
    return min(mse, MSE_CAP) if np.isfinite(mse) else MSE_CAP


def measure(outputs, truth: np.ndarray) -> dict[str, float]:
    losses = outputs.array("losses", None, what="train()'s loss history", finite=False)
    predicted = outputs.array("predictions", len(truth), what="predict()", finite=False)
    ablated = outputs.array("predictions_ablated", len(truth), what="predict()", finite=False)
    weights = outputs.raw_array("weights")
    rows = readable_rows(weights, outputs.raw_array("shapes"))
    mse = mse_of(predicted, truth)
    return {
        "finite_loss": float(np.all(np.isfinite(losses))),
        "mse": mse,
        "linear_layers": float(sum(len(shape) == 2 for shape in rows)),
        "fixed_map_layers": float(fixed_maps([tensors(weights, rows)[i]
                                                  for i in hidden_matrices(rows)])),
        "parameters": float(weights.size),
        "largest_dim": float(max((max(shape) for shape in rows if shape), default=0)),
        "ablated_mse": mse_of(ablated, truth),
        "r2": max(1.0 - mse / float(np.var(truth)), -1.0),
    }
