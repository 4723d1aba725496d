"""The sandboxed side of data_leakage: train, estimate, score the customers given.

Runs beside the learner's code, so nothing it computes is trusted.
"""

from __future__ import annotations

def harness(submission, train, eval, device: str, seed: int, eval_probe=None) -> dict:
    """Train on ``train``; return the learner's estimate and scores (and on ``eval_probe``)."""
    model = submission.call("train", train, submission.call("Config"))
    outputs = {"estimate": submission.call("estimated_auc", model),
               "scores": submission.call("predict", model, eval.copy())}
    if eval_probe is not None:
        outputs["scores_eval_probe"] = submission.call("predict", model, eval_probe.copy())
    return outputs


def probe_harness(submission, train, eval, device: str, seed: int) -> dict:
    """Train on the export with the probed column scrambled; score the real customers."""
    model = submission.call("train", train, submission.call("Config"))
    return {"scores_train_probe": submission.call("predict", model, eval.copy())}
