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


# ---------------------------------------------------------------- grading-process checks
# Everything below runs in the grading process on the arrays a fit stage returned.


def readable_rows(weights: np.ndarray, shapes: np.ndarray, what: str = "train()"
                  ) -> list[tuple[int, ...]]:
    """The tensor shapes ``shapes`` encodes, checked against ``weights``."""
    from mllab.graders.outputs import InvalidOutput

    rows = shape_rows(shapes)
    sizes = [int(np.prod(shape, dtype=np.int64)) for shape in rows or ()]
    if rows is None or weights.ndim != 1 or weights.dtype.kind != "f" or sum(sizes) != len(weights):
        raise InvalidOutput(f"{what}: the returned network's tensors could not be read back",
                            "Return the trained torch.nn.Module.")
    return rows


def tensors(weights: np.ndarray, rows: list[tuple[int, ...]]) -> list[np.ndarray]:
    """Views of ``weights``, one per tensor, in ``rows``' shapes (writes go through)."""
    out, start = [], 0
    for shape in rows:
        size = int(np.prod(shape, dtype=np.int64))
        out.append(weights[start:start + size].reshape(shape))
        start += size
    return out


def units_permuted(weights: np.ndarray, rows: list[tuple[int, ...]], fixed: set[int],
                   rng: np.random.Generator) -> np.ndarray:
    """``weights`` with the hidden units relabelled: one random permutation per size ``s``
    not in ``fixed`` (the input and output sizes), applied along every axis of size ``s``
    of every tensor.

    An honest network computes exactly the same function afterwards, whatever its
    layout, as long as a hidden layer's units are only ever combined with units of
    other layers through weight matrices or one-to-one (a bias, a norm's scale and
    statistics, a residual stream: they all move with the same permutation). Code
    keyed on its weights' values or order (a checksum, a cloned layer) sees weights
    it has never had, on every predicting run alike."""
    changed = weights.copy()
    sizes = {size for shape in rows for size in shape} - set(fixed) - {0, 1}
    orders = {size: rng.permutation(size) for size in sorted(sizes)}
    for tensor in tensors(changed, rows):
        for axis, size in enumerate(tensor.shape):
            if size in orders:
                tensor[...] = np.take(tensor, orders[size], axis=axis)
    return changed


def entries_shuffled(matrix: np.ndarray, rng: np.random.Generator,
                     signs: bool = False) -> np.ndarray:
    """``matrix`` with its entries put back in a random order: the same values (so the
    same mean, spread and sorted values as the trained matrix: a checksum of such
    statistics cannot tell it from a relabelled one), the learned wiring gone. With
    ``signs``, each entry also gets a random sign: the same magnitudes, mean zero like a
    fresh draw (for a lab whose honest fixes survive a shuffle that keeps a matrix's
    mean: a residual branch whose trained weights keep it mostly off stays off)."""
    shuffled = rng.permutation(matrix.reshape(-1))
    if signs:
        shuffled = shuffled * rng.choice(np.array([-1.0, 1.0]), matrix.size)
    return shuffled.reshape(matrix.shape)


def peak_share(matrix: np.ndarray) -> float:
    """Mean over the rows of the share of the row's squared weight held by its largest
    entry: 1 for an identity, a scaled permutation or any one-entry-per-row map; about
    0.1 to 0.2 for a 64-wide random or trained matrix."""
    squares = np.square(matrix.astype(np.float64))
    totals = squares.sum(axis=1)
    share = np.divide(squares.max(axis=1), totals, out=np.ones_like(totals), where=totals > 0)
    return float(share.mean())


def rank_one_share(matrix: np.ndarray) -> float:
    """The share of the matrix's squared weight in its largest singular value: 1 for a
    constant, rank-one or zero map; at most 0.25 for the labs' trained 64-wide layers."""
    s2 = np.square(np.linalg.svd(matrix.astype(np.float64), compute_uv=False))
    return float(s2[0] / s2.sum()) if s2.sum() > 0 else 1.0


def fixed_maps(matrices: list[np.ndarray], peak_max: float = 0.5,
               rank_one_max: float = 0.8) -> int:
    """How many of ``matrices`` are a fixed map rather than learned wiring: (close to) an
    identity or a scaled permutation (``peak_share`` above ``peak_max``), or (close to) a
    constant or rank-one map (``rank_one_share`` above ``rank_one_max``). Matrices with
    NaN or infinite weights are left to the lab's other checks."""
    return sum(peak_share(m) > peak_max or rank_one_share(m) > rank_one_max
               for m in matrices if m.size and np.isfinite(m).all())


def is_mask(matrix: np.ndarray, side: int) -> bool:
    """An attention mask kept as a buffer: (side, side), every entry 0, 1 or infinite, its
    open (or closed) entries a triangle. Only a triangle counts: an identity or a
    permutation is 0/1 too, and is an attention weight frozen at a fixed map, not a mask."""
    if matrix.shape != (side, side) or not np.all(np.isin(matrix, (0.0, 1.0))
                                                  | ~np.isfinite(matrix)):
        return False
    nonzero = matrix != 0
    ones = np.ones((side, side), dtype=bool)
    triangles = [np.tril(ones, k) for k in (-1, 0)] + [np.triu(ones, k) for k in (0, 1)]
    return any(np.array_equal(nonzero, t) or np.array_equal(~nonzero, t) for t in triangles)


def attention_matrices(rows: list[tuple[int, ...]], weights: np.ndarray, vocab: int,
                       heights: tuple[int, ...], mask_side: int) -> list[int] | None:
    """Indices of a transformer's attention-shaped matrices: 2-D tensors (j*d, d), j in
    ``heights``, d the width of the token embedding (the side shared by most tensors with
    a side of ``vocab``: the embedding and the head outvote a table beside them), masks
    (``is_mask``) left out. None when no tensor has a side of ``vocab``."""
    from collections import Counter

    widths = Counter(side for shape in rows if len(shape) == 2 and vocab in shape
                     for side in shape if side != vocab)
    if not widths:
        return None
    d = widths.most_common(1)[0][0]
    parts = tensors(weights, rows)
    return [i for i, shape in enumerate(rows)
            if len(shape) == 2 and shape[1] == d and shape[0] in [j * d for j in heights]
            and not is_mask(parts[i], mask_side)]
