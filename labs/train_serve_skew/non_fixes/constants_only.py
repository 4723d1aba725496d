"""Non-fix: the serving constants come from the trained model instead of the launch notebook."""

import numpy as np

from mllab.broken_models.train_serve_skew import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.train_serve_skew import CATEGORY_LEVELS, SERVING_STATS


def request_vector(request, model):
    values = []
    for field in SERVING_STATS:
        value = float(request.get(field) or 0.0)
        if field == "distance_km":
            value = np.log1p(value)
        values.append((value - model.means[field]) / model.stds[field])
    for field, levels in CATEGORY_LEVELS.items():
        values.extend(float(request.get(field) == level) for level in levels)
    return np.array(values)


def serve(model, request):
    return float(model.classifier.predict_proba(request_vector(request, model)[None, :])[0, 1])
