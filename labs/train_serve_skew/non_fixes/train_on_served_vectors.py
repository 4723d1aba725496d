"""Non-fix: the service left as it is; training and the nightly job use its vectors.

The other direction the team considered when the order service cannot change: log
the vector ``request_vector`` builds and train on exactly that. ``train()`` and
``predict_batch()`` turn every row of their table into the request the app would
send and through the service's own ``request_vector``, so the model learns on the
very inputs serving gives it: stale constants, raw basket, app column order and
category layout all stop mattering, both paths agree on every order, and live AUC
is close to the reference fixes'.

What the vector cannot carry is a missing field: ``request_vector`` writes a field
that is left out or null as the value 0, and training learns what 0 means from the
orders where the value really is (or is close to) 0. Idle couriers are never
missing in the historical orders, so an order whose dispatch feed did not answer
scores as one with no courier free nearby: its live P(late) is far above those
orders' real risk (and a missing preparation time reads as a kitchen that is
already done, too safe).
"""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from mllab.broken_models.train_serve_skew import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.train_serve_skew import CATEGORICAL, NUMERIC, TARGET, request_vector


def _served_vectors(orders):
    """The vector the service builds for each row, as if the app had sent it."""
    rows = orders[CATEGORICAL + NUMERIC].to_dict("records")
    return np.array([request_vector({field: None if value != value else value
                                     for field, value in row.items()}) for row in rows])


def train(orders, cfg):
    fit, val = train_test_split(orders, test_size=cfg.validation_fraction, random_state=cfg.seed)
    model = LogisticRegression(C=cfg.C, max_iter=cfg.max_iter)
    model.fit(_served_vectors(fit), fit[TARGET])
    print(f"  offline validation AUC {roc_auc_score(val[TARGET], predict_batch(model, val)):.3f}")
    return model


def predict_batch(model, orders):
    return model.predict_proba(_served_vectors(orders))[:, 1]


def serve(model, request):
    return float(model.predict_proba(request_vector(request)[None, :])[0, 1])
