"""The sandboxed side of causal_mask_leak: train, then score logs in fresh runs.

``harness`` trains and returns the network's tensors; ``score`` (a fresh process
each time) rebuilds the network with the learner's ``build_model(cfg)``, loads
the tensors it is given and returns ``next_token_logits()`` for the logs it is
given. Runs beside the learner's code, so nothing it computes is trusted: it only
calls the learner's functions and checks the shape of what they returned.
"""

from __future__ import annotations

import numpy as np

from mllab.graders.child import SubmissionError
from mllab.graders.networks import load_state_arrays, state_arrays

VOCAB = 22  # token ids of the order logs: <bos>, END, 8 customers, 12 items


def _config(submission, device: str, seed: int):
    cfg = submission.call("Config")
    cfg.device, cfg.seed = device, seed
    return cfg


def harness(submission, train, device: str, seed: int) -> dict:
    """Call ``train(logs, cfg)``; return the network's tensors."""
    model = submission.call("train", train.copy(), _config(submission, device, seed))
    return state_arrays(model, "train()")


def score(submission, weights, shapes, logs, device: str, seed: int) -> dict:
    """Rebuild the network, load ``weights``, return ``next_token_logits()`` of ``logs``."""
    cfg = _config(submission, device, seed)
    model = submission.call("build_model", cfg)
    load_state_arrays(model, weights, shapes, "build_model(cfg)")
    logits = submission.call("next_token_logits", model, logs.copy(), cfg)
    if hasattr(logits, "detach"):  # a tensor, perhaps on the GPU
        logits = logits.detach().float().cpu().numpy()
    logits = np.asarray(logits)
    expected = (*logs.shape, VOCAB)
    if logits.shape != expected:
        raise SubmissionError("invalid-output", f"next_token_logits(): expected an array of "
                              f"shape {expected}, got {logits.shape}",
                              "Return one row of 22 logits per position of every log: row t "
                              "scores the token that follows position t.")
    return {"logits": logits.reshape(-1)}
