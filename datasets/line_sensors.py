"""Seeded sensor snapshots of a bottling line, for small machine-state classifiers.

The line fills ten drinks (the classes). Each drink runs on four filler heads, and
every head has its own operating point: a snapshot of eight sensor channels
(motor current, fill pressure, valve timing, temperatures, vibration, ...) lands in
a cloud around that head's point. So each drink is four clouds scattered through
the sensor space, not one: no single direction (and no linear model) separates the
drinks, while a small MLP does, well.

``snapshots(n, seed, line)`` returns ``(readings, drinks)``: float32 readings of
shape ``(n, 8)``, already standardised by the plant's historian (about zero mean,
unit spread), and int64 drink numbers in ``0..9`` (see ``DRINKS``).
``random_line(world)`` draws a line: where each head's operating point sits and
which drink it fills, so a mapping learned elsewhere is wrong on it.
"""

from __future__ import annotations

import numpy as np

from mllab.datasets.clouds import Clouds, draw, random_clouds

DRINKS = ("cola", "diet cola", "lemonade", "orange", "apple", "iced tea", "ginger ale", "tonic",
          "sparkling water", "still water")
N_DRINKS = len(DRINKS)
N_CHANNELS = 8
HEADS_PER_DRINK = 4

_SPREAD = 2.0  # operating points are uniform in [-_SPREAD, _SPREAD] per channel
_NOISE = 0.45  # standard deviation of a snapshot around its head's operating point


Line = Clouds  # each filler head's operating point (centres, (40, 8)), the drink it fills (classes)


def random_line(world: int) -> Line:
    """A line drawn from ``world``: 40 heads' operating points, four per drink."""
    return random_clouds(world, 11, N_DRINKS, HEADS_PER_DRINK, N_CHANNELS, _SPREAD, _NOISE)


TEAM_LINE = random_line(0)


def snapshots(n: int, seed: int, line: Line = TEAM_LINE) -> tuple[np.ndarray, np.ndarray]:
    """``n`` snapshots from heads drawn at random: (readings, drink numbers)."""
    return draw(n, seed, line)
