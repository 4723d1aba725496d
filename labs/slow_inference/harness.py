"""The sandboxed side of slow_inference: train and pickle, or load and score.

Runs in the same interpreter as the learner's code, so a learner can see, wrap or
replace anything here: it only calls the functions of the file it was given (the
learner's, or the grader's reference scorer) with the inputs it was given and
returns what they returned. Each entry runs in its own fresh process, timed from
outside by the grader; the trained model travels between them as pickled
bytes, the way the weekly job ships it to the scoring nodes.
"""

from __future__ import annotations

import pickle

import numpy as np
import torch  # noqa: F401 - loaded before any file's code, so every run starts alike

PICKLE_HINT = ("The weekly job pickles the model train() returns and the scoring job "
               "unpickles it: return the trained network (no lambdas, open files or "
               "generators inside it).")


def harness(submission, train, device: str, seed: int) -> dict:
    """Train on the accounts given; return the model as pickled bytes."""
    import torch._dynamo  # noqa: F401 - what building an optimizer imports: preloaded by the run server
    from mllab.graders.child import SubmissionError

    features, defaulted = train
    model = submission.call("train", features.copy(), defaulted.copy(),
                            _config(submission, device, seed))
    try:
        blob = pickle.dumps(model)
    except Exception as exc:  # noqa: BLE001 - whatever the learner's model holds
        raise SubmissionError("invalid-output", "the model train() returned cannot be pickled "
                              f"({type(exc).__name__}: {exc})", PICKLE_HINT) from None
    return {"model": np.frombuffer(blob, dtype=np.uint8)}


def score(submission, model, features, device: str, seed: int) -> dict:
    """Load the model; score all the accounts given in one call."""
    from mllab.graders.child import SubmissionError

    try:
        network = pickle.loads(np.ascontiguousarray(model, dtype=np.uint8).tobytes())
    except Exception as exc:  # noqa: BLE001 - whatever the learner's model needs to load
        raise SubmissionError("invalid-output", "the pickled model could not be loaded in a "
                              f"fresh process ({type(exc).__name__}: {exc})", PICKLE_HINT) from None
    return {"scores": submission.call("score", network, features.copy(),
                                      _config(submission, device, seed))}


def _config(submission, device: str, seed: int):
    cfg = submission.call("Config")
    cfg.device, cfg.seed = device, seed
    return cfg
