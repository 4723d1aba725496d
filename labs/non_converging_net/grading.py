"""Grading for non_converging_net: fresh glyph scans in, marks read out.

``make_split`` and ``measure`` run in the grading process; ``harness`` runs in the
sandbox with the submission and never sees the evaluation labels.

Besides accuracy, the harness watches training from the outside with a global
forward hook. It counts the training images that pass through the returned
network with gradients on (the epoch budget, however the loop is written; zero
for a model that was never trained), and it snapshots each layer's weights at
its first training forward pass, to report the share of the network's weights
that training changed. While ``predict`` runs, it records the argmax of the
returned network's outputs, so the predictions must be that network's own (the
model stays a PyTorch network trained by ``train()``).
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.glyphs import N_CLASSES, glyphs
from mllab.graders import Split
from mllab.graders.outputs import InvalidOutput

TRAIN_IMAGES = 6_000
EVAL_IMAGES = 5_000


def make_split(train_seed: int, eval_seed: int) -> Split:
    eval_images, eval_labels = glyphs(EVAL_IMAGES, eval_seed)
    return Split(train=glyphs(TRAIN_IMAGES, train_seed), eval=eval_images, truth=eval_labels)


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


def harness(submission, train, eval_images, device: str, seed: int) -> dict:
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
        predictions = submission.call("predict", model, eval_images.copy(), cfg)
    finally:
        if handle is not None:
            handle.remove()
    return {"predictions": predictions,
            "network_says": np.concatenate(network_says) if network_says else np.array([-1]),
            "epochs": np.array([watch.images_seen(model) / len(images)]),
            "weights_trained": np.array([watch.changed_fraction(model)])}


def measure(outputs, truth: np.ndarray) -> dict[str, float]:
    predictions = outputs.array("predictions", len(truth), what="predict()")
    if not np.isin(predictions, np.arange(N_CLASSES)).all():
        raise InvalidOutput(f"predict(): expected class numbers 0..{N_CLASSES - 1}, got values "
                            f"from {predictions.min():.3g} to {predictions.max():.3g}",
                            "Return the predicted class of each image (argmax of the logits).")
    network_says = outputs.array("network_says", None, what="the network's outputs")
    network_says = network_says[-len(truth):]  # the last pass over the images, if several
    from_network = (float(np.mean(network_says == predictions))
                    if network_says.shape == predictions.shape else 0.0)
    return {
        "accuracy": float(np.mean(predictions == truth)),
        "from_network": from_network,
        "epochs": outputs.scalar("epochs"),
        "weights_trained": outputs.scalar("weights_trained"),
    }
