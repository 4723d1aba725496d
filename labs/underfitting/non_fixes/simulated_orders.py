"""Non-fix: the gradient-boosting fix, trained on 20,000 orders simulated for a typical city.

More data and a flexible model, but not the city's data: train() ignores its
orders, simulates its own with city_formula's delivery-time formula (the lab
generator's, with the middle of each of its ranges) plus noise, and fits those.
Every grading draws its own cities, so the model learned another city's rush
hours and vehicles.
"""

import numpy as np
import pandas as pd

from mllab.labs.underfitting.fixes.gradient_boosting import *  # noqa: F403 - the fix's model
from mllab.labs.underfitting.fixes.gradient_boosting import train as boosted_train
from mllab.labs.underfitting.non_fixes.city_formula import predict as formula

SIMULATED_ROWS = 20_000


def simulated_orders(n_rows, seed):
    rng = np.random.default_rng(seed)
    orders = pd.DataFrame({
        "distance_km": np.exp(rng.normal(np.log(2.5), 0.45, n_rows)),
        "hour": rng.uniform(10.0, 23.0, n_rows),
        "vehicle": rng.choice(["bike", "scooter", "car"], n_rows, p=[0.4, 0.35, 0.25]),
        "rain_mm": np.where(rng.random(n_rows) < 0.3, rng.exponential(4.0, n_rows), 0.0),
        "prep_minutes": rng.gamma(16.0, 0.75, n_rows),
    })
    orders["minutes"] = formula(None, orders) + rng.normal(0, 3.0, n_rows)
    return orders


def train(orders, cfg):
    return boosted_train(simulated_orders(SIMULATED_ROWS, cfg.seed + 1), cfg)
