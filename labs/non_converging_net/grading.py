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
