"""Non-fix: the service's column order corrected, and the nightly job scored through serve().

Both paths now agree by construction, but serve() still builds its inputs its own
way (notebook constants, a missing log transform, zeros for missing fields), so
the live scores are not on the scale the model was trained on.
"""

import numpy as np

from mllab.broken_models.train_serve_skew import CATEGORICAL, NUMERIC
from mllab.labs.train_serve_skew.non_fixes.column_order_only import *  # noqa: F403 - its serve()
from mllab.labs.train_serve_skew.non_fixes.column_order_only import serve


def predict_batch(model, orders):
    rows = orders[CATEGORICAL + NUMERIC].to_dict("records")
    requests = [{field: None if value != value else value for field, value in row.items()}
                for row in rows]  # NaN -> null, as the app sends it
    return np.array([serve(model, request) for request in requests])
