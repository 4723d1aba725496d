"""Grading for softmax_before_ce: fresh recordings of a farm drawn per grading, scored as logits.

``make_split`` and ``measure`` run in the grading process. Each seed takes three
fresh sandboxed runs, sharing nothing but the arrays named here:

- ``fit``: ``train()`` on 6,000 labelled recordings; only the returned network's
  tensors (its ``state_dict``) come back.
- ``logits``: a new process rebuilds the network with the learner's
  ``build_model(cfg)``, loads those tensors and calls ``predict_logits()`` on 5,000
  recordings it never saw labelled. The tensors it gets have their hidden units
  relabelled by a random permutation drawn here (``units_permuted``: every tensor
  side that is not the 16 bands or the 8 conditions): an honest network computes
  exactly the same function, code keyed on its weights' values or order does not
  see the weights it had. From the (n, 8) scores this process computes:

  - ``accuracy``: the highest score names the condition. Training through a
    softmax stalls here (about 0.6 in the 10-epoch budget: the gradients reaching
    the network are a fraction of cross-entropy's, and vanish for recordings it is
    confidently wrong about), and so do scaled probabilities of such a network.
  - ``cross_entropy``: the mean of ``-log softmax(scores)[true condition]``, the
    loss the dashboard's probabilities earn. Scores that are probabilities (a
    network ending in a softmax, trained any way, for any number of epochs) cannot
    go below ``log(e + 7) - 1 = 1.274``: a softmax of numbers in [0, 1] gives the
    right condition at most ``e / (e + 7)``, 28%. The target sits far below that
    floor, and also below what a network trained through the softmax earns when
    its pre-softmax numbers are returned instead (an overconfident network: it was
    never asked for calibrated scores) or when its probabilities are multiplied by
    a constant (every confident mistake costs the constant).
- ``shuffled``: the same (relabelled), but the first weight matrix's entries, and
  its bias's, are put back in a random order (``entries_shuffled``): the same
  values, the learned features gone, so an honest network collapses
  (``shuffled_accuracy``). Answers that do not come from the network (prototypes
  or a lookup kept in buffers, the network a decoy) survive it.
- ``parameters`` (at most 10x the team's 5,768) and ``largest_dim`` (at most
  1,024; training recordings: 6,000) keep the training rows and a second model out
  of the tensors.

The farm (where each condition's clouds of band energies sit and which condition
is which) is drawn from the evaluation seed for training and evaluation alike
(``random_farm``): a mapping learned elsewhere is wrong on it. Anything kept
outside the network's tensors is gone when ``predict_logits()`` runs. The two
predicting runs look alike to the submission (same entry, same output name, one
weight set each, both relabelled).

What this does not rule out: a network trained through the softmax with a
stronger optimizer (Adam reaches the accuracy target on some seeds) whose
pre-softmax numbers are then rescaled by a temperature fitted on held-out
training rows: post-hoc calibration of a loss that was never right, a deliberate
construction rather than a fix (the scenario's rules ask for the loss to be
fixed). Code that undoes the relabelling and recognises its first layer by a
checksum, answering from a small second model within the budget.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.gearbox import N_BANDS, N_CONDITIONS, random_farm, recordings
from mllab.graders import Carry, Split, Stage
from mllab.graders.networks import entries_shuffled, readable_rows, tensors, units_permuted
from mllab.graders.outputs import InvalidOutput

TRAIN_ROWS = 6_000
EVAL_ROWS = 5_000
SOFTMAX_FLOOR = float(np.log(np.e + N_CONDITIONS - 1) - 1)  # 1.274: see the docstring


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Three fresh runs: train; score with the units relabelled; with the first layer's
    weights shuffled as well."""
    farm = random_farm(eval_seed)
    bands, conditions = recordings(EVAL_ROWS, eval_seed, farm)
    rng = np.random.default_rng([eval_seed, 3])

    def relabel(weights: np.ndarray, outputs) -> np.ndarray:
        return units_permuted(weights, readable_rows(weights, outputs.raw_array("shapes")),
                              {N_BANDS, N_CONDITIONS}, rng)

    def shuffle(weights: np.ndarray, outputs) -> np.ndarray:
        return first_layer_shuffled(relabel(weights, outputs), outputs.raw_array("shapes"), rng)

    scored = {"shapes": Carry("shapes"), "eval": bands}
    return Split(truth=conditions, stages=(
        Stage("fit", {"train": recordings(TRAIN_ROWS, train_seed, farm)},
              outputs=("weights", "shapes")),
        Stage("logits", {"weights": Carry("weights", change=relabel), **scored},
              outputs=("logits",), entry="logits"),
        Stage("shuffled", {"weights": Carry("weights", change=shuffle), **scored},
              outputs=("logits",), entry="logits", keep_as=("logits_shuffled",)),
    ))


def first_layer_shuffled(weights: np.ndarray, shapes: np.ndarray,
                         rng: np.random.Generator) -> np.ndarray:
    """``weights`` with the first weight matrix's entries, and those of the bias after it,
    put back in a random order (``entries_shuffled``)."""
    rows = readable_rows(weights, shapes)
    matrices = [i for i, shape in enumerate(rows) if len(shape) == 2]
    if not matrices:
        raise InvalidOutput("train(): the returned network has no weight matrix",
                            "Return the trained torch.nn.Module: an MLP on the 16 bands.")
    layer, changed = matrices[0], weights.copy()
    parts = tensors(changed, rows)
    parts[layer][...] = entries_shuffled(parts[layer], rng)
    if layer + 1 < len(rows) and rows[layer + 1] == (rows[layer][0],):
        parts[layer + 1][...] = entries_shuffled(parts[layer + 1], rng)
    return changed


def scores(outputs, name: str, rows: int) -> np.ndarray:
    """The (rows, 8) finite scores ``predict_logits()`` returned."""
    values = outputs.raw_array(name, "predict_logits()")
    if values.shape != (rows, N_CONDITIONS) or values.dtype.kind not in "fiu":
        raise InvalidOutput(f"predict_logits(): expected numbers of shape ({rows}, "
                            f"{N_CONDITIONS}), got {values.dtype.name} of shape {values.shape}",
                            "Return one row of 8 condition scores (logits) per recording.")
    values = values.astype(np.float64)
    if not np.isfinite(values).all():
        raise InvalidOutput(f"predict_logits(): {int(np.sum(~np.isfinite(values)))} scores are "
                            "NaN or infinite", "NaN scores usually mean training diverged: check "
                            "the loss curve and the learning rate.")
    return values


def cross_entropy(logits: np.ndarray, truth: np.ndarray) -> float:
    """Mean of -log softmax(logits)[truth], computed stably."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1))
    return float(np.mean(log_norm - shifted[np.arange(len(truth)), truth]))


def measure(outputs, truth: np.ndarray) -> dict[str, float]:
    logits = scores(outputs, "logits", len(truth))
    shuffled = scores(outputs, "logits_shuffled", len(truth))
    weights = outputs.raw_array("weights")
    rows = readable_rows(weights, outputs.raw_array("shapes"))
    return {"accuracy": float(np.mean(logits.argmax(axis=1) == truth)),
            "cross_entropy": cross_entropy(logits, truth),
            "shuffled_accuracy": float(np.mean(shuffled.argmax(axis=1) == truth)),
            "parameters": float(weights.size),
            "largest_dim": float(max((max(shape) for shape in rows if shape), default=0))}
