"""The sandboxed side of non_converging_net: train, then classify the scans given.

Runs beside the learner's code, so nothing it computes is trusted.
"""

from __future__ import annotations

import numpy as np

class TrainingWatch:
    """Counts training images per module and snapshots weights at first training use."""

    def __init__(self):
        self.images: dict[int, list] = {}  # id(module) -> [module, images forwarded]
        self.initial: dict[int, tuple] = {}  # id(param) -> (param, value at first forward)

    def __call__(self, module, args, output):
        import torch

        if not torch.is_grad_enabled():
            return
        entry = self.images.setdefault(id(module), [module, 0])
        if args and hasattr(args[0], "shape") and len(args[0].shape):
            entry[1] += int(args[0].shape[0])
        for param in module.parameters(recurse=False):
            if id(param) not in self.initial:
                self.initial[id(param)] = (param, param.detach().to("cpu", copy=True))

    def images_seen(self, model) -> int:
        """Training images through ``model`` (or, if never called itself, its busiest layer)."""
        import torch

        if id(model) in self.images or not isinstance(model, torch.nn.Module):
            return self.images.get(id(model), [None, 0])[1]
        return max((self.images.get(id(m), [None, 0])[1] for m in model.modules()
                    if next(m.parameters(recurse=False), None) is not None), default=0)

    def changed_fraction(self, model) -> float:
        """Share of the model's trainable weights that differ from their first-seen value."""
        import torch

        if not isinstance(model, torch.nn.Module):
            return 0.0
        total = changed = 0
        for param in model.parameters():
            if not param.requires_grad:
                continue
            total += param.numel()
            if id(param) in self.initial:
                before = self.initial[id(param)][1]
                changed += int((param.detach().cpu() != before).sum())
        return changed / total if total else 0.0


def harness(submission, train, eval, device: str, seed: int) -> dict:
    import torch

    images, labels = train
    cfg = submission.call("Config")
    cfg.device, cfg.seed = device, seed
    watch = TrainingWatch()
    handle = torch.nn.modules.module.register_module_forward_hook(watch)
    try:
        model = submission.call("train", images.copy(), labels.copy(), cfg)
    finally:
        handle.remove()
    network_says: list = []  # argmax of the returned network's outputs during predict()

    def record(module, args, output):
        if torch.is_tensor(output) and output.ndim == 2:
            network_says.append(output.detach().argmax(dim=1).cpu().numpy())

    handle = model.register_forward_hook(record) if isinstance(model, torch.nn.Module) else None
    try:
        predictions = submission.call("predict", model, eval.copy(), cfg)
    finally:
        if handle is not None:
            handle.remove()
    return {"predictions": predictions,
            "network_says": np.concatenate(network_says) if network_says else np.array([-1]),
            "epochs": np.array([watch.images_seen(model) / len(images)]),
            "weights_trained": np.array([watch.changed_fraction(model)])}
