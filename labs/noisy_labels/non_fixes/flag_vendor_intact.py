"""Non-fix: flag by who labelled the row, not by whether the label is wrong.

The vendor's rows labelled intact hold every wrong label, so flagging all of them
catches every miss: recall 1. But most of those parcels really are intact, and the
annotators would recheck nearly two correct labels for every wrong one (precision
about 0.37). The model learns from the in-house rows alone.
"""

from mllab.broken_models.noisy_labels import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.noisy_labels import FEATURES, TARGET, build_model


def find_suspects(photos, cfg):
    return ((photos["labelled_by"] == "vendor") & (photos[TARGET] == 0)).to_numpy().astype(int)


def train(photos, cfg):
    trusted = photos["labelled_by"] == "inhouse"
    return build_model(cfg).fit(photos.loc[trusted, FEATURES], photos.loc[trusted, TARGET])
