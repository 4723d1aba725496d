"""A seeded synthetic table of food deliveries: how many minutes from order to door?

Each row is one delivered order: the distance from restaurant to customer, the
hour the order was placed, the courier's vehicle, the rain at the time and the
kitchen's own preparation estimate, with ``minutes`` (the delivery time the app
measured) as the label.

The minutes are prep time, plus a wait for a free courier that peaks around
lunch and dinner, plus the ride: distance times a pace (minutes per km) that
depends on the vehicle and is slowed by rush-hour traffic and by rain, by
different amounts for each vehicle. So the hour matters twice a day and not in
between, and distance, rain and rush hour matter through the vehicle. A *world*
(``world(seed)``) fixes when the rushes peak, how long they make customers wait,
and each vehicle's pace and sensitivity to traffic and rain: cities differ, so
does a grading.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

TARGET = "minutes"
VEHICLES = ("bike", "scooter", "car")
NUMERIC = ["distance_km", "hour", "rain_mm", "prep_minutes"]
FEATURES = ["distance_km", "hour", "vehicle", "rain_mm", "prep_minutes"]
NOISE_MINUTES = 3.0  # what no model can predict: traffic lights, stairs, a lost courier


LUNCH_WIDTH, DINNER_WIDTH = 0.6, 0.9  # hours: how long each rush lasts


class World(NamedTuple):
    """One city's delivery dynamics."""

    lunch: float  # hour of the lunch peak
    dinner: float  # hour of the dinner peak
    rush_wait: float  # minutes waited for a free courier at a peak
    pace: dict  # vehicle -> minutes per km on a quiet, dry road
    traffic: dict  # vehicle -> how much a rush slows the ride (1.0: twice as slow)
    rain: dict  # vehicle -> how much the ride slows per log1p(mm) of rain


def world(seed: int) -> World:
    """The world drawn from ``seed``: peaks, waits, and each vehicle's pace and sensitivities."""
    rng = np.random.default_rng([seed, 2024])
    paces = rng.permutation([2.2, 3.0, 4.0]) * rng.uniform(0.9, 1.1, 3)
    return World(lunch=rng.uniform(11.0, 13.5), dinner=rng.uniform(18.0, 21.0),
                 rush_wait=rng.uniform(12.0, 20.0), pace=dict(zip(VEHICLES, paces)),
                 traffic=dict(zip(VEHICLES, rng.uniform(0.0, 1.5, 3))),
                 rain=dict(zip(VEHICLES, rng.uniform(0.0, 0.45, 3))))


def rush(hour: np.ndarray, w: World) -> np.ndarray:
    """How busy the city is at ``hour``: about 1 at the lunch and dinner peaks, 0 between."""
    return (np.exp(-0.5 * ((hour - w.lunch) / LUNCH_WIDTH) ** 2)
            + np.exp(-0.5 * ((hour - w.dinner) / DINNER_WIDTH) ** 2))


def expected_minutes(frame: pd.DataFrame, w: World) -> np.ndarray:
    """The mean delivery time of each order in world ``w`` (the label without its noise)."""
    busy = rush(frame["hour"].to_numpy(), w)
    vehicle = frame["vehicle"]
    pace = vehicle.map(w.pace).to_numpy()
    traffic = vehicle.map(w.traffic).to_numpy()
    rain = vehicle.map(w.rain).to_numpy()
    ride = (frame["distance_km"].to_numpy() * pace * (1 + traffic * busy)
            * (1 + rain * np.log1p(frame["rain_mm"].to_numpy())))
    return frame["prep_minutes"].to_numpy() + w.rush_wait * busy + ride


def deliveries(n_rows: int, seed: int | list[int], w: World | None = None) -> pd.DataFrame:
    """Return ``n_rows`` delivered orders of world ``w`` with the ``minutes`` label.

    ``seed`` is an int or a list of ints (as ``numpy.random.default_rng`` takes them);
    ``w`` defaults to the world drawn from ``seed``."""
    w = w or world(seed)
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "distance_km": np.round(np.exp(rng.normal(np.log(2.5), 0.45, n_rows)), 2),
        "hour": np.round(rng.uniform(10.0, 23.0, n_rows), 2),
        "vehicle": np.array(VEHICLES, dtype=object)[rng.choice(3, n_rows, p=[0.4, 0.35, 0.25])],
        "rain_mm": np.round(np.where(rng.random(n_rows) < 0.3, rng.exponential(4.0, n_rows),
                                     0.0), 1),
        "prep_minutes": np.round(rng.gamma(16.0, 0.75, n_rows), 1),
    })
    frame[TARGET] = np.round(expected_minutes(frame, w) + rng.normal(0, NOISE_MINUTES, n_rows), 1)
    return frame
