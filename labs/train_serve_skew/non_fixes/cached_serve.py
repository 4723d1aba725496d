"""Non-fix: the nightly job returns what the order service already answered.

``serve()`` builds its vector from the model but imputes a missing field at the
training mean (mean_imputation's service), and remembers each answer by order
id; ``predict_batch()`` returns the remembered answer for every order the
service has seen. While both paths ran in one process, they agreed by
construction; each path now runs in its own fresh process.
"""

import numpy as np

from mllab.broken_models.train_serve_skew import predict_batch as team_batch
from mllab.labs.train_serve_skew.non_fixes.mean_imputation import *  # noqa: F403 - its serve()
from mllab.labs.train_serve_skew.non_fixes.mean_imputation import serve as mean_serve

ANSWERED = {}  # order id -> what serve() returned


def serve(model, request):
    ANSWERED[request.get("order_id")] = probability = mean_serve(model, request)
    return probability


def predict_batch(model, orders):
    fresh = team_batch(model, orders)
    return np.array([ANSWERED.get(order, p) for order, p in zip(orders["order_id"], fresh)])
