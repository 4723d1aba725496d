"""Non-fix: forward chaining chooses the model, and the planners get the team's shuffled
K-fold number scaled up by how far off it was on the `mllab run` city.

The model is the reference fix's. The estimate is the team's review number (the
best shuffled cross-validated WAPE) multiplied by 1.5: the one factor that comes
closest in all of the grader's cities (the `mllab run` city needs about 2.2).
How far a shuffled K-fold is off depends on how much of the error the leak hides:
the shared daily shocks, most of the error in a volatile city and almost none of
it where each store's days swing on their own. No single factor is right in all.
"""

import numpy as np
from sklearn.model_selection import KFold

from mllab.labs.timeseries_cv.fixes.forward_chaining_cv import *  # noqa: F403 - the fix
from mllab.labs.timeseries_cv.fixes.forward_chaining_cv import train as _forward_chaining_train

LEAK_FACTOR = 1.5  # forecast WAPE / review number: about 1.0 to 3.0 in the grader's cities


def shuffled_wape(rows, n_neighbors, cfg):
    errors = []
    for fit, held in KFold(n_splits=cfg.n_folds, shuffle=True, random_state=cfg.seed).split(rows):
        fit_rows, held_rows = rows.iloc[fit], rows.iloc[held]
        model = build_model(n_neighbors).fit(drivers(fit_rows), fit_rows["demand"] / fit_rows["level"])
        errors.append(wape(held_rows["demand"].to_numpy(),
                           held_rows["level"].to_numpy() * model.predict(drivers(held_rows))))
    return float(np.mean(errors))


def train(history, cfg):
    model = _forward_chaining_train(history, cfg)
    rows = with_level(history, history, cfg).dropna(subset=["level"])
    review = min(shuffled_wape(rows, k, cfg) for k in cfg.candidate_neighbors)
    model.cv_wape = LEAK_FACTOR * review
    return model
