"""A seeded synthetic food-delivery data set: will an order arrive late?

Each row is one order with numeric fields (distance, basket value, items,
kitchen preparation estimate, idle couriers nearby, rain) and categorical ones
(city, courier vehicle, cuisine). Distance and basket value are log-normal, so
their effect on lateness is close to linear in ``log1p``; more idle couriers
nearby make lateness less likely, every other numeric field more likely. About 40% of
orders are late.

``orders(..., production=True)`` draws orders as the live service sees them: a
newly launched city and cuisine that training data never contains, and more
fields missing (the kitchen, dispatch or weather feed did not answer). ``requests``
turns such a table into the JSON bodies the app sends: fields in the app's own
order, and a missing field either left out or sent as ``null``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TARGET = "late"
CATEGORICAL = ["city", "vehicle", "cuisine"]
NUMERIC = ["distance_km", "basket_eur", "n_items", "prep_minutes", "idle_couriers", "rain_mm"]
COLUMNS = ["order_id", *CATEGORICAL, *NUMERIC]  # the warehouse table, without the label
APP_FIELDS = ["order_id", "cuisine", "basket_eur", "n_items", "city", "distance_km",
              "vehicle", "idle_couriers", "prep_minutes", "rain_mm"]  # the app's JSON order

# Effect on the log-odds of lateness. New levels only appear in production; their effect is
# close to an average known level's, so a model that gives an unseen level no column of
# its own is about right on them (as right as any model can be without seeing them).
_CITY = {"Lisbon": 0.9, "Porto": 0.4, "Braga": -0.3, "Coimbra": -0.7, "Faro": -1.1}
_NEW_CITY = ("Aveiro", -0.1)
_VEHICLE = {"bike": 0.6, "scooter": 0.0, "car": -0.6}
_CUISINE = {"pizza": -0.2, "burger": -0.5, "sushi": 0.5, "indian": 0.6, "thai": 0.3,
            "salad": -0.7, "bakery": -0.9}
_NEW_CUISINE = ("poke", -0.1)
_NEW_SHARE = 0.05  # share of production orders from the new city (and, apart, cuisine)

# Share of values missing, per field: (training, production).
_MISSING = {"prep_minutes": (0.03, 0.06), "rain_mm": (0.02, 0.05),
            "idle_couriers": (0.0, 0.05), "cuisine": (0.0, 0.05)}


def _levels(rng: np.random.Generator, effects: dict, n: int, new: tuple | None) -> tuple:
    """Draw ``n`` category labels and their effects; ``new`` adds an unseen level."""
    names = list(effects)
    weights = np.linspace(1.6, 0.6, len(names))
    picked = np.array(names, dtype=object)[rng.choice(len(names), n, p=weights / weights.sum())]
    effect = np.array([effects[name] for name in picked])
    if new is not None:
        fresh = rng.random(n) < _NEW_SHARE
        picked[fresh], effect[fresh] = new
    return picked, effect


def lateness_logit(frame: pd.DataFrame, category_effect: np.ndarray) -> np.ndarray:
    """The true log-odds of lateness given complete features."""
    return (-1.1 + category_effect
            + 1.8 * (np.log1p(frame["distance_km"]) - 1.4)
            + 0.9 * (np.log1p(frame["basket_eur"]) - 3.2)
            + 0.08 * (frame["n_items"] - 3)
            + 0.09 * (frame["prep_minutes"] - 15)
            - 0.45 * (frame["idle_couriers"] - 3)
            + 0.8 * np.log1p(frame["rain_mm"])).to_numpy()


def orders(n_rows: int, seed: int, production: bool = False, risk: bool = False) -> pd.DataFrame:
    """Return ``n_rows`` orders with the ``late`` label (1 = arrived late).

    ``risk=True`` adds the ``risk`` column: the probability the label was drawn with,
    from the complete order (before any field went missing).
    """
    rng = np.random.default_rng(seed)
    city, city_effect = _levels(rng, _CITY, n_rows, _NEW_CITY if production else None)
    vehicle, vehicle_effect = _levels(rng, _VEHICLE, n_rows, None)
    cuisine, cuisine_effect = _levels(rng, _CUISINE, n_rows, _NEW_CUISINE if production else None)
    basket = np.round(np.exp(rng.normal(3.2, 0.6, n_rows)), 2)
    frame = pd.DataFrame({
        "order_id": np.arange(n_rows) + (10**7 if production else 0) + seed % 1000 * 10**4,
        "city": city, "vehicle": vehicle, "cuisine": cuisine,
        "distance_km": np.round(np.exp(rng.normal(1.1, 0.6, n_rows)), 2),
        "basket_eur": basket,
        "n_items": 1 + rng.poisson(basket / 12.0),
        "prep_minutes": np.round(rng.gamma(6.0, 2.5, n_rows), 1),
        "idle_couriers": rng.poisson(3.0, n_rows).astype(float),
        "rain_mm": np.round(np.where(rng.random(n_rows) < 0.25, rng.exponential(3.0, n_rows), 0.0), 1),
    })
    logit = lateness_logit(frame, city_effect + vehicle_effect + cuisine_effect)
    probability = 1 / (1 + np.exp(-logit))
    frame[TARGET] = (rng.random(n_rows) < probability).astype(np.int64)
    if risk:
        frame["risk"] = probability
    for column, shares in _MISSING.items():
        gone = rng.random(n_rows) < shares[int(production)]
        frame[column] = frame[column].astype(float) if column in NUMERIC else frame[column]
        frame.loc[gone, column] = np.nan
    return frame


def requests(table: pd.DataFrame, seed: int) -> list[dict]:
    """The app's JSON bodies for ``table``: a missing field is left out or sent as null."""
    rng = np.random.default_rng(seed)
    bodies = []
    for row in table[APP_FIELDS].itertuples(index=False):
        body = {}
        for name, value in zip(APP_FIELDS, row):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                if rng.random() < 0.5:
                    continue
                value = None
            elif name in ("order_id", "n_items"):
                value = int(value)
            elif name in NUMERIC:
                value = float(value)
            body[name] = value
        bodies.append(body)
    return bodies
