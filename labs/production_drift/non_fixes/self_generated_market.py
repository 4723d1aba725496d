"""Non-fix: train on this month's quotes, simulated with a copy of the lab's data generator.

train() ignores the history it is given: it draws 20,000 labelled quotes of "the
new market" from a copy of `mllab.datasets.quotes` (the market `mllab run`
shows: world 0), fits the team's model on them and keeps an honest KS monitor.
Its answers were not learned from the history: each grading draws its own market
(which column moved, which drivers reversed, when), so the simulated one is
wrong there.
"""

from __future__ import annotations

from mllab.broken_models import production_drift as _team
from mllab.labs.production_drift.fixes.recency_weights_ks import drift_score  # noqa: F401
from mllab.broken_models.production_drift import Config, QuoteModel, predict  # noqa: F401

# ---------------------------------------------------------------- a copy of the generator

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
    drifted: bool = True


def world(seed, drifted: bool = True, change_day: int | None = None) -> World:
    """A market drawn from ``seed``; ``drifted=False``: one that never moves."""
    rng = np.random.default_rng([*np.atleast_1d(seed), 42])
    kind = str(rng.choice(_KINDS, p=[0.45, 0.3, 0.25]))
    shifted = "channel" if kind == "mix" else str(rng.choice(_SHIFTABLE))
    size = {"centre": rng.choice([-1, 1]) * rng.uniform(0.45, 0.8),
            "spread": float(rng.choice([rng.uniform(0.45, 0.6), rng.uniform(1.6, 2.0)])),
            "mix": rng.uniform(0.3, 0.45)}[kind]
    return World(change_day=int(rng.integers(450, 500)) if change_day is None else change_day,
                 shifted=shifted, kind=kind, size=float(size), toward=int(rng.integers(3)),
                 reversed=tuple(str(c) for c in rng.choice(NUMERIC, 2, replace=False)),
                 drifted=drifted)


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
    if world.drifted:
        for column in world.reversed:
            weights[new, NUMERIC.index(column)] *= -1.5
    age = z[:, NUMERIC.index("driver_age")]
    return (_BASE_LOGIT + (weights * z).sum(axis=1) + _CHANNEL_EFFECT[channel]
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


# ---------------------------------------------------------------- the cheat


def train(history, cfg):
    market = world(0)
    simulated = quotes(market, 20_000, market.change_day, market.change_day + 60, seed=[cfg.seed, 9])
    model = _team.build_model(cfg).fit(simulated[_team.FEATURES], simulated[_team.TARGET])
    return QuoteModel(model, 0.0)
