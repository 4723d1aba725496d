"""A seeded synthetic table of returned-parcel photos, labelled by two annotation teams.

One row per parcel photo: ``PC1``..``PC7``, the first principal components of the
photo's image embedding, and ``damaged`` (1 = the parcel arrived damaged), the label
an annotator gave after looking at the photo. ``labelled_by`` says which team did:
``"inhouse"`` (the returns desk's own QA staff, 40% of the rows) or ``"vendor"`` (an
outside annotation vendor, 60%). Whether a parcel really is damaged follows its
photo almost deterministically (a careful inspector agrees with it about 97% of
the time).

The vendor's labellers marked damage only when a box was torn open: a share of the
dented and crushed parcels they saw (``VENDOR_MISS`` of the damaged ones) went into
the table as ``damaged = 0``. The misses do not depend on the photo, so no feature
singles them out; only the label is wrong. ``inspected`` draws parcels that were
checked by hand at the returns desk: their labels are the truth.

Which components carry the damage signal, and with which sign, is the data set's
*world* (a new photo embedding reorders and flips its components): ``world=None`` is
the team's, ``world=k`` draws another from ``k``. Every world has the same share of
damage, the same difficulty and the same vendor misses.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

FEATURES = [f"PC{i}" for i in range(1, 8)]
TARGET = "damaged"
SOURCE = "labelled_by"

VENDOR_SHARE = 0.6  # share of the photos the outside vendor labelled
VENDOR_MISS = 0.6  # share of the damaged parcels the vendor labelled as intact
_SHARPNESS = 10.0  # how deterministic damage is given the photo (about 97% agreement)
_LINEAR = np.array([1.2, 0.9, -0.7, 0.6, 0.0, 0.0, 0.0])  # the team's world, components 1-4
_CURVATURE = 0.4  # weight of the two nonlinear terms (components 5, 6 and 7)


class Labelled(NamedTuple):
    """A labelled table and which of its labels the vendor got wrong (the grader's truth)."""

    frame: pd.DataFrame
    flipped: np.ndarray  # bool per row: damaged, labelled intact by the vendor


def world_weights(world: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(weights, order)``: the linear weights per component and which components play
    the roles of the nonlinear terms, in ``world``."""
    if world is None:
        return _LINEAR.copy(), np.arange(len(FEATURES))
    rng = np.random.default_rng([world, 0x9A7C])
    order = rng.permutation(len(FEATURES))
    weights = np.zeros(len(FEATURES))
    weights[order[:4]] = np.abs(_LINEAR[:4]) * rng.choice([-1.0, 1.0], 4)
    return weights, order


def damage_score(X: np.ndarray, world: int | None = None) -> np.ndarray:
    """The true log-odds scale of damage (before sharpening) for component matrix ``X``."""
    weights, order = world_weights(world)
    a, b, c = order[4], order[5], order[6]
    return X @ weights + _CURVATURE * (X[:, a] ** 2 - 1) + _CURVATURE * X[:, b] * X[:, c]


def _draw(n_rows: int, seed, world: int | None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_rows, len(FEATURES)))
    p = 1.0 / (1.0 + np.exp(-_SHARPNESS * damage_score(X, world)))
    damaged = rng.random(n_rows) < p
    vendor = rng.random(n_rows) < VENDOR_SHARE
    flipped = damaged & vendor & (rng.random(n_rows) < VENDOR_MISS)
    frame = pd.DataFrame(X, columns=FEATURES)
    frame[SOURCE] = np.where(vendor, "vendor", "inhouse")
    return frame, damaged, flipped


def photos(n_rows: int, seed, world: int | None = None) -> Labelled:
    """``n_rows`` annotated photos of ``world``, with the labels as the annotators gave them."""
    frame, damaged, flipped = _draw(n_rows, seed, world)
    frame[TARGET] = (damaged & ~flipped).astype(np.int64)
    return Labelled(frame, flipped)


def inspected(n_rows: int, seed, world: int | None = None) -> pd.DataFrame:
    """``n_rows`` parcels of ``world`` inspected by hand at the returns desk: true labels."""
    frame, damaged, _ = _draw(n_rows, seed, world)
    frame = frame.drop(columns=SOURCE)  # nobody annotated these: the desk checked them
    frame[TARGET] = damaged.astype(np.int64)
    return frame
