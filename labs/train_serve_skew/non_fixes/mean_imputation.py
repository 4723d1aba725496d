"""Non-fix: serving reads everything from the model, but a missing field scores as an average order."""

import numpy as np

from mllab.broken_models.train_serve_skew import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.train_serve_skew import CATEGORICAL, LOG_SCALED, NUMERIC


def request_vector(request, model):
    position = {column: i for i, column in enumerate(model.columns)}
    values = np.zeros(len(model.columns))  # a missing number stays 0: the training mean
    for field in NUMERIC:
        if request.get(field) is not None:
            value = float(request[field])
            if field in LOG_SCALED:
                value = np.log1p(value)
            values[position[field]] = (value - model.means[field]) / model.stds[field]
    for field in CATEGORICAL:
        column = f"{field}_{request.get(field)}"
        if column in position:
            values[position[column]] = 1.0
    return values


def serve(model, request):
    return float(model.classifier.predict_proba(request_vector(request, model)[None, :])[0, 1])
