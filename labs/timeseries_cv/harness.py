"""The sandboxed side of timeseries_cv: train on a sales history, estimate, forecast.

Runs beside the learner's code, so nothing it computes is trusted. Every run of a
seed makes the same calls; the parent process names the outputs.
"""

from __future__ import annotations


def harness(submission, train, eval, device: str, seed: int, names=("estimate", "forecast")) -> dict:
    """Train on the history ``train``; return the learner's WAPE estimate and its
    forecast of each row of ``eval`` (the days after the history)."""
    model = submission.call("train", train, submission.call("Config"))
    estimate_name, forecast_name = names
    return {estimate_name: submission.call("estimated_wape", model),
            forecast_name: submission.call("forecast", model, eval.copy())}
