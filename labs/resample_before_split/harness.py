"""The sandboxed side of resample_before_split: train, estimate, score the payments given.

Runs beside the learner's code, so nothing it computes is trusted: it only calls the
learner's functions and returns what they returned. Both runs of a seed make the same
calls and return the same names; the parent process tells them apart.
"""


def harness(submission, train, eval, device: str, seed: int) -> dict:
    model = submission.call("train", train, submission.call("Config"))
    return {"estimate": submission.call("estimated_auprc", model),
            "scores": submission.call("predict_scores", model, eval.copy())}
