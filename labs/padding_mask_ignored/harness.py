"""The sandboxed side of padding_mask_ignored: train, then classify batches in fresh runs.

``harness`` trains and returns the network's tensors; ``classify_batches`` (a
fresh process each time) rebuilds the network with the learner's
``build_model(cfg)``, loads the tensors it is given and calls ``predict()`` once
per batch the grader composed, each batch cut to the width of its
longest review (as a data loader pads). Runs beside the learner's code, so
nothing it computes is trusted: it only calls the learner's functions and checks
the shape of what they returned.
"""

from __future__ import annotations

import numpy as np

from mllab.graders.child import SubmissionError
from mllab.graders.networks import load_state_arrays, state_arrays


def _config(submission, device: str, seed: int):
    cfg = submission.call("Config")
    cfg.device, cfg.seed = device, seed
    return cfg


def harness(submission, train, device: str, seed: int) -> dict:
    """Call ``train(words, lengths, verdicts, cfg)``; return the network's tensors."""
    words, lengths, verdicts = (part.copy() for part in train)
    model = submission.call("train", words, lengths, verdicts, _config(submission, device, seed))
    return state_arrays(model, "train()")


def classify_batches(submission, weights, shapes, words, lengths, sizes, device: str,
                     seed: int) -> dict:
    """Rebuild the network, load ``weights``; ``predict()`` on each batch of ``sizes[i]``
    consecutive reviews; return P(liked) of every review, in the order given."""
    cfg = _config(submission, device, seed)
    model = submission.call("build_model", cfg)
    load_state_arrays(model, weights, shapes, "build_model(cfg)")
    out, start = [], 0
    for size in sizes:
        rows = slice(start, start + int(size))
        width = int(lengths[rows].max())
        probs = submission.call("predict", model, words[rows, :width].copy(),
                                lengths[rows].copy(), cfg)
        if hasattr(probs, "detach"):  # a tensor, perhaps on the GPU
            probs = probs.detach().float().cpu().numpy()
        try:
            probs = np.asarray(probs, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            probs = np.zeros(0)
        if probs.shape != (int(size),):
            raise SubmissionError("invalid-output", f"predict(): expected {int(size)} "
                                  f"probabilities for a batch of {int(size)} reviews, got "
                                  f"{probs.size}", "Return P(liked) of each review of the batch.")
        out.append(probs)
        start += int(size)
    return {"probabilities": np.concatenate(out)}
