"""Grading for exploding_gradients: fresh simulator runs in, drag error out.

``make_split`` and ``measure`` run in the grading process. Each seed takes three
fresh sandboxed runs, sharing nothing but the arrays named here:

- ``fit``: ``train()`` on 8,000 runs; only the returned network's tensors (its
  ``state_dict``) and the loss of each epoch come back.
- ``predict``: a new process rebuilds the network with the learner's
  ``build_model(n_inputs, cfg)``, loads those tensors, and predicts 10,000 fresh
  runs (``mse``).
- ``ablated``: the same, but this process re-initialised one hidden Linear layer
  first: a weight matrix that is neither the first nor the last, chosen at random
  from the evaluation seed, redrawn from a normal distribution with the trained
  matrix's own spread (biases kept). In a chain of Linear layers every layer
  carries everything after it, so the error must collapse (``ablated_mse``);
  layers side by side, or layers that are not used, lose little or nothing.

The two predicting runs look alike to the submission (same entry, same output
name, one weight set each), so it cannot compare them within a process. What this
does not rule out: a network that carries a checksum of its own weights in its
tensors and answers badly when it does not match (faking the collapse); it still
has to predict the fresh runs well from its tensors alone. A network whose unused
layers outnumber its used hidden ones fails only on the seeds where an unused one
is drawn (most). Residual connections make a network survive the loss of one
block (measured: MSE 0.25 to 0.55 with a later block redrawn, about 1.2 with the
first; it behaves much like blocks side by side), so they fail the ablation check
on most seeds: the scenario rules them out.

A diverged model predicts NaN, so predictions and the loss history are read with
``finite=False`` and mapped to metrics here: NaN is a failed target, not an
unreadable output.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.simulator import simulation_runs
from mllab.graders import Carry, Split, Stage
from mllab.graders.networks import shape_rows
from mllab.graders.outputs import InvalidOutput

TRAIN_ROWS = 8_000
EVAL_ROWS = 10_000
MSE_CAP = 1e6  # what a NaN, infinite or absurd prediction counts as


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Three fresh runs: train; predict with the weights; predict with one layer redrawn."""
    designs, drag = simulation_runs(EVAL_ROWS, eval_seed)
    rng = np.random.default_rng([eval_seed, 2])

    def ablate(weights: np.ndarray, outputs) -> np.ndarray:
        return reinitialised_layer(weights, outputs.raw_array("shapes"), rng)

    predict = {"shapes": Carry("shapes"), "eval": designs}
    return Split(truth=drag, stages=(
        Stage("fit", {"train": simulation_runs(TRAIN_ROWS, train_seed)},
              outputs=("weights", "shapes", "losses")),
        Stage("predict", {"weights": Carry("weights"), **predict}, outputs=("predictions",),
              entry="predict_with"),
        Stage("ablated", {"weights": Carry("weights", change=ablate), **predict},
              outputs=("predictions",), entry="predict_with", keep_as=("predictions_ablated",)),
    ))


def reinitialised_layer(weights: np.ndarray, shapes: np.ndarray,
                        rng: np.random.Generator) -> np.ndarray:
    """``weights`` with one hidden weight matrix (2-D tensor, not the first or last)
    redrawn from N(0, its own std^2); unchanged if the network has no such matrix."""
    rows = shape_rows(shapes)
    sizes = [int(np.prod(shape, dtype=np.int64)) for shape in rows or ()]
    if rows is None or weights.ndim != 1 or weights.dtype.kind != "f" or sum(sizes) != len(weights):
        raise InvalidOutput("train(): the returned network's tensors could not be read back",
                            "Return the trained torch.nn.Module.")
    starts = np.cumsum([0] + sizes[:-1])
    matrices = [i for i, shape in enumerate(rows) if len(shape) == 2]
    hidden = matrices[1:-1]
    if not hidden:
        return weights
    layer = hidden[rng.integers(len(hidden))]
    start, size = starts[layer], sizes[layer]
    changed = weights.copy()
    spread = float(np.std(weights[start:start + size])) if np.isfinite(
        weights[start:start + size]).all() else 1.0
    changed[start:start + size] = rng.normal(0.0, spread, size)
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
    shapes = shape_rows(outputs.raw_array("shapes"))
    mse = mse_of(predicted, truth)
    return {
        "finite_loss": float(np.all(np.isfinite(losses))),
        "mse": mse,
        "linear_layers": float(sum(len(shape) == 2 for shape in shapes or ())),
        "ablated_mse": mse_of(ablated, truth),
        "r2": max(1.0 - mse / float(np.var(truth)), -1.0),
    }
