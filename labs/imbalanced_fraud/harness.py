"""The sandboxed side of imbalanced_fraud: train, then score the transactions given.

Runs beside the learner's code, so nothing it computes is trusted: it only calls the
learner's functions and returns what they returned.
"""

def harness(submission, train, eval, device: str, seed: int) -> dict:
    config = submission.call("Config")
    model = submission.call("train", train, config)
    return {"scores": submission.call("predict_scores", model, eval.copy()),
            "labels": submission.call("predict_labels", model, eval.copy())}
