"""A seeded synthetic subscription-churn table, as a CRM export would produce it.

One row per customer snapshot: what the customer looked like on the snapshot
date, and ``churned`` = 1 when they cancelled within the 30 days that followed.

Every column is measured on the snapshot date except ``days_since_last_login``,
which the export reads from the live customer record. In the historical table
(``as_of="export"``) that is the value weeks or months after the snapshot: for a
customer who cancelled, it counts the days since they left. When the model
scores customers (``as_of="scoring"``) nobody has cancelled yet, and the column
holds the value on the scoring date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NUMERIC = ["tenure_months", "monthly_fee", "discount_pct", "logins_last_30d",
           "days_since_last_login", "support_tickets_90d", "payment_failures_90d"]
CATEGORICAL = ["plan", "contract", "payment_method", "region"]
FEATURES = NUMERIC + CATEGORICAL
TARGET = "churned"

_PLANS = {"basic": 9.99, "standard": 15.99, "premium": 22.99}
_CONTRACTS = ("monthly", "annual", "two_year")
_CONTRACT_RISK = {"monthly": 0.9, "annual": -0.4, "two_year": -1.1}
_REGIONS = ("north", "south", "east", "west", "central")
_BASE_LOGIT = -1.55  # about 26% of customers churn in the month after a snapshot
_MEAN_LOGIT = -1.0  # the log-odds that a world's signal strength scales around


def churn_logit(frame: pd.DataFrame, engagement: np.ndarray, friction: np.ndarray) -> np.ndarray:
    """Log-odds of cancelling in the next 30 days, from snapshot-date facts only."""
    return (_BASE_LOGIT
            - 0.9 * engagement
            + 0.6 * friction
            + frame["contract"].map(_CONTRACT_RISK).to_numpy()
            - 0.6 * np.log1p(frame["tenure_months"].to_numpy())
            + 0.05 * (frame["monthly_fee"].to_numpy() - 15.0)
            - 0.02 * frame["discount_pct"].to_numpy()
            + 0.45 * frame["payment_failures_90d"].to_numpy()
            - 0.35 * (frame["payment_method"] == "autopay").to_numpy()
            + 1.5)


def customers(n_rows: int, seed: int, as_of: str = "export",
              strength: float = 1.0) -> pd.DataFrame:
    """Return ``n_rows`` customer snapshots with a ``churned`` label.

    ``as_of="export"``: the historical table, ``days_since_last_login`` read when
    the table was exported. ``as_of="scoring"``: customers as the model sees them
    on the day it scores them, before anyone has cancelled. ``strength`` scales how
    strongly the snapshot-date facts drive churn (1.0: the lab's story; the churn
    rate stays about the same); the customers themselves do not depend on it.
    """
    if as_of not in ("export", "scoring"):
        raise ValueError(f"as_of must be 'export' or 'scoring', got {as_of!r}")
    rng = np.random.default_rng(seed)
    engagement = rng.standard_normal(n_rows)
    friction = rng.standard_normal(n_rows)
    plan = rng.choice(list(_PLANS), n_rows, p=[0.45, 0.35, 0.20])
    frame = pd.DataFrame({
        "tenure_months": np.minimum(1 + rng.exponential(18.0, n_rows), 72).astype(int),
        "monthly_fee": (pd.Series(plan).map(_PLANS).to_numpy()
                        + rng.choice([0.0, 2.99, 4.99], n_rows, p=[0.6, 0.25, 0.15])),
        "discount_pct": rng.choice([0, 10, 20, 30], n_rows, p=[0.65, 0.2, 0.1, 0.05]),
        "logins_last_30d": rng.poisson(np.exp(2.0 + 0.8 * engagement)),
        "support_tickets_90d": rng.poisson(np.exp(-0.9 + 0.7 * friction)),
        "plan": plan,
        "contract": rng.choice(_CONTRACTS, n_rows, p=[0.55, 0.33, 0.12]),
        "payment_method": rng.choice(["autopay", "card", "invoice"], n_rows, p=[0.55, 0.3, 0.15]),
        "region": rng.choice(_REGIONS, n_rows),
    })
    autopay = (frame["payment_method"] == "autopay").to_numpy()
    frame["payment_failures_90d"] = rng.poisson(np.where(autopay, 0.1, 0.35) * np.exp(0.5 * friction))
    logit = _MEAN_LOGIT + strength * (churn_logit(frame, engagement, friction) - _MEAN_LOGIT)
    churned = rng.random(n_rows) < 1.0 / (1.0 + np.exp(-logit))

    # days since the last login on the snapshot date: active users log in often
    logins = frame["logins_last_30d"].to_numpy()
    gap_on_snapshot = np.where(logins > 0, rng.exponential(30.0 / (logins + 1.0)),
                               30.0 + rng.exponential(40.0, n_rows))
    if as_of == "scoring":
        days = gap_on_snapshot
    else:
        # the export ran 1 to 12 months after each snapshot and read the live record
        export_lag = rng.uniform(31, 365, n_rows)
        cancel_day = rng.uniform(0, 30, n_rows)
        still_active = rng.exponential(30.0 / (logins + 1.0))
        days = np.where(churned, export_lag - cancel_day + rng.exponential(3.0, n_rows),
                        np.where(logins > 0, still_active, gap_on_snapshot + export_lag))
    frame["days_since_last_login"] = np.round(days).astype(int)
    frame[TARGET] = churned.astype(np.int64)
    return frame[FEATURES + [TARGET]]
