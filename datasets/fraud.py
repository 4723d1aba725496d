"""A seeded synthetic stand-in for the public credit-card fraud data set.

Columns match the original (``Time``, ``V1``..``V28``, ``Amount``, ``Class``) and
so does the base rate (0.172% fraud: 492 of 284,807 transactions). As in real
fraud data, the label is noisy: even the riskiest transactions are fraud well
under half of the time, so a model that only flags ``P(fraud) > 0.5`` catches
almost nothing, however well it ranks.

Which anonymised components carry the fraud risk, and in which direction, is the
data set's *world*. ``world=None`` is the public data's (V14, V17, V12, V10 low,
V4, V11 high); ``world=k`` draws another assignment from the seed ``k``. Every
world has the same features, base rate and difficulty, so only a model learned
from a world's own labelled transactions ranks its fraud well.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.stats import norm

COMPONENTS = [f"V{i}" for i in range(1, 29)]
FEATURES = ["Time"] + COMPONENTS + ["Amount"]
TARGET = "Class"

# Directions in which fraud is more likely (the real data's strongest signals are
# V14, V17, V12 and V10, all negative for fraud).
_RISK_WEIGHTS = {"V14": -1.0, "V17": -0.8, "V12": -0.6, "V10": -0.5, "V4": 0.4, "V11": 0.3}
_RISK_CAP = 0.4  # the highest fraud probability any transaction has
_RISK_CUTOFF = 2.814  # risk score (in standard deviations) where fraud becomes likely: 0.172%
_RISK_SHARPNESS = 6.0
_CARD_TESTING_RISK = 0.35  # extra risk of a charge under 5 (stolen cards are tried on those)
_AMOUNT_LOG_MEAN, _AMOUNT_LOG_SD = 3.2, 1.4
BASE_RATE = 0.00172


def risk_weights(world: int | None = None) -> dict[str, float]:
    """Return the components that carry fraud risk in ``world``, with their weights.

    A drawn world keeps the public data's weight sizes, on other components and
    with random signs.
    """
    if world is None:
        return dict(_RISK_WEIGHTS)
    rng = np.random.default_rng([world, 0xF4A0D])
    chosen = rng.choice(COMPONENTS, len(_RISK_WEIGHTS), replace=False)
    signs = rng.choice([-1.0, 1.0], len(_RISK_WEIGHTS))
    sizes = np.abs(list(_RISK_WEIGHTS.values()))
    return {str(name): float(sign * size) for name, sign, size in zip(chosen, signs, sizes)}


@lru_cache(maxsize=64)
def _risk_cutoff(fraud_rate: float, risk_cap: float) -> float:
    """The cutoff at which the expected share of fraud is ``fraud_rate`` (the risk score
    is a standard normal, plus the card-testing bump on the charges under 5)."""
    if (fraud_rate, risk_cap) == (BASE_RATE, _RISK_CAP):
        # The bisection gives 2.8138 here; the rounded constant keeps the default data (and
        # so imbalanced_fraud's calibration) bit for bit what it was before the knobs existed.
        return _RISK_CUTOFF
    if not 0 < fraud_rate < risk_cap:
        raise ValueError(f"fraud_rate must lie between 0 and risk_cap ({risk_cap}), "
                         f"not {fraud_rate}")
    z = np.linspace(-9.0, 9.0, 6001)
    weights = norm.pdf(z) / norm.pdf(z).sum()
    small = norm.cdf((np.log(5.0) - _AMOUNT_LOG_MEAN) / _AMOUNT_LOG_SD)  # P(amount < 5)

    def rate(cutoff: float) -> float:
        p = lambda risk: risk_cap / (1.0 + np.exp(-_RISK_SHARPNESS * (risk - cutoff)))  # noqa: E731
        return float((1 - small) * p(z) @ weights + small * p(z + _CARD_TESTING_RISK) @ weights)

    low, high = -10.0, 10.0
    for _ in range(60):  # bisection: rate() falls as the cutoff rises
        middle = (low + high) / 2
        low, high = (middle, high) if rate(middle) > fraud_rate else (low, middle)
    return (low + high) / 2


def fraud_probability(frame: pd.DataFrame, world: int | None = None, *,
                      fraud_rate: float = BASE_RATE, risk_cap: float = _RISK_CAP) -> np.ndarray:
    """Return the true P(fraud | features) the generator samples labels from in ``world``."""
    named = risk_weights(world)
    weights = np.array(list(named.values()))
    z = frame[list(named)].to_numpy() / np.array([_scale(name) for name in named])
    risk = z @ weights / np.linalg.norm(weights)
    risk = risk + _CARD_TESTING_RISK * (frame["Amount"].to_numpy() < 5.0)
    cutoff = _risk_cutoff(float(fraud_rate), float(risk_cap))
    return risk_cap / (1.0 + np.exp(-_RISK_SHARPNESS * (risk - cutoff)))


def _scale(name: str) -> float:
    """Standard deviation of a PCA component: later components carry less variance."""
    index = int(name[1:])
    return float(2.0 * 0.93 ** (index - 1))


def transactions(n_rows: int, seed: int, world: int | None = None, *,
                 fraud_rate: float = BASE_RATE, risk_cap: float = _RISK_CAP) -> pd.DataFrame:
    """Return ``n_rows`` transactions of ``world`` with a ``Class`` label (1 = fraud)."""
    rng = np.random.default_rng(seed)
    scales = np.array([_scale(name) for name in COMPONENTS])
    frame = pd.DataFrame(rng.standard_normal((n_rows, len(COMPONENTS))) * scales,
                         columns=COMPONENTS)
    frame.insert(0, "Time", np.sort(rng.uniform(0, 172_800, n_rows)).round())
    frame["Amount"] = np.round(np.exp(rng.normal(_AMOUNT_LOG_MEAN, _AMOUNT_LOG_SD, n_rows)), 2)
    risk = fraud_probability(frame, world, fraud_rate=fraud_rate, risk_cap=risk_cap)
    frame[TARGET] = (rng.random(n_rows) < risk).astype(np.int64)
    return frame
