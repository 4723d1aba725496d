"""Grading for exploding_gradients: fresh simulator runs in, drag error out.

``make_split`` and ``measure`` run in the grading process; ``harness`` runs in the
sandbox with the submission and never sees the drag of the evaluation runs.

The harness trains the submission, then predicts the evaluation runs with a
forward hook on every ``nn.Linear`` of the returned model. ``depth`` is the
longest chain of Linear layers, one feeding the next, from input to output: the
harness replays the model's first ``predict`` call on a few runs with autograd
on and walks the graph, counting only layers that processed every evaluation
run. So a shallower network, layers side by side instead of stacked, or a model
that is not the trained torch network cannot pass; residual blocks count. A
diverged model predicts NaN, so predictions and the loss history are read with
``finite=False`` and mapped to metrics here: NaN is a failed target, not an
unreadable output.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.simulator import simulation_runs
from mllab.graders import Split

TRAIN_ROWS = 8_000
EVAL_ROWS = 10_000
MSE_CAP = 1e6  # what a NaN, infinite or absurd prediction counts as


def make_split(train_seed: int, eval_seed: int) -> Split:
    designs, drag = simulation_runs(EVAL_ROWS, eval_seed)
    return Split(train=simulation_runs(TRAIN_ROWS, train_seed), eval=designs, truth=drag)


def measure(outputs, truth: np.ndarray) -> dict[str, float]:
    losses = outputs.array("losses", None, what="train()'s loss history", finite=False)
    predicted = outputs.array("predictions", len(truth), what="predict()", finite=False)
    with np.errstate(over="ignore", invalid="ignore"):
        mse = float(np.mean((predicted - truth) ** 2))
    mse = min(mse, MSE_CAP) if np.isfinite(mse) else MSE_CAP
    return {
        "finite_loss": float(np.all(np.isfinite(losses))),
        "mse": mse,
        "depth": outputs.scalar("depth"),
        "r2": max(1.0 - mse / float(np.var(truth)), -1.0),
    }
