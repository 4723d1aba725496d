"""Seeded motion windows from a fitness wristband, for small activity classifiers.

The band summarises each two-second window of its accelerometer and gyroscope as
24 features (per axis: mean, spread, energy in low and high frequency bands,
zero crossings), as magnitudes: every feature is zero or positive, about 1 on
average. A
window is one of six activities; each activity shows in several ways (wearers,
wrists, paces), so it is a few clouds in the 24 features, not one: a linear
model confuses the activities, a small MLP tells them apart well.

``windows(n, seed, cohort)`` returns ``(features, activities)``: float32 features
of shape ``(n, 24)`` (zero or positive) and int64 activity numbers in ``0..5`` (see ``ACTIVITIES``).
``random_cohort(world)`` draws a cohort of wearers: where each activity's clouds
sit and which activity is which, so a mapping learned elsewhere is wrong on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ACTIVITIES = ("walking", "running", "cycling", "stairs", "sitting", "lying")
N_ACTIVITIES = len(ACTIVITIES)
N_FEATURES = 24
CLOUDS_PER_ACTIVITY = 5

_SPREAD = 2.0  # cloud centres are uniform in [0, _SPREAD] per feature
_NOISE = 0.5  # standard deviation of a window around its cloud's centre


@dataclass(frozen=True)
class Cohort:
    """Each cloud's centre (30, 24) and the activity it belongs to (30,)."""

    centres: np.ndarray
    activities: np.ndarray


def random_cohort(world: int) -> Cohort:
    """A cohort drawn from ``world``: 30 clouds, five per activity."""
    rng = np.random.default_rng([world, 23])
    centres = rng.uniform(0.0, _SPREAD, size=(N_ACTIVITIES * CLOUDS_PER_ACTIVITY, N_FEATURES))
    return Cohort(centres, rng.permutation(np.repeat(np.arange(N_ACTIVITIES), CLOUDS_PER_ACTIVITY)))


TEAM_COHORT = random_cohort(0)


def windows(n: int, seed: int, cohort: Cohort = TEAM_COHORT) -> tuple[np.ndarray, np.ndarray]:
    """``n`` windows from clouds drawn at random: (features, activity numbers)."""
    rng = np.random.default_rng(seed)
    cloud = rng.integers(len(cohort.activities), size=n)
    features = np.abs(cohort.centres[cloud] + rng.normal(0.0, _NOISE, size=(n, N_FEATURES)))
    return features.astype(np.float32), cohort.activities[cloud].astype(np.int64)
