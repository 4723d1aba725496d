"""The sandboxed side of eval_mode_forgotten: train and pickle, or load and predict.

Runs in the same interpreter as the learner's code, so a learner can see, wrap or
replace anything here: it only calls the learner's functions with the inputs it
was given and returns what they returned. Each entry runs in its own fresh
process; the trained model travels between them as pickled bytes, the way the
nightly job ships it to the scanners.
"""

from __future__ import annotations

import pickle

import numpy as np

PICKLE_HINT = ("The nightly job pickles the model train() returns and the scanners "
               "unpickle it: return the trained network (no lambdas, open files or "
               "generators inside it).")


def harness(submission, train, device: str, seed: int) -> dict:
    """Train on the scans given; return the model as pickled bytes."""
    from mllab.graders.child import SubmissionError

    images, labels = train
    model = submission.call("train", images.copy(), labels.copy(), _config(submission, device, seed))
    try:
        blob = pickle.dumps(model)
    except Exception as exc:  # noqa: BLE001 - whatever the learner's model holds
        raise SubmissionError("invalid-output", "the model train() returned cannot be pickled "
                              f"({type(exc).__name__}: {exc})", PICKLE_HINT) from None
    return {"model": np.frombuffer(blob, dtype=np.uint8)}


def tray(submission, model, scans, device: str, seed: int) -> dict:
    """Load the model; predict all the scans given in one call."""
    return {"tray": _predict(submission, model, scans, device, seed)}


def again(submission, model, scans, device: str, seed: int) -> dict:
    """Load the model; predict all the scans given in one call."""
    return {"again": _predict(submission, model, scans, device, seed)}


def desk(submission, model, scans, device: str, seed: int) -> dict:
    """Load the model; predict the scans given one at a time, a call per scan."""
    from mllab.graders.child import SubmissionError

    network, cfg = _load(submission, model), _config(submission, device, seed)
    marks = []
    for number in range(len(scans)):
        value = submission.call("predict", network, scans[number:number + 1].copy(), cfg)
        if hasattr(value, "detach"):  # a torch tensor, possibly on the GPU
            value = value.detach().cpu().numpy()
        try:
            mark = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            mark = None
        if mark is None or mark.size != 1 or not np.isfinite(mark).all():
            raise SubmissionError("invalid-output", f"predict() returned {type(value).__name__} "
                                  f"{str(value)[:60]!r} for one scan, not one mark",
                                  "Return one mark per scan: an array of shape (n,).")
        marks.append(mark.reshape(()))
    return {"desk": np.array(marks)}


def _predict(submission, model, scans, device: str, seed: int):
    return submission.call("predict", _load(submission, model), scans.copy(),
                           _config(submission, device, seed))


def _config(submission, device: str, seed: int):
    cfg = submission.call("Config")
    cfg.device, cfg.seed = device, seed
    return cfg


def _load(submission, model: np.ndarray):
    """The learner's model, unpickled from the bytes the training run returned."""
    from mllab.graders.child import SubmissionError

    try:
        return pickle.loads(np.ascontiguousarray(model, dtype=np.uint8).tobytes())
    except Exception as exc:  # noqa: BLE001 - whatever the learner's model needs to load
        raise SubmissionError("invalid-output", "the pickled model could not be loaded in a "
                              f"fresh process ({type(exc).__name__}: {exc})", PICKLE_HINT) from None
