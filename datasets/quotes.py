"""A seeded synthetic table of car-insurance quotes: did the visitor buy the policy?

One row per quote an online insurer gave: when (``quoted_at``), the premium, how
far it sits above the cheapest competitor's (``price_gap_pct``), the driver's age,
the car's value, past claims, and the channel the visitor came through; ``bought``
= 1 when the visitor bought the policy within a week.

A *world* is one market's history. On its change day the market moves, in two
ways at once (both drawn per world, so that no column or direction is special):

- the quotes change (covariate shift): one column's distribution moves (its
  centre up or down, its spread wider or narrower) or the channel mix tilts
  towards one channel;
- who buys changes (concept shift): two or three of the drivers of buying
  reverse their effect, and the channels trade their effects (a broker partnership
  for drivers with past claims, for instance, brings buyers the old market never
  had).

``world(seed)`` draws one; ``world(seed, drifted=False)`` draws one whose market
never moves (the same calendar and columns), the control a drift check must not
flag. ``quotes(world, n_rows, first_day, last_day, seed)`` draws quotes with
dates spread evenly over ``[first_day, last_day)`` (day 0 is ``START``), each
from the regime of its day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

START = pd.Timestamp("2025-01-06")
NUMERIC = ["premium", "price_gap_pct", "driver_age", "car_value", "prior_claims"]
CHANNELS = ("comparison_site", "direct", "broker")
CATEGORICAL = ["channel"]
FEATURES = NUMERIC + CATEGORICAL
TARGET = "bought"

_CHANNEL_SHARE = np.array([0.5, 0.35, 0.15])
_CHANNEL_EFFECT = np.array([-0.3, 0.4, 0.2])
# log-odds of buying per standard deviation of each column's latent driver (old regime)
_WEIGHTS = np.array([-0.8, -1.0, 0.8, 0.8, -0.8])
_BASE_LOGIT = -1.1  # about a third of the quotes are bought
_KINDS = ("centre", "spread", "mix")
_SHIFTABLE = NUMERIC[:4]  # claim counts (mostly 0 or 1) hide a change of their driver


@dataclass(frozen=True)
class World:
    """One market: when it changed, and how."""

    change_day: int  # first day of the new regime (days since START)
    shifted: str  # the column whose distribution moves ("channel": the mix tilts)
    kind: str  # "centre", "spread" or "mix"
    size: float  # centre: shift in standard deviations; spread: factor; mix: share moved
    toward: int  # mix: the channel that gains the share
    reversed: tuple  # the columns whose effect on buying reverses
    channels: tuple  # the new regime's effect of each channel on buying
    drifted: bool = True


def world(seed, drifted: bool = True, change_day: int | None = None,
          kind: str | None = None) -> World:
    """A market drawn from ``seed``; ``drifted=False``: one that never moves; ``kind``:
    how its quotes change (default: drawn too)."""
    rng = np.random.default_rng([*np.atleast_1d(seed), 42])
    drawn = str(rng.choice(_KINDS, p=[0.45, 0.3, 0.25]))
    kind = kind or drawn
    shifted = "channel" if kind == "mix" else str(rng.choice(_SHIFTABLE))
    size = {"centre": rng.choice([-1, 1]) * rng.uniform(0.45, 0.8),
            "spread": float(rng.choice([rng.uniform(0.45, 0.6), rng.uniform(1.6, 2.0)])),
            "mix": rng.uniform(0.3, 0.45)}[kind]
    return World(change_day=int(rng.integers(450, 500)) if change_day is None else change_day,
                 shifted=shifted, kind=kind, size=float(size), toward=int(rng.integers(3)),
                 reversed=tuple(str(c) for c in rng.choice(NUMERIC, rng.integers(2, 4), replace=False)),
                 channels=tuple(float(e) for e in rng.permutation(_CHANNEL_EFFECT)), drifted=drifted)


def _latents(world: World, new: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """Standard-normal drivers per numeric column, and channel indices, regime by row."""
    z = rng.standard_normal((len(new), len(NUMERIC)))
    share = np.tile(_CHANNEL_SHARE, (len(new), 1))
    if world.drifted:
        if world.kind == "centre":
            z[new, NUMERIC.index(world.shifted)] += world.size
        elif world.kind == "spread":
            z[new, NUMERIC.index(world.shifted)] *= world.size
        else:
            tilted = _CHANNEL_SHARE * (1 - world.size)
            tilted[world.toward] += world.size
            share[new] = tilted
    channel = (rng.random(len(new))[:, None] > np.cumsum(share, axis=1)).sum(axis=1)
    return z, np.minimum(channel, len(CHANNELS) - 1)


def buy_logit(world: World, z: np.ndarray, channel: np.ndarray, new: np.ndarray) -> np.ndarray:
    """True log-odds of buying, from the latent drivers and the regime of each row."""
    weights = np.tile(_WEIGHTS, (len(z), 1))
    effect = np.tile(_CHANNEL_EFFECT, (len(z), 1))
    if world.drifted:
        for column in world.reversed:
            weights[new, NUMERIC.index(column)] *= -1.5
        effect[new] = world.channels
    age = z[:, NUMERIC.index("driver_age")]
    return (_BASE_LOGIT + (weights * z).sum(axis=1) + effect[np.arange(len(z)), channel]
            - 0.35 * (age ** 2 - 1)  # the youngest and oldest drivers buy least
            - 0.5 * (channel == 0) * z[:, NUMERIC.index("price_gap_pct")])  # price shoppers


def quotes(world: World, n_rows: int, first_day: float, last_day: float, seed,
           risk: bool = False) -> pd.DataFrame:
    """``n_rows`` quotes dated evenly over ``[first_day, last_day)``, oldest first;
    ``risk=True`` adds ``probability``, the chance of buying each label was drawn with."""
    rng = np.random.default_rng([*np.atleast_1d(seed), 25])
    days = np.sort(rng.uniform(first_day, last_day, n_rows))
    new = days >= world.change_day
    z, channel = _latents(world, new, rng)
    frame = pd.DataFrame({
        "quoted_at": START + pd.to_timedelta(np.round(days * 86_400), unit="s"),
        "premium": np.round(650 * np.exp(0.35 * z[:, 0]), 2),
        "price_gap_pct": np.round(6 + 9 * z[:, 1], 1),
        "driver_age": np.clip(np.round(45 + 13 * z[:, 2]), 18, 90).astype(np.int64),
        "car_value": np.round(18_000 * np.exp(0.45 * z[:, 3]), -2),
        "prior_claims": rng.poisson(0.35 * np.exp(0.7 * z[:, 4])),
        "channel": np.array(CHANNELS)[channel],
    })
    probability = 1 / (1 + np.exp(-buy_logit(world, z, channel, new)))
    frame[TARGET] = (rng.random(n_rows) < probability).astype(np.int64)
    if risk:
        frame["probability"] = probability
    return frame
