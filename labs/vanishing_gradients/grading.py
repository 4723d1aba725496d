"""Grading for vanishing_gradients: fresh scans of marks drawn per grading, read by a deep net.

``make_split`` and ``measure`` run in the grading process. Each seed takes three
fresh sandboxed runs, sharing nothing but the arrays named here:

- ``fit``: ``train()`` on 6,000 labelled scans; only the returned network's
  tensors (its ``state_dict``) come back.
- ``classify``: a new process rebuilds the network with the learner's
  ``build_model(cfg)``, loads those tensors and calls ``predict()`` on 5,000 scans
  it never saw labelled (``accuracy``).
- ``ablated``: the same, but every *hidden* weight matrix was redrawn here first,
  all at once, from a normal distribution with the trained matrix's own spread
  (biases and normalisation statistics kept). A hidden matrix is a 2-D tensor
  with neither side 144 (it does not read the pixels) nor 10 (it does not write
  the class scores). If the hidden layers do the work, the network is back at
  chance (``ablated_accuracy``); a shortcut from the pixels to the scores around
  an unused deep stack keeps its skill, since its own matrices read the pixels
  and write the scores (measured: 0.91 to 0.95). Redrawing ONE layer would not do
  here: a residual network, one of the fixes, survives the loss of one block or
  even three (measured in development: accuracy 0.65 to 0.85 with 3 of its 10
  blocks redrawn), but not of all ten (0.10 to 0.32 over 20 seeds).
- ``hidden_layers`` counts the hidden matrices: a shallow network has too few.

The ten marks and their class numbers are drawn from the evaluation seed for
training and evaluation alike (``random_marks``), so a model trained elsewhere is
at chance; anything kept outside the network's tensors (a scikit-learn model on
an attribute, a global) is gone when ``predict()`` runs. The two predicting runs
look alike to the submission (same entry, same output name, one weight set each).

What this does not rule out: a network that carries a checksum of its own weights
and answers badly when it does not match (faking the collapse); a shortcut built
to look hidden (padded to 145 inputs, or three layers deep so that its middle
matrix is redrawn) around an unused stack. Both are deliberate constructions, not
fixes of the training, and the scenario's rules exclude them.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.glyphs import N_CLASSES, SIZE, glyphs, random_marks
from mllab.graders import Carry, Split, Stage
from mllab.graders.networks import shape_rows
from mllab.graders.outputs import InvalidOutput

TRAIN_IMAGES = 6_000
EVAL_IMAGES = 5_000
PIXELS = SIZE * SIZE


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Three fresh runs: train; classify with the weights; classify with every hidden
    matrix redrawn."""
    marks = random_marks(eval_seed)
    eval_images, eval_labels = glyphs(EVAL_IMAGES, eval_seed, marks)
    rng = np.random.default_rng([eval_seed, 3])

    def redraw(weights: np.ndarray, outputs) -> np.ndarray:
        return hidden_layers_redrawn(weights, outputs.raw_array("shapes"), rng)

    classify = {"shapes": Carry("shapes"), "eval": eval_images}
    return Split(truth=eval_labels, stages=(
        Stage("fit", {"train": glyphs(TRAIN_IMAGES, train_seed, marks)},
              outputs=("weights", "shapes")),
        Stage("classify", {"weights": Carry("weights"), **classify}, outputs=("predictions",),
              entry="classify"),
        Stage("ablated", {"weights": Carry("weights", change=redraw), **classify},
              outputs=("predictions",), entry="classify", keep_as=("predictions_ablated",)),
    ))


def hidden_matrices(rows: list[tuple[int, ...]]) -> list[int]:
    """Indices of the 2-D tensors that neither read the pixels nor write the class scores."""
    return [i for i, shape in enumerate(rows)
            if len(shape) == 2 and PIXELS not in shape and N_CLASSES not in shape]


def readable_rows(weights: np.ndarray, shapes: np.ndarray) -> list[tuple[int, ...]]:
    """The tensor shapes ``shapes`` encodes, checked against ``weights``."""
    rows = shape_rows(shapes)
    sizes = [int(np.prod(shape, dtype=np.int64)) for shape in rows or ()]
    if rows is None or weights.ndim != 1 or weights.dtype.kind != "f" or sum(sizes) != len(weights):
        raise InvalidOutput("train(): the returned network's tensors could not be read back",
                            "Return the trained torch.nn.Module.")
    return rows


def hidden_layers_redrawn(weights: np.ndarray, shapes: np.ndarray,
                          rng: np.random.Generator) -> np.ndarray:
    """``weights`` with every hidden matrix redrawn from N(0, its own std^2)."""
    rows = readable_rows(weights, shapes)
    sizes = [int(np.prod(shape, dtype=np.int64)) for shape in rows]
    starts = np.cumsum([0] + sizes[:-1])
    changed = weights.copy()
    for i in hidden_matrices(rows):
        trained = weights[starts[i]:starts[i] + sizes[i]]
        spread = float(np.std(trained)) if np.isfinite(trained).all() else 1.0
        changed[starts[i]:starts[i] + sizes[i]] = rng.normal(0.0, spread, sizes[i])
    return changed


def accuracy_of(outputs, name: str, truth: np.ndarray) -> float:
    predictions = outputs.array(name, len(truth), what="predict()")
    if not np.isin(predictions, np.arange(N_CLASSES)).all():
        raise InvalidOutput(f"predict(): expected class numbers 0..{N_CLASSES - 1}, got values "
                            f"from {predictions.min():.3g} to {predictions.max():.3g}",
                            "Return the predicted class of each scan (argmax of the logits).")
    return float(np.mean(predictions == truth))


def measure(outputs, truth: np.ndarray) -> dict[str, float]:
    rows = shape_rows(outputs.raw_array("shapes")) or []
    return {
        "accuracy": accuracy_of(outputs, "predictions", truth),
        "hidden_layers": float(len(hidden_matrices(rows))),
        "ablated_accuracy": accuracy_of(outputs, "predictions_ablated", truth),
    }
