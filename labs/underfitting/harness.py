"""The sandboxed side of underfitting: train, then predict the orders given.

Runs beside the learner's code, so nothing it computes is trusted: it only calls the
learner's functions and returns what they returned.
"""


def harness(submission, train, eval, device: str, seed: int) -> dict:
    """Train on the delivered orders; return the ETA of every order in ``eval``."""
    model = submission.call("train", train.copy(), submission.call("Config"))
    return {"minutes": submission.call("predict", model, eval.copy())}
