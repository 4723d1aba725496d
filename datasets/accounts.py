"""A seeded synthetic card-account table: will the account default in the next 90 days?

Each row is one active card account as the feature store describes it on the
scoring night: 24 standardised behaviour features (utilisation, payment
history, cash advances, ...; plain numbers here). Whether the account defaults
depends on them through a smooth nonlinear function of a few directions in the
feature space, with label noise on top: a small MLP reaches an AUC of about
0.88 and a linear model clearly less. About 40% of the accounts default.

``accounts(n, seed, world)`` returns ``(features, defaulted)``: float32 features
of shape ``(n, 24)`` and int64 labels of shape ``(n,)``. ``world`` seeds the
function itself (which directions, how they bend), so that data drawn in one
world says little about another; ``seed`` draws the accounts and the noise.
"""

from __future__ import annotations

import numpy as np

N_FEATURES = 24
_DIRECTIONS = 12  # the hidden directions the default risk bends along
_SHARPNESS = 3.0  # standard deviations of the log-odds: how predictable a default is
_BASE_LOGIT = -0.8  # about 40% of the accounts default


def _risk_function(world: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The world's (directions, offsets, weights) of the default log-odds."""
    rng = np.random.default_rng([world, 90])
    directions = rng.normal(0.0, 1.6 / np.sqrt(N_FEATURES), (N_FEATURES, _DIRECTIONS))
    return directions, rng.normal(0.0, 0.5, _DIRECTIONS), rng.normal(0.0, 1.0, _DIRECTIONS)


def default_logit(features: np.ndarray, world: int) -> np.ndarray:
    """The true log-odds of default of each account (rows of ``features``) in ``world``."""
    directions, offsets, weights = _risk_function(world)
    bent = np.tanh(features.astype(np.float64) @ directions + offsets) @ weights
    # the scale of ``bent`` is the world's: a fixed reference sample sets it
    sample = np.random.default_rng([world, 91]).standard_normal((4096, N_FEATURES))
    reference = np.tanh(sample @ directions + offsets) @ weights
    return _BASE_LOGIT + _SHARPNESS * (bent - np.median(reference)) / reference.std()


def accounts(n_rows: int, seed: int, world: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(features, defaulted)`` for ``n_rows`` accounts drawn in ``world``."""
    rng = np.random.default_rng([seed, world])
    features = rng.standard_normal((n_rows, N_FEATURES)).astype(np.float32)
    probability = 1.0 / (1.0 + np.exp(-default_logit(features, world)))
    return features, (rng.random(n_rows) < probability).astype(np.int64)
