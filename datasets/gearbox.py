"""Seeded vibration recordings of a wind farm's gearboxes, for small fault classifiers.

Each recording is summarised as 16 band energies of its vibration spectrum (log
scale, standardised by the condition-monitoring system: about zero mean, unit
spread). A gearbox is healthy or has one of seven faults; each condition shows in
several ways (the fault's stage, the load the turbine ran at), so it is a few
clouds in the 16 bands, not one: a linear model confuses the conditions, a small
MLP tells them apart well. The clouds overlap a little, so even a perfect model
misses a few recordings and its cross-entropy stays a little above zero.

``recordings(n, seed, farm)`` returns ``(bands, conditions)``: float32 bands of
shape ``(n, 16)`` and int64 condition numbers in ``0..7`` (see ``CONDITIONS``).
``random_farm(world)`` draws a farm: where each condition's clouds sit and which
condition is which, so a mapping learned elsewhere is wrong on it.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.clouds import Clouds, draw, random_clouds

CONDITIONS = ("healthy", "gear tooth wear", "gear tooth crack", "bearing inner race",
              "bearing outer race", "bearing cage", "shaft misalignment", "shaft imbalance")
N_CONDITIONS = len(CONDITIONS)
N_BANDS = 16
CLOUDS_PER_CONDITION = 4

_SPREAD = 1.0  # cloud centres are uniform in [-_SPREAD, _SPREAD] per band
_NOISE = 0.45  # standard deviation of a recording around its cloud's centre


Farm = Clouds  # each cloud's centre (centres, (32, 16)), the condition it belongs to (classes)


def random_farm(world: int) -> Farm:
    """A farm drawn from ``world``: 32 clouds, four per condition."""
    return random_clouds(world, 17, N_CONDITIONS, CLOUDS_PER_CONDITION, N_BANDS, _SPREAD, _NOISE)


TEAM_FARM = random_farm(0)


def recordings(n: int, seed: int, farm: Farm = TEAM_FARM) -> tuple[np.ndarray, np.ndarray]:
    """``n`` recordings from clouds drawn at random: (band energies, condition numbers)."""
    return draw(n, seed, farm)
