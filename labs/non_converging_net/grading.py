"""Grading for non_converging_net: fresh scans of marks drawn per grading, classes read out.

``make_split`` and ``measure`` run in the grading process. Each seed takes two
fresh sandboxed runs, sharing nothing but the arrays named here:

- ``fit``: ``train()`` on 6,000 labelled scans; only the returned network's tensors
  (its ``state_dict``) come back.
- ``classify``: a new process rebuilds the network with the learner's
  ``build_model(cfg)``, loads those tensors, and calls ``predict()`` on 5,000 scans
  it never saw labelled.

The ten marks and their class numbers are drawn from the evaluation seed for
training and evaluation alike (``random_marks``), so which number goes with which
mark is known only from the labels ``train()`` was given: a model trained on
glyphs it generated itself, or any answer not learned from those rows, is at
chance. Anything the learner kept outside the network's tensors (a scikit-learn
model on an attribute, a global, a file) is gone when ``predict()`` runs. A
retrain on permuted labels would add nothing to the world drawn per grading (only
the labels tie numbers to marks) and was left out to save a run.

What this does not rule out: data smuggled inside the tensors themselves (e.g. a
buffer holding another model's parameters, read back by ``predict()``), or a
model that learned to read any mark drawn this way elsewhere and only maps its
classes to numbers from the labels. Both still learn the numbers from the rows
given; neither is a plain fix of the loop, and the scenario says so.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.glyphs import N_CLASSES, glyphs, random_marks
from mllab.graders import Carry, Split, Stage
from mllab.graders.outputs import InvalidOutput

TRAIN_IMAGES = 6_000
EVAL_IMAGES = 5_000


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Two fresh runs: train and return the tensors; rebuild, load, classify."""
    marks = random_marks(eval_seed)
    eval_images, eval_labels = glyphs(EVAL_IMAGES, eval_seed, marks)
    return Split(truth=eval_labels, stages=(
        Stage("fit", {"train": glyphs(TRAIN_IMAGES, train_seed, marks)},
              outputs=("weights", "shapes")),
        Stage("classify", {"weights": Carry("weights"), "shapes": Carry("shapes"),
                           "eval": eval_images}, outputs=("predictions",), entry="classify"),
    ))


def measure(outputs, truth: np.ndarray) -> dict[str, float]:
    predictions = outputs.array("predictions", len(truth), what="predict()")
    if not np.isin(predictions, np.arange(N_CLASSES)).all():
        raise InvalidOutput(f"predict(): expected class numbers 0..{N_CLASSES - 1}, got values "
                            f"from {predictions.min():.3g} to {predictions.max():.3g}",
                            "Return the predicted class of each image (argmax of the logits).")
    return {"accuracy": float(np.mean(predictions == truth))}
