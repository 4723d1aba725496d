"""The sandboxed side of exploding_gradients: three fresh runs per seed.

``harness`` trains and returns the network's tensors and its loss history;
``predict_with`` (a fresh process each time) rebuilds the network with the
learner's ``build_model``, loads the weights it is given and returns
``predict()``'s drag scores. Runs beside the learner's code, so nothing it
computes is trusted: it only calls the learner's functions.
"""

from __future__ import annotations

import numpy as np

from mllab.graders.networks import load_state_arrays, state_arrays


def harness(submission, train, device: str, seed: int) -> dict:
    """Train on ``train``; return the network's tensors and the loss of each epoch."""
    from mllab.graders.child import SubmissionError

    designs, drag = train
    result = submission.call("train", designs.copy(), drag.copy(), submission.call("Config"),
                             device)
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
    return {**state_arrays(model, "train()"), "losses": losses}


def predict_with(submission, weights, shapes, eval, device: str, seed: int) -> dict:
    """Rebuild the network, load ``weights``, return predict()'s scores for ``eval``."""
    cfg = submission.call("Config")
    model = submission.call("build_model", eval.shape[1], cfg)
    load_state_arrays(model, weights, shapes, "build_model(n_inputs, cfg)")
    model = model.to(device)
    return {"predictions": submission.call("predict", model, eval.copy(), device)}
