"""A seeded synthetic stand-in for the public credit-card fraud data set.

Columns match the original (``Time``, ``V1``..``V28``, ``Amount``, ``Class``) and
so does the base rate (about 0.17% fraud). As in real fraud data, the label is
noisy: even the riskiest transactions are fraud well under half of the time, so
a model that only flags ``P(fraud) > 0.5`` catches almost nothing, however well
it ranks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FEATURES = ["Time"] + [f"V{i}" for i in range(1, 29)] + ["Amount"]
TARGET = "Class"

# Directions in which fraud is more likely (the real data's strongest signals are
# V14, V17, V12 and V10, all negative for fraud).
_RISK_WEIGHTS = {"V14": -1.0, "V17": -0.8, "V12": -0.6, "V10": -0.5, "V4": 0.4, "V11": 0.3}
_RISK_CAP = 0.4  # the highest fraud probability any transaction has
_RISK_CUTOFF = 2.85  # risk score (in standard deviations) where fraud becomes likely
_RISK_SHARPNESS = 6.0


def fraud_probability(frame: pd.DataFrame) -> np.ndarray:
    """Return the true P(fraud | features) the generator samples labels from."""
    weights = np.array(list(_RISK_WEIGHTS.values()))
    scales = np.array([_scale(name) for name in _RISK_WEIGHTS])
    z = frame[list(_RISK_WEIGHTS)].to_numpy() / scales
    risk = z @ weights / np.linalg.norm(weights)
    small_amount = frame["Amount"].to_numpy() < 5.0  # card-testing charges
    risk = risk + 0.35 * small_amount
    return _RISK_CAP / (1.0 + np.exp(-_RISK_SHARPNESS * (risk - _RISK_CUTOFF)))


def _scale(name: str) -> float:
    """Standard deviation of a PCA component: later components carry less variance."""
    index = int(name[1:])
    return float(2.0 * 0.93 ** (index - 1))


def transactions(n_rows: int, seed: int) -> pd.DataFrame:
    """Return ``n_rows`` transactions with a ``Class`` label (1 = fraud)."""
    rng = np.random.default_rng(seed)
    data = {"Time": np.sort(rng.uniform(0, 172_800, n_rows)).round()}
    for i in range(1, 29):
        data[f"V{i}"] = rng.standard_normal(n_rows) * _scale(f"V{i}")
    data["Amount"] = np.round(np.exp(rng.normal(3.2, 1.4, n_rows)), 2)
    frame = pd.DataFrame(data)
    frame[TARGET] = (rng.random(n_rows) < fraud_probability(frame)).astype(np.int64)
    return frame
