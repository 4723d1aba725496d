"""Grading for eval_mode_forgotten: one trained model, asked the same thing three ways.

``make_split`` and ``measure`` run in the grading process; the sandboxed runs never
see a label. Each seed takes four fresh runs: the first trains the submission and
returns its model pickled (bytes this process never unpickles); each of the others
loads that model in a new process, with nothing else carried over:

- ``tray``: every evaluation scan in one ``predict`` call;
- ``again``: the same scans in an order shuffled here (and put back here), so a
  network whose marks depend on randomness or on the other scans in the call
  disagrees with itself, and no cache can carry an answer over;
- ``desk``: a few hundred of those scans, one ``predict`` call each: the day's
  faintest or boldest stamps (the ones the line rejects), so that marks which
  depend on the other scans in a call cannot match the tray even when a
  submission gathers the desk's scans and predicts them together.

``measure`` checks accuracy on the tray, that the repeat gives the same marks,
and that each scan alone gets the mark it got in the tray (and is right).
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.glyphs import N_CLASSES, glyphs
from mllab.graders import Carry, Split, Stage
from mllab.graders.outputs import InvalidOutput

TRAIN_SCANS = 4_000
EVAL_SCANS = 2_000
DESK_SCANS = 300  # one predict() call each: the slow part of a run
DESK_POOL = 600  # the desk's scans come from the faintest (or the boldest) 600 of the day


def make_split(train_seed: int, eval_seed: int) -> Split:
    images, labels = glyphs(EVAL_SCANS, eval_seed)
    rng = np.random.default_rng([eval_seed, 1])
    order = rng.permutation(EVAL_SCANS)
    by_ink = np.argsort(images.reshape(EVAL_SCANS, -1).mean(axis=1))
    pool = by_ink[:DESK_POOL] if rng.random() < 0.5 else by_ink[-DESK_POOL:]
    desk = rng.choice(pool, DESK_SCANS, replace=False)
    model = Carry("model")
    return Split(truth={"labels": labels, "order": order, "desk": desk}, stages=(
        Stage("train", {"train": glyphs(TRAIN_SCANS, train_seed)}, outputs=("model",)),
        Stage("tray", {"model": model, "scans": images}, outputs=("tray",), entry="tray"),
        Stage("again", {"model": model, "scans": images[order]}, outputs=("again",),
              entry="again"),
        Stage("desk", {"model": model, "scans": images[desk]}, outputs=("desk",), entry="desk"),
    ))


def marks(outputs, name: str, length: int, what: str) -> np.ndarray:
    """Output ``name`` as ``length`` mark numbers 0..9, or InvalidOutput."""
    values = outputs.array(name, length, what=what)
    if not np.isin(values, np.arange(N_CLASSES)).all():
        raise InvalidOutput(f"{what}: expected mark numbers 0..{N_CLASSES - 1}, got values "
                            f"from {values.min():.3g} to {values.max():.3g}",
                            "Return the predicted mark of each scan (argmax of the logits).")
    return values


def measure(outputs, truth: dict) -> dict[str, float]:
    labels, order, desk = truth["labels"], truth["order"], truth["desk"]
    tray = marks(outputs, "tray", len(labels), "predict() on a tray of scans")
    again = np.empty_like(tray)
    again[order] = marks(outputs, "again", len(labels), "predict() on the same scans reordered")
    alone = marks(outputs, "desk", len(desk), "predict() on one scan at a time")
    return {
        "accuracy": float(np.mean(tray == labels)),
        "repeat_agreement": float(np.mean(again == tray)),
        "desk_agreement": float(np.mean(alone == tray[desk])),
        "desk_accuracy": float(np.mean(alone == labels[desk])),
    }


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: the same scans predicted twice, in two calls."""
    labels, order = split.truth["labels"], split.truth["order"]
    again = np.empty(len(labels))
    again[order] = outputs.array("again", len(labels))
    return {"repeated": (outputs.array("tray", len(labels)), again)}
