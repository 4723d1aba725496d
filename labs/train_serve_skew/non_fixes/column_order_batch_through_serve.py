"""Non-fix: the service's column order corrected, and the nightly job scored through serve().

Both paths now agree by construction, but serve() still builds its inputs its own
way (notebook constants, a missing log transform, zeros for missing fields), so
the live scores are not the ones the model was trained to give.
"""

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


def predict_batch(model, orders):
    rows = orders[CATEGORICAL + NUMERIC].to_dict("records")
    requests = [{field: None if value != value else value for field, value in row.items()}
                for row in rows]  # NaN -> null, as the app sends it
    return np.array([serve(model, request) for request in requests])
