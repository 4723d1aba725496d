"""The sandboxed side of {id}: call the learner's functions, return their arrays.

Runs in the same interpreter as the learner's code, so a learner can see, wrap or
replace anything here: keep it to calls with the inputs the grading process chose,
and never compute a check here.
"""


def harness(submission, train, eval, device: str, seed: int) -> dict:
    model = submission.call("train", train, submission.call("Config"))
    return {"pred": submission.call("predict", model, eval)}
