"""Fix: the order service runs the very same preprocessing as training.

``serve`` turns the request into a one-row table with every training field (a
field the app left out becomes a missing value, ``null`` too) and scores it with
``predict_batch``: one preprocessing function, fitted statistics and column
layout stored in the model, used by training, the nightly job and the service.
"""

import pandas as pd

from mllab.broken_models.train_serve_skew import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.train_serve_skew import CATEGORICAL, NUMERIC, predict_batch


def serve(model, request):
    row = pd.DataFrame([request]).reindex(columns=CATEGORICAL + NUMERIC)
    return float(predict_batch(model, row)[0])
