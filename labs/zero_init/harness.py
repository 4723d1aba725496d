"""The sandboxed side of zero_init: three fresh runs per seed.

``harness`` trains and returns the network's tensors; ``classify`` (a fresh
process each time) rebuilds the network with the learner's ``build_model(cfg)``,
loads the tensors it is given and returns ``predict()``'s drink numbers. Runs
beside the learner's code, so nothing it computes is trusted: it only calls the
learner's functions.
"""

from __future__ import annotations

from mllab.graders.networks import load_state_arrays, state_arrays


def config(submission, device: str, seed: int):
    cfg = submission.call("Config")
    cfg.device, cfg.seed = device, seed
    return cfg


def harness(submission, train, device: str, seed: int) -> dict:
    """Train on ``train``; return the trained network's tensors."""
    readings, drinks = train
    model = submission.call("train", readings.copy(), drinks.copy(),
                            config(submission, device, seed))
    return state_arrays(model, "train()")


def classify(submission, weights, shapes, eval, device: str, seed: int) -> dict:
    """Rebuild the network, load ``weights``, return predict()'s drinks for ``eval``."""
    cfg = config(submission, device, seed)
    model = submission.call("build_model", cfg)
    load_state_arrays(model, weights, shapes, "build_model(cfg)")
    return {"predictions": submission.call("predict", model, eval.copy(), cfg)}
