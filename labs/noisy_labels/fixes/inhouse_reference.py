"""Fix: judge the vendor's labels by the in-house team's; relabel what they contradict.

The table says who labelled each row. Labels per team show the trouble: the vendor
calls about a fifth of its parcels damaged, the in-house staff about half, on photos
drawn alike. So the in-house rows serve as a trusted reference: gradient boosting
fitted on them alone scores the vendor's rows, and a vendor label that the reference
contradicts with probability over 0.8 is suspect. The suspects are relabelled, and the
final model learns from every row.
"""

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from mllab.broken_models.noisy_labels import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.noisy_labels import FEATURES, TARGET

TRUSTED = "inhouse"
CONFIDENT = 0.8


def boosting(cfg):
    return HistGradientBoostingClassifier(max_iter=100, random_state=cfg.seed)


def find_suspects(photos, cfg):
    trusted = (photos["labelled_by"] == TRUSTED).to_numpy()
    reference = boosting(cfg).fit(photos.loc[trusted, FEATURES], photos.loc[trusted, TARGET])
    given = photos[TARGET].to_numpy()
    p_given = reference.predict_proba(photos[FEATURES])[np.arange(len(given)), given]
    return (~trusted & (p_given < 1 - CONFIDENT)).astype(int)


def train(photos, cfg):
    labels = photos[TARGET].to_numpy().copy()
    suspects = find_suspects(photos, cfg) == 1
    labels[suspects] = 1 - labels[suspects]
    return boosting(cfg).fit(photos[FEATURES], labels)
