"""The sandboxed side of noisy_labels: audit the labels, train, score the parcels given.

Runs beside the learner's code, so nothing it computes is trusted: it only calls the
learner's functions and returns what they returned.
"""

from __future__ import annotations


def harness(submission, train, eval, device: str, seed: int) -> dict:
    config = submission.call("Config")
    suspects = submission.call("find_suspects", train.copy(), config)
    model = submission.call("train", train.copy(), config)
    return {"suspects": suspects, "pred": submission.call("predict", model, eval.copy())}
