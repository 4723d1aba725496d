"""Non-fix: the service log-transforms the same fields as training; nothing else changes."""

import numpy as np

from mllab.broken_models.train_serve_skew import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.train_serve_skew import CATEGORY_LEVELS, LOG_SCALED, SERVING_STATS


def request_vector(request):
    values = []
    for field, (mean, std) in SERVING_STATS.items():
        value = float(request.get(field) or 0.0)
        if field in LOG_SCALED:
            value = np.log1p(value)
        values.append((value - mean) / std)
    for field, levels in CATEGORY_LEVELS.items():
        values.extend(float(request.get(field) == level) for level in levels)
    return np.array(values)


def serve(model, request):
    return float(model.classifier.predict_proba(request_vector(request)[None, :])[0, 1])
