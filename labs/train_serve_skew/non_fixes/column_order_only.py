"""Non-fix: the service builds its vector in the training column order; nothing else changes."""

import numpy as np

from mllab.broken_models.train_serve_skew import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.train_serve_skew import CATEGORICAL, CATEGORY_LEVELS, NUMERIC, SERVING_STATS


def request_vector(request):
    values = []
    for field in NUMERIC:
        mean, std = SERVING_STATS[field]
        value = float(request.get(field) or 0.0)
        if field == "distance_km":
            value = np.log1p(value)
        values.append((value - mean) / std)
    for field in CATEGORICAL:  # get_dummies sorts the levels
        values.extend(float(request.get(field) == level) for level in sorted(CATEGORY_LEVELS[field]))
    return np.array(values)


def serve(model, request):
    return float(model.classifier.predict_proba(request_vector(request)[None, :])[0, 1])
