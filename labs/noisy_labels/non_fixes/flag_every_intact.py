"""Non-fix: a huge suspect list. Every row labelled intact is flagged, and the model is
trained with class weights.

Recall 1 is free when the list holds every row that could be wrong; precision says the
list is useless (about three in four flagged labels are right).
"""

from mllab.broken_models.noisy_labels import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.noisy_labels import TARGET
from mllab.labs.noisy_labels.non_fixes.class_weights import train  # noqa: F401


def find_suspects(photos, cfg):
    return (photos[TARGET] == 0).to_numpy().astype(int)
