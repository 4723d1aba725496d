"""Grading for overfitting: a few hundred labelled scans of marks drawn per grading,
then fresh scans the model never saw, mixed in one call with the scans it was trained on.

``make_split`` and ``measure`` run in the grading process. Each seed takes two fresh
sandboxed runs, sharing nothing but the arrays named here:

- ``fit``: ``train()`` on 300 labelled scans; only the returned network's tensors
  (its ``state_dict``) come back.
- ``classify``: a new process rebuilds the network with the learner's
  ``build_model(cfg)``, loads those tensors, and calls ``predict()`` once on a table
  of 3,000 fresh scans shuffled together with the 300 training scans (only this
  process knows which row is which).

The decisive target is accuracy on the fresh scans: a model cannot reach it by
doing worse on its own training rows. The training rows give the training accuracy
and the generalisation gap (training minus fresh accuracy), a second target that a
model which memorises its training scans misses.

The ten marks and their class numbers are drawn from the evaluation seed
(``random_marks``), for training and fresh scans alike, so which number goes with
which mark is known only from the 300 labels ``train()`` was given: a network trained
elsewhere, on other marks, is at chance. Anything kept outside the network's tensors
(a scikit-learn model on an attribute, a global, a file) is gone when ``predict()``
runs.

What this does not rule out: a submission that estimates the ten marks from its 300
scans and draws thousands more with ``mllab.datasets.glyphs`` (or pretrains on other
worlds drawn that way, then fine-tunes). Both learn the numbers from the rows given
and amount to a data generator as augmentation; neither is a plain fix of the team's
setup, and the scenario says the team has no more labelled scans.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from mllab.datasets.glyphs import N_CLASSES, glyphs, random_marks
from mllab.graders import Carry, Split, Stage
from mllab.graders.outputs import InvalidOutput

TRAIN_SCANS = 300  # the hand-labelled scans of a new site: 30 a mark
FRESH_SCANS = 3_000  # accuracy moves by about +-0.01 between draws


class Truth(NamedTuple):
    """What only the grading process knows about one seed's table of scans."""

    labels: np.ndarray  # the mark number of every row of the table
    fresh: np.ndarray  # positions of the fresh scans in the table
    trained: np.ndarray  # positions of the training scans in the table


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Two fresh runs: train and return the tensors; rebuild, load, classify the table."""
    marks = random_marks(eval_seed)
    train_images, train_labels = glyphs(TRAIN_SCANS, train_seed, marks)
    fresh_images, fresh_labels = glyphs(FRESH_SCANS, eval_seed, marks)
    images = np.concatenate([fresh_images, train_images])
    labels = np.concatenate([fresh_labels, train_labels])
    order = np.random.default_rng([eval_seed, 1]).permutation(len(images))
    position = np.empty_like(order)  # row order[i] of images is row i of the table
    position[order] = np.arange(len(order))
    truth = Truth(labels=labels[order], fresh=position[:FRESH_SCANS],
                  trained=position[FRESH_SCANS:])
    return Split(truth=truth, stages=(
        Stage("fit", {"train": (train_images, train_labels)}, outputs=("weights", "shapes")),
        Stage("classify", {"weights": Carry("weights"), "shapes": Carry("shapes"),
                           "eval": images[order]}, outputs=("predictions",), entry="classify"),
    ))


def marks(outputs, length: int) -> np.ndarray:
    """predict()'s output as ``length`` mark numbers 0..9, or InvalidOutput."""
    values = outputs.array("predictions", length, what="predict()")
    if not np.isin(values, np.arange(N_CLASSES)).all():
        raise InvalidOutput(f"predict(): expected mark numbers 0..{N_CLASSES - 1}, got values "
                            f"from {values.min():.3g} to {values.max():.3g}",
                            "Return the predicted mark of each scan (argmax of the logits).")
    return values


def accuracies(outputs, truth: Truth) -> tuple[float, float]:
    """(accuracy on the fresh scans, accuracy on the training scans)."""
    right = marks(outputs, len(truth.labels)) == truth.labels
    return float(np.mean(right[truth.fresh])), float(np.mean(right[truth.trained]))


def measure(outputs, truth: Truth) -> dict[str, float]:
    fresh, trained = accuracies(outputs, truth)
    return {"fresh_accuracy": fresh, "generalisation_gap": trained - fresh,
            "train_accuracy": trained}


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: accuracy on the training scans and on fresh ones."""
    fresh, trained = accuracies(outputs, split.truth)
    return {"train_score": trained, "fresh_score": fresh}
