"""Non-fix: no learning at all: the delivery-time formula of the lab's generator, typical city.

Read from ``mllab.datasets.delivery_times``: prep time, plus a wait that peaks at
lunch and dinner, plus distance times a pace slowed by rush hour and rain, with
the middle of each range the generator draws a city's values from. But every
grading draws its own city (when the rushes peak, which vehicle is fastest, what
rain and traffic do to each), and only the orders train() is given tell which.
"""

import numpy as np

from mllab.broken_models.underfitting import *  # noqa: F403 - the team's code, unchanged

LUNCH, DINNER, RUSH_WAIT = 12.25, 19.5, 16.0
PACE, TRAFFIC, RAIN = 3.07, 0.75, 0.22


def train(orders, cfg):
    return "a formula needs no training"


def predict(model, orders):
    hour = orders["hour"].to_numpy()
    busy = np.exp(-0.5 * ((hour - LUNCH) / 0.6) ** 2) + np.exp(-0.5 * ((hour - DINNER) / 0.9) ** 2)
    ride = (orders["distance_km"].to_numpy() * PACE * (1 + TRAFFIC * busy)
            * (1 + RAIN * np.log1p(orders["rain_mm"].to_numpy())))
    return orders["prep_minutes"].to_numpy() + RUSH_WAIT * busy + ride
