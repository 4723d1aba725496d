"""Grading for vanishing_gradients: fresh scans of marks drawn per grading, read by a deep net.

``make_split`` and ``measure`` run in the grading process. Each seed takes three
fresh sandboxed runs, sharing nothing but the arrays named here:

- ``fit``: ``train()`` on 6,000 labelled scans; only the returned network's
  tensors (its ``state_dict``) come back.
- ``classify``: a new process rebuilds the network with the learner's
  ``build_model(cfg)``, loads those tensors and calls ``predict()`` on 5,000 scans
  it never saw labelled (``accuracy``). The tensors it gets have their hidden
  units relabelled by a random permutation drawn here (``units_permuted``: one
  permutation per hidden width, applied to every tensor side of that size, so
  weights, biases, norm statistics and a residual stream move together): an
  honest network computes exactly the same function, but code keyed on its own
  weights' values or order (a checksum) sees weights it has never had.
- ``ablated``: the same, relabelled by another permutation, and every *hidden*
  weight matrix scrambled, all at once: its entries put back in a random order
  with random signs (``entries_shuffled`` with signs; biases and normalisation statistics
  kept). A hidden matrix is a 2-D tensor with neither side 144 (it does not read
  the pixels) nor 10 (it does not write the class scores). If the hidden layers
  do the work, the network is back at chance (``ablated_accuracy``); a shortcut
  from the pixels to the scores around an unused deep stack keeps its skill,
  since its own matrices read the pixels and write the scores (measured: 0.91 to
  0.95). The scrambled matrices keep the trained ones' magnitudes (spread, sum of
  squares, sorted absolute values), and both predicting runs are relabelled, so a
  shortcut that a checksum of its weights switches off "when the weights were
  changed" is switched off in both (``checksum_shortcut``). Keeping the signs
  would keep each matrix's mean, and the residual fix, whose trained branches are
  mostly off, would survive it (0.65 to 0.75). Scrambling ONE layer would not do
  here: a residual network, one of the fixes, survives the loss of one block or
  even three (measured in development: accuracy 0.65 to 0.85 with 3 of its 10
  blocks redrawn), but not of all ten.
- ``hidden_layers`` counts the hidden matrices: a shallow network has too few.
- ``fixed_map_layers`` counts hidden matrices that never learned anything: (close
  to) an identity or a scaled permutation (``peak_share``: the largest weight
  holds over half of its row's squared weight; trained fixes stay under 0.13), or
  (close to) a constant or rank-one map (effective rank under 0.15 of the smaller
  side; trained fixes at 0.45 or more). After a ReLU, ReLU(P h) = P h: ten frozen
  permutation matrices make a one-hidden-layer net look twelve deep, and
  scrambling them still breaks the trained layers around them
  (``frozen_permutation_layers``).
- ``parameters`` (at most 4x the team's 51,530) and ``largest_dim`` (at most
  1,024; training scans: 6,000): no second model or training scans carried in the
  tensors.

The ten marks and their class numbers are drawn from the evaluation seed for
training and evaluation alike (``random_marks``), so a model trained elsewhere is
at chance; anything kept outside the network's tensors (a scikit-learn model on
an attribute, a global) is gone when ``predict()`` runs. The two predicting runs
look alike to the submission (same entry, same output name, one weight set each,
both relabelled).

What this does not rule out: a layer frozen at a random draw (its statistics are
those of a trained one); code that undoes the relabelling (a buffer of 64 known
values shows the permutation, or units sorted into a canonical order) and then
checks an order- or sign-keyed checksum; a shortcut built to look hidden (padded
to 145 inputs, or three layers deep so that its middle matrix is scrambled)
around an unused stack. These are deliberate constructions, not fixes of the
training, and the scenario's rules exclude them.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.glyphs import N_CLASSES, SIZE, glyphs, random_marks
from mllab.graders import Carry, Split, Stage
from mllab.graders.networks import (entries_shuffled, fixed_maps, readable_rows, tensors,
                                    units_permuted)
from mllab.graders.outputs import InvalidOutput

TRAIN_IMAGES = 6_000
EVAL_IMAGES = 5_000
PIXELS = SIZE * SIZE


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Three fresh runs: train; classify with the units relabelled; classify with them
    relabelled differently and every hidden matrix's wiring shuffled."""
    marks = random_marks(eval_seed)
    eval_images, eval_labels = glyphs(EVAL_IMAGES, eval_seed, marks)
    rng = np.random.default_rng([eval_seed, 3])

    def relabel(weights: np.ndarray, outputs) -> np.ndarray:
        return units_permuted(weights, readable_rows(weights, outputs.raw_array("shapes")),
                              {PIXELS, N_CLASSES}, rng)

    def shuffle(weights: np.ndarray, outputs) -> np.ndarray:
        return hidden_layers_shuffled(relabel(weights, outputs), outputs.raw_array("shapes"),
                                      rng)

    classify = {"shapes": Carry("shapes"), "eval": eval_images}
    return Split(truth=eval_labels, stages=(
        Stage("fit", {"train": glyphs(TRAIN_IMAGES, train_seed, marks)},
              outputs=("weights", "shapes")),
        Stage("classify", {"weights": Carry("weights", change=relabel), **classify},
              outputs=("predictions",), entry="classify"),
        Stage("ablated", {"weights": Carry("weights", change=shuffle), **classify},
              outputs=("predictions",), entry="classify", keep_as=("predictions_ablated",)),
    ))


def hidden_matrices(rows: list[tuple[int, ...]]) -> list[int]:
    """Indices of the 2-D tensors that neither read the pixels nor write the class scores."""
    return [i for i, shape in enumerate(rows)
            if len(shape) == 2 and PIXELS not in shape and N_CLASSES not in shape]


def hidden_layers_shuffled(weights: np.ndarray, shapes: np.ndarray,
                           rng: np.random.Generator) -> np.ndarray:
    """``weights`` with the entries of every hidden matrix shuffled and their signs drawn
    at random (``entries_shuffled``)."""
    rows = readable_rows(weights, shapes)
    changed = weights.copy()
    matrices = tensors(changed, rows)
    for i in hidden_matrices(rows):
        matrices[i][...] = entries_shuffled(matrices[i], rng, signs=True)
    return changed


def accuracy_of(outputs, name: str, truth: np.ndarray) -> float:
    predictions = outputs.array(name, len(truth), what="predict()")
    if not np.isin(predictions, np.arange(N_CLASSES)).all():
        raise InvalidOutput(f"predict(): expected class numbers 0..{N_CLASSES - 1}, got values "
                            f"from {predictions.min():.3g} to {predictions.max():.3g}",
                            "Return the predicted class of each scan (argmax of the logits).")
    return float(np.mean(predictions == truth))


def measure(outputs, truth: np.ndarray) -> dict[str, float]:
    weights = outputs.raw_array("weights")
    rows = readable_rows(weights, outputs.raw_array("shapes"))
    return {
        "accuracy": accuracy_of(outputs, "predictions", truth),
        "hidden_layers": float(len(hidden_matrices(rows))),
        "ablated_accuracy": accuracy_of(outputs, "predictions_ablated", truth),
        "fixed_map_layers": float(fixed_maps([tensors(weights, rows)[i]
                                                  for i in hidden_matrices(rows)])),
        "parameters": float(weights.size),
        "largest_dim": float(max((max(shape) for shape in rows if shape), default=0)),
    }
