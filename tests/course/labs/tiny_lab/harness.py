"""The sandboxed side of the tiny lab."""


def harness(submission, train, eval, device: str, seed: int) -> dict:
    model = submission.call("train", *train)
    return {"pred": submission.call("predict", model, eval)}
