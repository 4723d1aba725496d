"""The sandboxed side of data_leakage: train, estimate, score the customers given.

Runs beside the learner's code, so nothing it computes is trusted. Every run of a
seed makes the same calls; the parent process names the outputs.
"""

from __future__ import annotations


def harness(submission, train, eval, device: str, seed: int, names=("estimate", "scores")) -> dict:
    """Train on ``train``; return the learner's estimate and its scores of ``eval``."""
    model = submission.call("train", train, submission.call("Config"))
    estimate_name, scores_name = names
    return {estimate_name: submission.call("estimated_auc", model),
            scores_name: submission.call("predict", model, eval.copy())}
