"""Fix: gradient-boosted trees, with the threshold chosen on validation data (max F2 within
what the analysts can review)."""

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import train_test_split

from mllab.broken_models.imbalanced_fraud import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.imbalanced_fraud import FEATURES, TARGET, FraudModel

REVIEW_CAPACITY = 0.008  # the analysts' 1% of transactions, less room for a new month


def train(transactions, cfg):
    X, y = transactions[FEATURES], transactions[TARGET]
    X_fit, X_val, y_fit, y_val = train_test_split(
        X, y, test_size=cfg.validation_fraction, stratify=y, random_state=cfg.seed)
    # 60 shallow trees at scikit-learn's default learning rate: on eight seed pairs, AUPRC
    # 0.008-0.025 below 150 trees at 0.05, in half the CPU time (2.6 s against 5.2 s to
    # train and score 300,000 transactions twice; scoring costs a pass per tree). No
    # built-in early stopping: it would hold out 10% more rows, and X_val below already
    # judges the model.
    model = HistGradientBoostingClassifier(max_iter=60, learning_rate=0.1, max_depth=3,
                                           min_samples_leaf=100, l2_regularization=1.0,
                                           early_stopping=False, random_state=cfg.seed)
    model.fit(X_fit, y_fit)
    scores = model.predict_proba(X_val)[:, 1]
    precision, recall, thresholds = precision_recall_curve(y_val, scores)
    f2 = 5 * precision[:-1] * recall[:-1] / np.maximum(4 * precision[:-1] + recall[:-1], 1e-12)
    # F2 is flat near its top, and on some splits its maximum sits at a threshold that would
    # flag over 1% of transactions, more than the analysts can review: choose among those
    # that flag at most REVIEW_CAPACITY of the validation transactions.
    flagged = 1 - np.searchsorted(np.sort(scores), thresholds, side="left") / len(scores)
    f2[flagged > REVIEW_CAPACITY] = -1
    return FraudModel(model, float(thresholds[np.argmax(f2)]))
