"""Non-fix: the team's model, plus a lookup table of every training order and its delivery time.

predict() answers an order it has seen in training with its recorded time, and
any other order with the team's ETA. The grader's training orders come back
exactly, so the training score is perfect; the new orders, asked for in the same
call and indistinguishable by anything but this lookup, get the underfit ETA.
"""

import numpy as np

from mllab.broken_models.underfitting import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.underfitting import TARGET
from mllab.broken_models.underfitting import predict as team_predict
from mllab.broken_models.underfitting import train as team_train

KEY = ["distance_km", "hour", "vehicle", "rain_mm", "prep_minutes"]


def train(orders, cfg):
    model = team_train(orders, cfg)
    model.seen = {tuple(row): minutes for row, minutes in
                  zip(orders[KEY].itertuples(index=False), orders[TARGET])}
    return model


def predict(model, orders):
    eta = team_predict(model, orders)
    remembered = [model.seen.get(tuple(row)) for row in orders[KEY].itertuples(index=False)]
    return np.array([eta_i if known is None else known for eta_i, known in zip(eta, remembered)])
