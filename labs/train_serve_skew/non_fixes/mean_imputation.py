"""Non-fix: serving reads everything from the model, but a missing field scores as an average order."""

from mllab.broken_models.train_serve_skew import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.train_serve_skew import NUMERIC
from mllab.labs.train_serve_skew.fixes.numpy_from_model import request_vector as model_vector


def request_vector(request, model):
    values = model_vector(request, model)
    for field in NUMERIC:
        if request.get(field) is None:
            values[model.columns.index(field)] = 0.0  # standardized 0: the training mean
    return values


def serve(model, request):
    return float(model.classifier.predict_proba(request_vector(request, model)[None, :])[0, 1])
