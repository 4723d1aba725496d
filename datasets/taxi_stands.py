"""A seeded stand-in for taxi pick-up positions around the stands of a ring road.

Eight taxi stands sit on a ring road; each pick-up is logged at its stand's
position plus a small GPS scatter. A *city* (the ring's radius, its rotation,
each stand's exact place and the scatter) is drawn from one seed, the pick-ups
from another, so a generator must learn the stands from the pick-ups it is given:
no fixed set of positions is right for two cities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_STANDS = 8


@dataclass(frozen=True)
class City:
    """Where the stands are (``stands``: (8, 2) positions) and the GPS scatter around them."""

    stands: np.ndarray
    scatter: float

    @property
    def radius(self) -> float:
        return float(np.linalg.norm(self.stands, axis=1).mean())


def city(seed: int) -> City:
    """A ring of 8 stands: radius 1.6-2.4, any rotation, each stand nudged a little."""
    rng = np.random.default_rng([seed, 8])
    radius = rng.uniform(1.6, 2.4)
    angles = (rng.uniform(0, 2 * np.pi) + np.arange(N_STANDS) * 2 * np.pi / N_STANDS
              + rng.uniform(-0.12, 0.12, N_STANDS))
    radii = radius * rng.uniform(0.92, 1.08, N_STANDS)
    stands = np.c_[radii * np.cos(angles), radii * np.sin(angles)]
    return City(stands=stands, scatter=0.05 * radius)


def pickups(n_rows: int, seed: int, where: City) -> np.ndarray:
    """``n_rows`` pick-up positions (float32, shape (n_rows, 2)), stands equally busy."""
    rng = np.random.default_rng(seed)
    stand = rng.integers(N_STANDS, size=n_rows)
    points = where.stands[stand] + rng.normal(0.0, where.scatter, (n_rows, 2))
    return points.astype(np.float32)
