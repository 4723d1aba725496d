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


def harness(submission, train, eval_designs, device: str, seed: int) -> dict:
    import torch

    from mllab.graders.child import SubmissionError

    designs, drag = train
    config = submission.call("Config")
    result = submission.call("train", designs.copy(), drag.copy(), config, device)
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise SubmissionError("invalid-output", f"train() returned {type(result).__name__}, "
                              "not (model, losses)",
                              "Return the trained torch model and the list of mean training "
                              "losses per epoch, as the original train() does.")
    model, losses = result
    try:
        losses = np.array([float(loss) for loss in losses])  # floats or 0-d tensors
    except (TypeError, ValueError):
        raise SubmissionError("invalid-output", "train()'s losses are not a list of numbers",
                              "Return the mean training loss of each epoch as floats "
                              "(loss.item()).") from None
    if not isinstance(model, torch.nn.Module):
        raise SubmissionError("invalid-output", f"train() returned a {type(model).__name__} "
                              "as the model, not a torch.nn.Module",
                              "The lab is about training the deep torch network: return it.")
    rows_seen: dict[torch.nn.Module, int] = {}
    first_call: list = []

    def count_rows(module, inputs, output):
        rows = output.reshape(-1, module.out_features).shape[0]
        rows_seen[module] = rows_seen.get(module, 0) + rows

    def few_rows(x):
        return x[:8].detach().clone() if torch.is_tensor(x) else x

    def keep_inputs(module, args, kwargs):
        if not first_call:
            first_call.append(([few_rows(x) for x in args],
                               {key: few_rows(x) for key, x in kwargs.items()}))

    hooks = [m.register_forward_hook(count_rows) for m in model.modules()
             if isinstance(m, torch.nn.Linear)]
    hooks.append(model.register_forward_pre_hook(keep_inputs, with_kwargs=True))
    try:
        predictions = submission.call("predict", model, eval_designs.copy(), device)
    finally:
        for hook in hooks:
            hook.remove()
    used = [m for m, rows in rows_seen.items() if rows >= len(eval_designs)]
    depth = linear_chain(model, *first_call[0], used) if first_call and used else 0
    return {"predictions": predictions, "losses": losses, "depth": np.array([depth])}


def linear_chain(model, args: list, kwargs: dict, layers: list) -> int:
    """Longest chain of ``layers`` on a path from the inputs to ``model``'s output."""
    import torch

    layer_nodes = set()  # the autograd node that produced each layer's output
    hooks = [layer.register_forward_hook(
        lambda module, args, output: layer_nodes.add(output.grad_fn)) for layer in layers]
    frozen = [p for layer in layers for p in layer.parameters() if not p.requires_grad]
    for param in frozen:
        param.requires_grad_(True)
    try:
        with torch.enable_grad():
            output = model(*args, **kwargs)
    finally:
        for param in frozen:
            param.requires_grad_(False)
        for hook in hooks:
            hook.remove()
    output = output[0] if isinstance(output, (tuple, list)) else output
    root = getattr(output, "grad_fn", None)
    chain: dict = {}  # autograd node -> longest chain of layers from it back to the inputs
    stack = [(root, False)] if root is not None else []
    while stack:  # iterative post-order walk: graphs of deep models overflow recursion
        node, expanded = stack.pop()
        if node in chain:
            continue
        children = [child for child, _ in node.next_functions if child is not None]
        if not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in children if child not in chain)
            continue
        chain[node] = (node in layer_nodes) + max((chain[c] for c in children), default=0)
    return chain.get(root, 0)


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
