"""Non-fix: the forward-chaining model, but an estimate typed in rather than measured.

The model is the reference fix's, and estimated_wape() returns 19%, about what
`mllab run` shows for it on the weeks after the history. The grader also trains
the code on a city whose daily demand is far more volatile, where the same model's
error is much higher; a number typed in cannot be right in both.
"""

from mllab.labs.timeseries_cv.fixes.forward_chaining_cv import *  # noqa: F403 - the fix

FORECAST_WAPE = 0.19  # what `mllab run` printed for the four weeks after the history


def estimated_wape(model):
    return FORECAST_WAPE
