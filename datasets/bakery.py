"""A seeded synthetic bakery chain: daily demand per store, and the weeks that follow.

Every store sells to one city, so each day's weather (``temperature``, ``rain_mm``)
is the same in every store's row. Demand (units baked and sold) grows with warm,
dry days, weekends and a store's promotion weeks, drops on public holidays, drifts
slowly per store, and carries a city-wide shock each day (events, tourists, what
the weather forecast missed) that every store shares and that nobody can know a
month ahead. ``volatility`` scales that daily shock: 1.0 is the lab's story.

``bakery(...)`` returns the history (one row per store and day, with ``demand``),
the ``horizon`` days that follow it without ``demand`` (their weather, promotions
and holidays are planned, so known in advance), ``futures``: that many simulated
continuations of the same world (fresh daily shocks, same calendar and weather),
and ``expected``: the mean demand of each upcoming row, which only a simulator knows.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

START = "2023-01-02"
WEEKLY = np.array([0.0, -0.02, 0.0, 0.05, 0.2, 0.5, 0.35])  # log-demand effect, Mon..Sun
DAY_SHOCK = 0.2  # sd of the city-wide daily shock (log scale) at volatility 1.0
NOISE = 0.03  # default sd of each store's own daily noise (log scale), before Poisson counts


class Bakery(NamedTuple):
    history: pd.DataFrame  # date, store, temperature, rain_mm, promo, holiday, demand
    upcoming: pd.DataFrame  # the same columns for the next `horizon` days, without demand
    futures: np.ndarray  # (n_futures, len(upcoming)) demand in simulated continuations
    expected: np.ndarray  # mean demand of each upcoming row


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    values, innovations = np.zeros(n), rng.normal(0, sd, n)
    for i in range(1, n):
        values[i] = phi * values[i - 1] + innovations[i]
    return values


def bakery(n_stores: int, n_days: int, horizon: int, seed, volatility: float = 1.0,
           n_futures: int = 40, own_noise: float = NOISE) -> Bakery:
    """``n_days`` of history for ``n_stores`` stores, then ``horizon`` upcoming days.
    ``own_noise`` is the sd of each store's own daily shock (log scale)."""
    rng = np.random.default_rng(seed)
    total = n_days + horizon
    dates = pd.date_range(START, periods=total, freq="D")
    day_of_year, weekday = dates.day_of_year.to_numpy(), dates.day_of_week.to_numpy()
    temperature = 12 + 9 * np.sin(2 * np.pi * (day_of_year - 110) / 365.25) + _ar1(rng, total, 0.7, 2.0)
    rain = np.where(rng.random(total) < 0.35, rng.gamma(0.8, 6.0, total), 0.0)
    holiday = np.zeros(total, bool)
    holiday[rng.choice(total, total // 40, replace=False)] = True
    temperature_effect, rain_effect = rng.uniform(0.015, 0.03), rng.uniform(0.01, 0.03)
    promo_lift = rng.uniform(0.2, 0.4)
    size = np.exp(rng.normal(np.log(400), 0.4, n_stores))
    promo = np.zeros((n_stores, total), bool)
    for store in range(n_stores):
        for start in rng.choice(total, total // 30, replace=False):
            promo[store, start:start + 7] = True
    drift = np.cumsum(rng.normal(0, 0.004, (n_stores, total)), axis=1)
    known = (np.log(size)[:, None] + drift + WEEKLY[weekday][None]
             + temperature_effect * (temperature - 12) - rain_effect * rain
             + promo_lift * promo - 0.5 * holiday)  # log-demand before the day's shocks
    shock = DAY_SHOCK * volatility

    def demand(days: np.ndarray) -> np.ndarray:
        city = rng.normal(0, shock, len(days))
        own = rng.normal(0, own_noise, (n_stores, len(days)))
        return rng.poisson(np.exp(known[:, days] + city[None] + own))

    def frame(days: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({
            "date": np.tile(dates[days], n_stores),
            "store": np.repeat([f"S{s:02d}" for s in range(n_stores)], len(days)),
            "temperature": np.tile(temperature[days].round(1), n_stores),
            "rain_mm": np.tile(rain[days].round(1), n_stores),
            "promo": promo[:, days].ravel().astype(int),
            "holiday": np.tile(holiday[days].astype(int), n_stores)})

    past, ahead = np.arange(n_days), np.arange(n_days, total)
    history = frame(past)
    history["demand"] = demand(past).ravel()
    futures = np.stack([demand(ahead).ravel() for _ in range(n_futures)])
    expected = np.exp(known[:, ahead] + (shock ** 2 + own_noise ** 2) / 2).ravel()
    return Bakery(history, frame(ahead), futures.astype(float), expected)
