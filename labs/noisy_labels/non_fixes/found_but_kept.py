"""Non-fix: the suspects are found (confident learning) and reported, but the model
still learns from the labels as given."""

from mllab.broken_models.noisy_labels import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.noisy_labels import FEATURES, TARGET
from mllab.labs.noisy_labels.fixes.confident_learning import build_model, find_suspects  # noqa: F401


def train(photos, cfg):
    return build_model(cfg).fit(photos[FEATURES], photos[TARGET])
