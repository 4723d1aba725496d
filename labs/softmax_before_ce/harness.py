"""The sandboxed side of softmax_before_ce: fresh runs per seed.

``harness`` trains and returns the network's tensors; ``logits`` (a fresh process
each time) rebuilds the network with the learner's ``build_model(cfg)``, loads the
tensors it is given and returns what ``predict_logits()`` returned. Runs beside the
learner's code, so nothing it computes is trusted: it only calls the learner's
functions.
"""

from __future__ import annotations

from mllab.graders.networks import _config, load_state_arrays
from mllab.graders.networks import train_tensors as harness  # noqa: F401


def logits(submission, weights, shapes, eval, device: str, seed: int) -> dict:
    """Rebuild the network with ``build_model(cfg)``, load ``weights``, return
    ``predict_logits()``'s scores of ``eval``."""
    cfg = _config(submission, device, seed)
    model = submission.call("build_model", cfg)
    load_state_arrays(model, weights, shapes, "build_model(cfg)")
    return {"logits": submission.call("predict_logits", model, eval.copy(), cfg)}
