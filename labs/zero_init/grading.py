"""Grading for zero_init: fresh snapshots of a line drawn per grading, drinks read out.

``make_split`` and ``measure`` run in the grading process. Each seed takes four
fresh sandboxed runs, sharing nothing but the arrays named here:

- ``fit``: ``train()`` on 6,000 labelled snapshots; only the returned network's
  tensors (its ``state_dict``) come back.
- ``classify``: a new process rebuilds the network with the learner's
  ``build_model(cfg)``, loads those tensors, and calls ``predict()`` on 5,000
  snapshots it never saw labelled (``accuracy``). The tensors it gets have their
  hidden units relabelled by a random permutation drawn here (``units_permuted``:
  every tensor side that is not the 8 channels or the 10 drinks): an honest network
  computes exactly the same function, but code keyed on its weights' values or
  order (a checksum) sees weights it has never had, in every predicting run alike.
- ``cloned``: the same (relabelled), but this process made every hidden unit a
  copy of one of them first: in the network's first weight matrix (the hidden
  layer's, one row per unit) every row is set to one row chosen from the
  evaluation seed, and so is the bias that follows it. That is the network the
  team's initialisation produces, one unit repeated, so its skill must collapse to
  what one unit can do (``cloned_accuracy``). A network whose answers do not come
  from distinct units in that layer (units that were never told apart, or answers
  kept in other tensors) loses nothing.
- ``shuffled``: the same (relabelled), but the first weight matrix's entries, and
  its bias's, are put back in a random order (``entries_shuffled``): the same
  values, units as distinct as before, the learned features gone, so an honest
  network collapses (``shuffled_accuracy``). A cloned layer is easy to recognise
  (every row the same), so code can answer from elsewhere unless it sees one, and
  play the symmetric network only then (``prototypes_unless_cloned``: 1,000
  per-drink prototypes in a buffer, read by nearest neighbour, passed the cloned
  check); a shuffled layer shows nothing a relabelling would not (distinct rows,
  the same values), so such code answers well there and fails.
- ``parameters`` (at most 10x the team's 2,442) and ``largest_dim`` (at most
  1,024; training rows: 6,000) keep a second model or the training rows out of the
  tensors (``training_rows_in_buffers``: a nearest-neighbour lookup over all 6,000
  rows).

The line (where each filler head's operating point sits, which drink it fills) is
drawn from the evaluation seed for training and evaluation alike
(``random_line``): which number goes with which cloud is known only from the labels
``train()`` was given, so answers learned anywhere else are at chance. Anything kept
outside the network's tensors (a scikit-learn model on an attribute, a global, a
file) is gone when ``predict()`` runs. The three predicting runs look alike to the
submission (same entry, same output name, one weight set each, all relabelled).

What this does not rule out: code that undoes the relabelling (a buffer of known
values shows the permutation, or units sorted into a canonical order) and then
checks an order-keyed checksum of its first layer, answering from a small second
model (within the parameter budget) when it matches; a first weight matrix that
is a decoy, with the network's answers computed from tensors listed before it.
Both must still learn the drinks from the rows ``train()`` was given; neither is a
plain fix, and the scenario says so.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.line_sensors import N_CHANNELS, N_DRINKS, random_line, snapshots
from mllab.graders import Carry, Split, Stage
from mllab.graders.networks import entries_shuffled, readable_rows, tensors, units_permuted
from mllab.graders.outputs import InvalidOutput

TRAIN_ROWS = 6_000
EVAL_ROWS = 5_000


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Four fresh runs: train; classify with the units relabelled; with one unit cloned;
    with the first layer's weights shuffled."""
    line = random_line(eval_seed)
    readings, drinks = snapshots(EVAL_ROWS, eval_seed, line)
    rng = np.random.default_rng([eval_seed, 3])

    def relabel(weights: np.ndarray, outputs) -> np.ndarray:
        return units_permuted(weights, readable_rows(weights, outputs.raw_array("shapes")),
                              {N_CHANNELS, N_DRINKS}, rng)

    def clone(weights: np.ndarray, outputs) -> np.ndarray:
        return one_unit_cloned(relabel(weights, outputs), outputs.raw_array("shapes"), rng)

    def shuffle(weights: np.ndarray, outputs) -> np.ndarray:
        return first_layer_shuffled(relabel(weights, outputs), outputs.raw_array("shapes"), rng)

    classify = {"shapes": Carry("shapes"), "eval": readings}
    return Split(truth=drinks, stages=(
        Stage("fit", {"train": snapshots(TRAIN_ROWS, train_seed, line)},
              outputs=("weights", "shapes")),
        Stage("classify", {"weights": Carry("weights", change=relabel), **classify},
              outputs=("predictions",), entry="classify"),
        Stage("cloned", {"weights": Carry("weights", change=clone), **classify},
              outputs=("predictions",), entry="classify", keep_as=("predictions_cloned",)),
        Stage("shuffled", {"weights": Carry("weights", change=shuffle), **classify},
              outputs=("predictions",), entry="classify", keep_as=("predictions_shuffled",)),
    ))


def first_layer(rows: list[tuple[int, ...]]) -> int:
    """Index of the first weight matrix (2-D tensor): the hidden layer's."""
    matrices = [i for i, shape in enumerate(rows) if len(shape) == 2]
    if not matrices:
        raise InvalidOutput("train(): the returned network has no weight matrix",
                            "Return the trained torch.nn.Module: an MLP with a hidden layer.")
    return matrices[0]


def one_unit_cloned(weights: np.ndarray, shapes: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
    """``weights`` with every row of the first weight matrix (2-D tensor) set to one row
    drawn by ``rng``, and every entry of the bias after it (a 1-D tensor of one value per
    row) set to that row's bias."""
    rows = readable_rows(weights, shapes)
    layer = first_layer(rows)
    changed = weights.copy()
    parts = tensors(changed, rows)
    unit = int(rng.integers(rows[layer][0]))
    parts[layer][:] = parts[layer][unit].copy()
    if layer + 1 < len(rows) and rows[layer + 1] == (rows[layer][0],):
        parts[layer + 1][:] = parts[layer + 1][unit]
    return changed


def first_layer_shuffled(weights: np.ndarray, shapes: np.ndarray,
                         rng: np.random.Generator) -> np.ndarray:
    """``weights`` with the first weight matrix's entries, and those of the bias after it,
    put back in a random order (``entries_shuffled``): the same values, distinct units,
    the learned features gone."""
    rows = readable_rows(weights, shapes)
    layer = first_layer(rows)
    changed = weights.copy()
    parts = tensors(changed, rows)
    parts[layer][...] = entries_shuffled(parts[layer], rng)
    if layer + 1 < len(rows) and rows[layer + 1] == (rows[layer][0],):
        parts[layer + 1][...] = entries_shuffled(parts[layer + 1], rng)
    return changed


def drink_numbers(outputs, name: str, truth: np.ndarray) -> np.ndarray:
    predictions = outputs.array(name, len(truth), what="predict()")
    if not np.isin(predictions, np.arange(N_DRINKS)).all():
        raise InvalidOutput(f"predict(): expected drink numbers 0..{N_DRINKS - 1}, got values "
                            f"from {predictions.min():.3g} to {predictions.max():.3g}",
                            "Return the predicted drink of each snapshot (argmax of the logits).")
    return predictions


def measure(outputs, truth: np.ndarray) -> dict[str, float]:
    predictions = drink_numbers(outputs, "predictions", truth)
    cloned = drink_numbers(outputs, "predictions_cloned", truth)
    shuffled = drink_numbers(outputs, "predictions_shuffled", truth)
    weights = outputs.raw_array("weights")
    rows = readable_rows(weights, outputs.raw_array("shapes"))
    return {"accuracy": float(np.mean(predictions == truth)),
            "cloned_accuracy": float(np.mean(cloned == truth)),
            "shuffled_accuracy": float(np.mean(shuffled == truth)),
            "parameters": float(weights.size),
            "largest_dim": float(max((max(shape) for shape in rows if shape), default=0))}
