"""Grading for zero_init: fresh snapshots of a line drawn per grading, drinks read out.

``make_split`` and ``measure`` run in the grading process. Each seed takes three
fresh sandboxed runs, sharing nothing but the arrays named here:

- ``fit``: ``train()`` on 6,000 labelled snapshots; only the returned network's
  tensors (its ``state_dict``) come back.
- ``classify``: a new process rebuilds the network with the learner's
  ``build_model(cfg)``, loads those tensors, and calls ``predict()`` on 5,000
  snapshots it never saw labelled (``accuracy``).
- ``cloned``: the same, but this process made every hidden unit a copy of one of
  them first: in the network's first weight matrix (the hidden layer's, one row per
  unit) every row is set to one row chosen from the evaluation seed, and so is the
  bias that follows it. That is the network the team's initialisation produces, one
  unit repeated, so its skill must collapse to what one unit can do
  (``cloned_accuracy``). A network whose answers do not come from distinct units in
  that layer (units that were never told apart, or answers kept in other tensors)
  loses nothing.

The line (where each filler head's operating point sits, which drink it fills) is
drawn from the evaluation seed for training and evaluation alike
(``random_line``): which number goes with which cloud is known only from the labels
``train()`` was given, so answers learned anywhere else are at chance. Anything kept
outside the network's tensors (a scikit-learn model on an attribute, a global, a
file) is gone when ``predict()`` runs. The two predicting runs look alike to the
submission (same entry, same output name, one weight set each).

What this does not rule out: a network whose first weight matrix is a decoy (its
answers computed from tensors stored after it), or one that checks its own weights
and answers badly when they look cloned. Both must still learn the drinks from the
rows ``train()`` was given; neither is a plain fix, and the scenario says so.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.line_sensors import N_DRINKS, random_line, snapshots
from mllab.graders import Carry, Split, Stage
from mllab.graders.networks import shape_rows
from mllab.graders.outputs import InvalidOutput

TRAIN_ROWS = 6_000
EVAL_ROWS = 5_000


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Three fresh runs: train; classify with the weights; classify with one unit cloned."""
    line = random_line(eval_seed)
    readings, drinks = snapshots(EVAL_ROWS, eval_seed, line)
    rng = np.random.default_rng([eval_seed, 3])

    def clone(weights: np.ndarray, outputs) -> np.ndarray:
        return one_unit_cloned(weights, outputs.raw_array("shapes"), rng)

    classify = {"shapes": Carry("shapes"), "eval": readings}
    return Split(truth=drinks, stages=(
        Stage("fit", {"train": snapshots(TRAIN_ROWS, train_seed, line)},
              outputs=("weights", "shapes")),
        Stage("classify", {"weights": Carry("weights"), **classify}, outputs=("predictions",),
              entry="classify"),
        Stage("cloned", {"weights": Carry("weights", change=clone), **classify},
              outputs=("predictions",), entry="classify", keep_as=("predictions_cloned",)),
    ))


def one_unit_cloned(weights: np.ndarray, shapes: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
    """``weights`` with every row of the first weight matrix (2-D tensor) set to one row
    drawn by ``rng``, and every entry of the bias after it (a 1-D tensor of one value per
    row) set to that row's bias."""
    rows = shape_rows(shapes)
    sizes = [int(np.prod(shape, dtype=np.int64)) for shape in rows or ()]
    if rows is None or weights.ndim != 1 or weights.dtype.kind != "f" or sum(sizes) != len(weights):
        raise InvalidOutput("train(): the returned network's tensors could not be read back",
                            "Return the trained torch.nn.Module.")
    matrices = [i for i, shape in enumerate(rows) if len(shape) == 2]
    if not matrices:
        raise InvalidOutput("train(): the returned network has no weight matrix",
                            "Return the trained torch.nn.Module: an MLP with a hidden layer.")
    starts = np.cumsum([0] + sizes[:-1])
    layer = matrices[0]
    units, fan_in = rows[layer]
    unit = int(rng.integers(units))
    changed = weights.copy()
    matrix = changed[starts[layer]:starts[layer] + sizes[layer]].reshape(units, fan_in)
    matrix[:] = matrix[unit].copy()
    if layer + 1 < len(rows) and rows[layer + 1] == (units,):
        bias = changed[starts[layer + 1]:starts[layer + 1] + units]
        bias[:] = bias[unit]
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
    return {"accuracy": float(np.mean(predictions == truth)),
            "cloned_accuracy": float(np.mean(cloned == truth))}
