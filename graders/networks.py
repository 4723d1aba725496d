"""A trained torch network carried between two sandboxed runs as plain arrays.

Harness code (sandbox side) uses ``state_arrays`` in the run that trains: the
network's ``state_dict`` tensors, in order, as one float64 array (``weights``) and
their shapes (``shapes``: one row per tensor, its number of dimensions then its
sizes). A later, fresh run rebuilds the network with the learner's own builder and
``load_state_arrays`` loads them: whatever the learner kept outside the tensors
(Python attributes, globals, files) did not come along. The grading process reads
both arrays like any other output (``shape_rows``) and may change the weights (e.g.
re-initialise a layer) before a later run gets them.

``train_tensors`` and ``classify`` are the two harness entries of a lab whose
learner writes ``Config``, ``train(x, y, cfg)``, ``build_model(cfg)`` and
``predict(model, x, cfg)``: its ``harness.py`` imports them (``train_tensors`` as
``harness``).
"""

from __future__ import annotations

import numpy as np

MAX_DIMS = 8


def state_arrays(model, what: str) -> dict[str, np.ndarray]:
    """{"weights": every state_dict tensor flattened and concatenated, "shapes": their shapes}."""
    from mllab.graders.child import SubmissionError

    state = getattr(model, "state_dict", None)
    if not callable(state):
        raise SubmissionError("invalid-output", f"{what} returned a {type(model).__name__}, "
                              "not a torch network", "Return the trained torch.nn.Module.")
    tensors = [value.detach().cpu() for value in state().values()]
    if not tensors or any(t.dim() > MAX_DIMS for t in tensors):
        raise SubmissionError("invalid-output", f"{what} returned a network without usable "
                              "weights", "Return the trained torch.nn.Module.")
    shapes = np.zeros((len(tensors), MAX_DIMS + 1), dtype=np.int64)
    for row, tensor in zip(shapes, tensors):
        row[0] = tensor.dim()
        row[1:1 + tensor.dim()] = tensor.shape
    weights = np.concatenate([t.double().numpy().reshape(-1) for t in tensors])
    return {"weights": weights, "shapes": shapes}


def load_state_arrays(model, weights: np.ndarray, shapes: np.ndarray, builder: str) -> None:
    """Load ``weights`` (as ``state_arrays`` made them) into ``model``, built by ``builder``."""
    import torch

    from mllab.graders.child import SubmissionError

    state = model.state_dict() if callable(getattr(model, "state_dict", None)) else None
    if state is None:
        raise SubmissionError("invalid-output", f"{builder} returned a {type(model).__name__}, "
                              "not a torch network", "Return the freshly built torch.nn.Module.")
    expected = [tuple(t.shape) for t in state.values()]
    total = sum(int(np.prod(shape, dtype=np.int64)) for shape in expected)
    if expected != shape_rows(shapes) or weights.shape != (total,) or weights.dtype.kind != "f":
        raise SubmissionError(
            "invalid-output", f"the network train() returned does not have the tensors "
            f"{builder} builds ({len(shapes)} tensors returned, {len(expected)} built, or "
            "their shapes differ)",
            f"The grader rebuilds your network with {builder} and loads the trained weights "
            f"into it: train() must return a network that {builder} builds.")
    loaded, start = {}, 0
    for (name, tensor), shape in zip(state.items(), expected):
        size = int(np.prod(shape, dtype=np.int64))
        chunk = torch.from_numpy(np.ascontiguousarray(weights[start:start + size]))
        loaded[name] = chunk.reshape(shape).to(tensor.dtype)
        start += size
    model.load_state_dict(loaded)


def shape_rows(shapes: np.ndarray) -> list[tuple[int, ...]] | None:
    """The tensor shapes encoded in ``shapes`` (one row each: ndim, then the sizes); None
    when ``shapes`` is not such a table."""
    if (shapes.ndim != 2 or shapes.shape[1] != MAX_DIMS + 1 or shapes.dtype.kind not in "iu"
            or not ((0 <= shapes[:, 0]) & (shapes[:, 0] <= MAX_DIMS)).all() or (shapes < 0).any()):
        return None
    return [tuple(int(d) for d in row[1:1 + int(row[0])]) for row in shapes]


# ---------------------------------------------------------------- harness entries


def _config(submission, device: str, seed: int):
    cfg = submission.call("Config")
    cfg.device, cfg.seed = device, seed
    return cfg


def train_tensors(submission, train, device: str, seed: int) -> dict:
    """Call ``train(x, y, cfg)`` on ``train`` = (x, y); return the network's tensors."""
    x, y = train
    model = submission.call("train", x.copy(), y.copy(), _config(submission, device, seed))
    return state_arrays(model, "train()")


def classify(submission, weights, shapes, eval, device: str, seed: int) -> dict:
    """Rebuild the network with ``build_model(cfg)``, load ``weights``, return
    ``predict()``'s classes of ``eval``."""
    cfg = _config(submission, device, seed)
    model = submission.call("build_model", cfg)
    load_state_arrays(model, weights, shapes, "build_model(cfg)")
    return {"predictions": submission.call("predict", model, eval.copy(), cfg)}
