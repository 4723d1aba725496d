"""Fix: a pandas-free serve() that reads every statistic and the column layout from the model.

No hand-copied constants: the medians, means, stds and the one-hot column names
that training stored in the model drive the request vector, a field left out or
sent as null gets the training median, and a city or cuisine training never saw
gets no one-hot column, as in the batch path.
"""

import numpy as np

from mllab.broken_models.train_serve_skew import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.train_serve_skew import CATEGORICAL, LOG_SCALED, NUMERIC


def request_vector(request, model):
    position = {column: i for i, column in enumerate(model.columns)}
    values = np.zeros(len(model.columns))
    for field in NUMERIC:
        value = request.get(field)
        value = model.medians[field] if value is None or value != value else float(value)
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
