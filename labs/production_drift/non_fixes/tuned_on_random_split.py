"""Non-fix: tune the trees on the team's validation split, then refit on every quote.

A small grid (tree size, step, regularisation) chosen by AUC on a random quarter
of the 18 months: it picks the model that best fits the old market.
"""

from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from mllab.broken_models.production_drift import *  # noqa: F403 - the team's code, unchanged

GRID = [dict(max_leaf_nodes=15, learning_rate=0.1), dict(max_leaf_nodes=31, learning_rate=0.05),
        dict(max_leaf_nodes=63, learning_rate=0.1)]


def train(history, cfg):
    X, y = history[FEATURES], history[TARGET]
    X_fit, X_val, y_fit, y_val = train_test_split(
        X, y, test_size=cfg.validation_fraction, stratify=y, random_state=cfg.seed)
    scores = {}
    for i, params in enumerate(GRID):
        candidate = Config(**{**cfg.__dict__, **params})
        fitted = build_model(candidate).fit(X_fit, y_fit)
        scores[i] = roc_auc_score(y_val, fitted.predict_proba(X_val)[:, 1])
    best = max(scores, key=scores.get)
    return QuoteModel(build_model(Config(**{**cfg.__dict__, **GRID[best]})).fit(X, y), scores[best])
