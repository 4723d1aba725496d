"""Grading for dying_relu: fresh windows of a cohort drawn per grading, activities read out.

``make_split`` and ``measure`` run in the grading process. Each seed takes three
fresh sandboxed runs, sharing nothing but the arrays named here:

- ``fit``: ``train()`` on 6,000 labelled windows; only the returned network's
  tensors (its ``state_dict``) come back.
- ``classify``: a new process rebuilds the network with the learner's
  ``build_model(cfg)``, loads those tensors and calls ``predict()`` on 5,000
  windows it never saw labelled (``accuracy``). The tensors it gets have their
  hidden units relabelled by a random permutation drawn here (``units_permuted``:
  every tensor side that is not the 24 features or the 6 activities): an honest
  network computes exactly the same function; code keyed on its weights' values
  or order does not see the weights it had.
- ``shuffled``: the same (relabelled), but the hidden layer's weight matrix and
  bias have their entries put back in a random order (``entries_shuffled``): the
  learned features gone, so an honest network collapses (``shuffled_accuracy``).
  Answers that do not come from the hidden layer (a lookup or a second model kept
  in buffers, the layer a decoy) survive it.

From the returned tensors alone (never from anything the learner's code reports)
this process reads the network as Linear(24, H) -> ReLU -> Linear(H, 6) and
computes, on the same 5,000 fresh windows:

- ``live_share``: the share of the H hidden units that are alive. A unit is alive
  when its pre-activation (``x W1^T + b1``, computed here) is positive on at
  least 1% of the windows (a dead ReLU outputs zero, and gets zero gradient, on
  every input), and when it matters: its output's spread over the windows times
  the size of its outgoing weights is at least 5% of the layer's largest such
  contribution. So a unit made "alive" after training (a bias pushed up, firing
  on every window as a constant, or wired to nothing) does not count. This
  number rests on the weights, not on any activation the code computes, so an
  activation swapped at prediction time (LeakyReLU or identity in ``predict()``
  only) changes nothing here.
- ``agreement``: the share of windows where this reading of the network (with
  ReLU, or a LeakyReLU of slope 0.01 to 0.3, whichever agrees best) names the
  same activity as ``predict()``. It ties ``live_share`` to the network that
  answers: tensors that are a decoy, an activation the grader does not read, or
  layers between the two Linear layers (a norm) make it fall.
- ``parameters`` (at most 10x the team's 1,990) and ``largest_dim`` (at most
  1,024; training windows: 6,000) keep the training rows and a second model out
  of the tensors.

The cohort (where each activity's clouds of features sit and which activity is
which) is drawn from the evaluation seed for training and evaluation alike
(``random_cohort``): a mapping learned elsewhere is wrong on it. Anything kept
outside the network's tensors is gone when ``predict()`` runs. The two predicting
runs look alike to the submission (same entry, same output name, one weight set
each, both relabelled).

What this does not rule out: dead units revived after training with outgoing
weights sized to just clear the 5% bar (they then add their noise to the
answers, which the accuracy target must absorb); units of a wider network kept
alive but redundant. Both are deliberate constructions, not fixes of the
training.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.wristband import N_ACTIVITIES, N_FEATURES, random_cohort, windows
from mllab.graders import Carry, Split, Stage
from mllab.graders.networks import entries_shuffled, readable_rows, tensors, units_permuted
from mllab.graders.outputs import InvalidOutput

TRAIN_ROWS = 6_000
EVAL_ROWS = 5_000
FIRES_ON = 0.01  # a live unit is positive on at least this share of fresh windows
MATTERS = 0.05  # ... and contributes at least this share of the layer's largest contribution
SLOPES = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3)  # ReLU and the usual LeakyReLU slopes


def make_split(train_seed: int, eval_seed: int) -> Split:
    """Three fresh runs: train; classify with the units relabelled; with the hidden layer's
    weights shuffled as well."""
    cohort = random_cohort(eval_seed)
    features, activities = windows(EVAL_ROWS, eval_seed, cohort)
    rng = np.random.default_rng([eval_seed, 3])

    def relabel(weights: np.ndarray, outputs) -> np.ndarray:
        return units_permuted(weights, readable_rows(weights, outputs.raw_array("shapes")),
                              {N_FEATURES, N_ACTIVITIES}, rng)

    def shuffle(weights: np.ndarray, outputs) -> np.ndarray:
        changed = relabel(weights, outputs)
        rows = readable_rows(changed, outputs.raw_array("shapes"))
        w1, b1, _, _ = layers(tensors(changed, rows), rows)
        w1[...] = entries_shuffled(w1, rng)
        b1[...] = entries_shuffled(b1, rng)
        return changed

    classify = {"shapes": Carry("shapes"), "eval": features}
    return Split(truth=(features, activities), stages=(
        Stage("fit", {"train": windows(TRAIN_ROWS, train_seed, cohort)},
              outputs=("weights", "shapes")),
        Stage("classify", {"weights": Carry("weights", change=relabel), **classify},
              outputs=("predictions",), entry="classify"),
        Stage("shuffled", {"weights": Carry("weights", change=shuffle), **classify},
              outputs=("predictions",), entry="classify", keep_as=("predictions_shuffled",)),
    ))


def layers(parts: list[np.ndarray], rows: list[tuple[int, ...]]):
    """(W1, b1, W2, b2): the hidden layer (the first matrix reading the 24 features, and
    the bias after it) and the output layer (the next matrix, reading the hidden units and
    writing the 6 activities, and its bias)."""
    for i in range(len(rows) - 3):
        four = rows[i:i + 4]
        if [len(shape) for shape in four] != [2, 1, 2, 1]:
            continue
        (h, d), (b1,), (k, h2), (b2,) = four
        if d == N_FEATURES and b1 == h2 == h and k == b2 == N_ACTIVITIES:
            return parts[i], parts[i + 1], parts[i + 2], parts[i + 3]
    raise InvalidOutput("train(): the returned network is not Linear(24, H) -> activation -> "
                        "Linear(H, 6) with biases",
                        "Keep the team's architecture: one hidden Linear layer with biases, "
                        "its activation, and a Linear output layer.")


def unit_reading(features: np.ndarray, weights: np.ndarray, rows) -> tuple[np.ndarray, ...]:
    """(pre-activations (n, H), the network's class under each of SLOPES (len, n), live units)."""
    w1, b1, w2, b2 = layers(tensors(weights, rows), rows)
    if not all(np.isfinite(t).all() for t in (w1, b1, w2, b2)):
        raise InvalidOutput("train(): the network's weights hold NaN or infinite values",
                            "Training diverged: check the loss and the learning rate schedule.")
    pre = features.astype(np.float64) @ w1.T + b1
    classes = np.stack([(np.where(pre > 0, pre, slope * pre) @ w2.T + b2).argmax(axis=1)
                        for slope in SLOPES])
    fires = (pre > 0).mean(axis=0) >= FIRES_ON
    contribution = np.maximum(pre, 0).std(axis=0) * np.linalg.norm(w2, axis=0)
    matters = (contribution > 0) & (contribution >= MATTERS * contribution.max())
    return pre, classes, fires & matters


def activity_numbers(outputs, name: str, truth: np.ndarray) -> np.ndarray:
    predictions = outputs.array(name, len(truth), what="predict()")
    if not np.isin(predictions, np.arange(N_ACTIVITIES)).all():
        raise InvalidOutput(f"predict(): expected activity numbers 0..{N_ACTIVITIES - 1}, got "
                            f"values from {predictions.min():.3g} to {predictions.max():.3g}",
                            "Return the predicted activity of each window (argmax of the logits).")
    return predictions


def measure(outputs, truth) -> dict[str, float]:
    features, activities = truth
    predictions = activity_numbers(outputs, "predictions", activities)
    shuffled = activity_numbers(outputs, "predictions_shuffled", activities)
    weights = outputs.raw_array("weights")
    rows = readable_rows(weights, outputs.raw_array("shapes"))
    _, classes, live = unit_reading(features, weights, rows)
    return {"accuracy": float(np.mean(predictions == activities)),
            "live_share": float(live.mean()),
            "agreement": float(max(np.mean(c == predictions) for c in classes)),
            "shuffled_accuracy": float(np.mean(shuffled == activities)),
            "parameters": float(weights.size),
            "largest_dim": float(max((max(shape) for shape in rows if shape), default=0))}
