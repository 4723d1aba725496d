"""Non-fix: weigh the damaged class up ("the model misses damage, so make damage count").

Balanced class weights on a model that fits the bending signal: the decisions move
toward damaged everywhere. On this table that even restores the accuracy (about 0.93:
the misses do not depend on the photo, so reweighting undoes their bias), but no label
is found or corrected: the annotators get nothing to recheck, and the same weights
would not help if the misses clustered in one kind of photo.
"""

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from mllab.broken_models.noisy_labels import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.noisy_labels import FEATURES, TARGET


def train(photos, cfg):
    model = make_pipeline(StandardScaler(), PolynomialFeatures(2), StandardScaler(),
                          LogisticRegression(max_iter=1000, class_weight="balanced"))
    return model.fit(photos[FEATURES], photos[TARGET])
