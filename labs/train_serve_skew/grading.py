"""Grading for train_serve_skew: one model, saved once, then served and batch-scored apart.

``make_split`` and ``measure`` run in the grading process; ``harness`` runs in the
sandbox with the submission and never sees whether an order was late.

Each seed takes three fresh sandboxed runs that share nothing but what this process
hands them: ``fit`` trains on the historical orders and returns the model pickled,
as the service would load it from disk (an opaque byte array; only the sandboxed
runs unpickle it); ``serve`` loads it and sends every request through ``serve()``,
one JSON body at a time; ``batch`` loads it and scores the same orders as one table
with ``predict_batch()``. Neither path can see or remember the other's calls.

The requests are production orders picked per slice (complete orders, each field
that can be missing, the new city, the new cuisine; a missing field is left out or
null), so that a failure confined to one kind of request cannot hide in a
whole-set average. Agreement and calibration are judged on the worst slice;
calibration compares a slice's mean live P(late) with its orders' real risk (the
probabilities their labels were drawn with: without the noise of a few dozen labels).
Per-slice calibration is what stops a pair of paths that agree on inputs that lost
information: a model trained on the service's own vectors (train_on_served_vectors)
agrees everywhere and ranks well, but the service writes a missing field as 0, so
orders missing the idle-courier count score 0.17-0.28 too high and those missing the
preparation time 0.11-0.18 too low (20 random seed pairs, lab.toml), while every other
slice, the mixed "left out"/"null" ones included (there the two errors cancel), stays
within 0.07.
"""

from __future__ import annotations

import json

import numpy as np
from sklearn.metrics import roc_auc_score

from mllab.datasets.deliveries import CATEGORICAL, COLUMNS, NUMERIC, TARGET, orders, requests
from mllab.graders import Carry, Split, Stage

TRAIN_ROWS = 20_000
POOL_ROWS = 4_000  # production orders the requests are picked from
PER_SLICE = 30  # orders picked for each kind below (complete orders: COMPLETE): 240 in all,
COMPLETE = 60  # as serve() is called once per order: the slow part of grading
MAY_BE_MISSING = ("prep_minutes", "rain_mm", "idle_couriers", "cuisine")
MAY_BE_NEW = ("city", "cuisine")
TOLERANCE = 1e-3  # |live - batch| in probability that still counts as the same score


def make_split(train_seed: int, eval_seed: int) -> Split:
    history = orders(TRAIN_ROWS, train_seed)
    known = {field: set(history[field].dropna()) for field in CATEGORICAL}
    live = _picked(orders(POOL_ROWS, eval_seed, production=True, risk=True), known, eval_seed)
    table = live[COLUMNS].reset_index(drop=True)
    bodies = requests(table, eval_seed)
    slices = _slices(table, bodies, known)
    truth = {"late": live[TARGET].to_numpy(), "risk": live["risk"].to_numpy(), "slices": slices}
    return Split(truth=truth, stages=(
        Stage("fit", {"train": history}, outputs=("model",)),  # entry: harness()
        Stage("serve", {"model": Carry("model"), "requests": bodies,
                        "notes": [_note(body, known) for body in bodies]},
              outputs=("served",), entry="serve_each"),
        Stage("batch", {"model": Carry("model"), "table": table}, outputs=("batch",),
              entry="score_table"),
    ))


def _unusual(frame, known: dict) -> dict[str, np.ndarray]:
    """Per kind of unusual order, which rows of ``frame`` are of that kind."""
    kinds = {f"{field}_missing": frame[field].isna().to_numpy() for field in MAY_BE_MISSING}
    kinds.update({f"new_{field}": (frame[field].notna() & ~frame[field].isin(known[field]))
                  .to_numpy() for field in MAY_BE_NEW})
    return kinds


def _picked(pool, known: dict, seed: int):
    """``PER_SLICE`` orders of each unusual kind and ``COMPLETE`` ordinary ones, shuffled."""
    rng = np.random.default_rng([seed, 7])
    kinds = _unusual(pool, known)
    ordinary = ~np.any(list(kinds.values()), axis=0)
    chosen: list[int] = []
    for rows, count in [(mask, PER_SLICE) for mask in kinds.values()] + [(ordinary, COMPLETE)]:
        free = np.setdiff1d(np.flatnonzero(rows), chosen)
        chosen.extend(rng.choice(free, count, replace=False))
    return pool.iloc[rng.permutation(chosen)]


def _slices(table, bodies: list[dict], known: dict) -> dict[str, np.ndarray]:
    """Slice name -> which requests belong to it (a request may be in several)."""
    slices = _unusual(table, known)
    slices["complete"] = ~np.any(list(slices.values()), axis=0)
    fields = CATEGORICAL + NUMERIC
    slices["left_out"] = np.array([any(f not in body for f in fields) for body in bodies])
    slices["null"] = np.array([any(body.get(f, 0) is None for f in fields) for body in bodies])
    return slices


def _note(body: dict, known: dict) -> str:
    """What is unusual about a request, for an error message naming it."""
    unusual = [f"{field} {body[field]!r} never appears in the training orders"
               for field in CATEGORICAL
               if body.get(field) is not None and body[field] not in known[field]]
    unusual += [f"'{field}' left out" for field in CATEGORICAL + NUMERIC if field not in body]
    unusual += [f"'{field}' is null" for field in CATEGORICAL + NUMERIC
                if field in body and body[field] is None]
    about = f" ({'; '.join(unusual)})" if unusual else ""
    return f"{about}: {json.dumps(body)}"


def per_slice(served: np.ndarray, batch: np.ndarray, truth: dict) -> dict[str, dict]:
    """Per slice: the share of requests whose two scores agree, and the calibration gap."""
    same = np.abs(served - batch) <= TOLERANCE
    risk = truth["risk"]
    return {name: {"agreement": float(same[rows].mean()),
                   "gap": float(abs(served[rows].mean() - risk[rows].mean()))}
            for name, rows in truth["slices"].items()}


def measure(outputs, truth: dict) -> dict[str, float]:
    late = truth["late"]
    served = outputs.array("served", len(late), kind="probability", what="serve()")
    batch = outputs.array("batch", len(late), kind="probability", what="predict_batch()")
    slices = per_slice(served, batch, truth).values()
    return {
        "agreement": min(s["agreement"] for s in slices),
        "live_auc": float(roc_auc_score(late, served)),
        "batch_auc": float(roc_auc_score(late, batch)),
        "calibration_gap": max(s["gap"] for s in slices),
    }


def evidence(outputs, split: Split) -> dict:
    """For ``mllab diagnose``: the same orders scored by serve() and by predict_batch()."""
    n = len(split.truth["late"])
    return {"paths": ("serve(), one request at a time", outputs.array("served", n),
                      "predict_batch() on the same orders", outputs.array("batch", n))}
