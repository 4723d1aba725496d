"""Labelled Gaussian clouds: the generator behind the gearbox and bottling-line data.

Each class is a few clouds scattered through the feature space, so no single
direction (and no linear model) separates the classes, while a small MLP does.
``random_clouds`` draws where the clouds sit and which class each belongs to;
``draw`` samples points from clouds picked at random, standardised to about zero mean
and unit spread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Clouds:
    """Each cloud's centre (clouds, features) and the class it belongs to (clouds,)."""

    centres: np.ndarray
    classes: np.ndarray
    spread: float  # centres are uniform in [-spread, spread] per feature
    noise: float  # standard deviation of a point around its cloud's centre


def random_clouds(world: int, salt: int, n_classes: int, per_class: int, n_features: int,
                  spread: float, noise: float) -> Clouds:
    """``per_class`` clouds for each of ``n_classes`` classes, drawn from ``world``."""
    rng = np.random.default_rng([world, salt])
    centres = rng.uniform(-spread, spread, size=(n_classes * per_class, n_features))
    return Clouds(centres, rng.permutation(np.repeat(np.arange(n_classes), per_class)),
                  spread, noise)


def draw(n: int, seed: int, clouds: Clouds) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points from clouds picked at random: float32 features, int64 classes."""
    rng = np.random.default_rng(seed)
    cloud = rng.integers(len(clouds.classes), size=n)
    points = clouds.centres[cloud] + rng.normal(0.0, clouds.noise,
                                                size=(n, clouds.centres.shape[1]))
    points /= np.sqrt(clouds.spread ** 2 / 3 + clouds.noise ** 2)
    return points.astype(np.float32), clouds.classes[cloud].astype(np.int64)
