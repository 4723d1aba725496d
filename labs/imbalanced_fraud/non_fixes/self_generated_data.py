"""Non-fix: a good model, trained on self-generated transactions instead of the given ones.

train() ignores its transactions: it simulates 400,000 labelled ones with a copy of
the lab's data generator (the public data set's fraud rule), then fits the
reference fix (average-precision model selection, F2 threshold on validation) on
them. Its answers were not learned from the training data it was given; each
grading draws which components carry the risk, so the simulated rule is wrong there.
"""

import numpy as np
import pandas as pd

from mllab.broken_models.imbalanced_fraud import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.imbalanced_fraud import FEATURES, TARGET
from mllab.labs.imbalanced_fraud.fixes import threshold_on_validation as _reference
from mllab.labs.imbalanced_fraud.non_fixes.public_data_rule import rule_scores

SIMULATED_ROWS = 400_000


def simulated_transactions(n_rows, seed):
    """``n_rows`` labelled transactions drawn like the lab's generator draws them."""
    rng = np.random.default_rng(seed)
    components = [name for name in FEATURES if name.startswith("V")]
    scales = np.array([2.0 * 0.93 ** (int(name[1:]) - 1) for name in components])
    frame = pd.DataFrame(rng.standard_normal((n_rows, 28)) * scales, columns=components)
    frame.insert(0, "Time", np.sort(rng.uniform(0, 172_800, n_rows)).round())
    frame["Amount"] = np.round(np.exp(rng.normal(3.2, 1.4, n_rows)), 2)
    frame[TARGET] = (rng.random(n_rows) < rule_scores(frame)).astype(np.int64)
    return frame


def train(transactions, cfg):
    return _reference.train(simulated_transactions(SIMULATED_ROWS, cfg.seed + 1), cfg)
