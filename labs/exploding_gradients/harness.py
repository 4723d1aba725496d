"""The sandboxed side of exploding_gradients: train, then predict the designs given.

Runs beside the learner's code, so nothing it computes is trusted.
"""

from __future__ import annotations

import numpy as np

def harness(submission, train, eval, device: str, seed: int) -> dict:
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
        predictions = submission.call("predict", model, eval.copy(), device)
    finally:
        for hook in hooks:
            hook.remove()
    used = [m for m, rows in rows_seen.items() if rows >= len(eval)]
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
