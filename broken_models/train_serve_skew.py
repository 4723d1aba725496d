"""Late-delivery risk model for the dispatch team.

When an order is placed, the order service asks this model how likely the order
is to arrive late; dispatch gives risky orders a faster courier and the app shows
a longer ETA. Offline the model is good: about 0.85 ROC AUC on the validation
split, and the nightly job that re-scores yesterday's orders agrees. But the
scores the live service returned while those same orders were being placed rank
late orders barely better than a coin, and dispatch has stopped trusting them.

Training and the nightly re-scoring run on the data platform (`train`,
`predict_batch`, pandas). The order service calls `serve(model, request)` once
per order with the app's JSON body as a dict.

Goal: live scores as good as the offline ones (see `mllab show train_serve_skew`
for the exact targets). The grader calls `train(orders, Config())` and saves the
model with pickle; the service and the nightly job each load it in a process of
their own, and get fresh orders one at a time through `serve` and the same orders
as one table through `predict_batch`. Keep those names and signatures.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

CATEGORICAL = ["city", "vehicle", "cuisine"]
NUMERIC = ["distance_km", "basket_eur", "n_items", "prep_minutes", "idle_couriers", "rain_mm"]
LOG_SCALED = ["distance_km", "basket_eur"]  # long right tails
TARGET = "late"


@dataclass
class Config:
    C: float = 1.0
    """Inverse regularization strength of the logistic regression."""
    max_iter: int = 500
    """Solver iterations."""
    validation_fraction: float = 0.2
    """Share of the orders held out to report the offline AUC."""
    seed: int = 0
    """Seed of the validation split."""
    device: str = "cpu"
    """Accepted for `--device`; scikit-learn always runs on the CPU."""


@dataclass
class LatenessModel:
    """The fitted classifier with the preprocessing statistics and column layout of training."""

    classifier: LogisticRegression
    medians: pd.Series
    means: pd.Series
    stds: pd.Series
    columns: list[str]


# ---------------------------------------------------------------- data platform


def fit_statistics(orders: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Medians for imputation, then means and stds of the transformed numeric columns."""
    numeric = orders[NUMERIC].astype(float)
    medians = numeric.median()
    numeric = numeric.fillna(medians)
    numeric[LOG_SCALED] = np.log1p(numeric[LOG_SCALED])
    return medians, numeric.mean(), numeric.std()


def feature_table(orders: pd.DataFrame, model: LatenessModel) -> pd.DataFrame:
    """Impute, log-transform and standardize; one-hot the categories in training's columns."""
    numeric = orders[NUMERIC].astype(float).fillna(model.medians)
    numeric[LOG_SCALED] = np.log1p(numeric[LOG_SCALED])
    numeric = (numeric - model.means) / model.stds
    dummies = pd.get_dummies(orders[CATEGORICAL], dtype=float)
    table = pd.concat([numeric, dummies], axis=1)
    return table.reindex(columns=model.columns, fill_value=0.0)


def train(orders: pd.DataFrame, cfg: Config) -> LatenessModel:
    """Fit the logistic regression and print the offline validation AUC."""
    fit, val = train_test_split(orders, test_size=cfg.validation_fraction, random_state=cfg.seed)
    medians, means, stds = fit_statistics(fit)
    columns = NUMERIC + list(pd.get_dummies(fit[CATEGORICAL], dtype=float).columns)
    model = LatenessModel(LogisticRegression(C=cfg.C, max_iter=cfg.max_iter),
                          medians, means, stds, columns)
    model.classifier.fit(feature_table(fit, model).to_numpy(), fit[TARGET])
    print(f"  offline validation AUC {roc_auc_score(val[TARGET], predict_batch(model, val)):.3f}")
    return model


def predict_batch(model: LatenessModel, orders: pd.DataFrame) -> np.ndarray:
    """P(late) for every order of a table (the nightly re-scoring job)."""
    return model.classifier.predict_proba(feature_table(orders, model).to_numpy())[:, 1]


# ---------------------------------------------------------------- order service
# The order service has no pandas: constants from the launch analysis notebook.

SERVING_STATS = {  # field: (mean, std) after the transform
    "basket_eur": (21.0, 11.0),
    "n_items": (2.5, 1.5),
    "distance_km": (1.2, 0.45),
    "idle_couriers": (2.0, 1.4),
    "prep_minutes": (12.0, 4.0),
    "rain_mm": (0.3, 0.8),
}
CATEGORY_LEVELS = {
    "city": ["Lisbon", "Porto", "Braga", "Coimbra", "Faro"],
    "vehicle": ["bike", "scooter", "car"],
    "cuisine": ["pizza", "burger", "sushi", "indian", "thai", "salad", "bakery"],
}


def request_vector(request: dict) -> np.ndarray:
    """The model input for one order request."""
    values = []
    for field, (mean, std) in SERVING_STATS.items():
        value = float(request.get(field) or 0.0)
        if field == "distance_km":
            value = np.log1p(value)
        values.append((value - mean) / std)
    for field, levels in CATEGORY_LEVELS.items():
        values.extend(float(request.get(field) == level) for level in levels)
    return np.array(values)


def serve(model: LatenessModel, request: dict) -> float:
    """P(late) for one order, as the order service returns it."""
    return float(model.classifier.predict_proba(request_vector(request)[None, :])[0, 1])


# ---------------------------------------------------------------- dispatch report


def main() -> None:
    from mllab.datasets.deliveries import orders, requests

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", help="unused: scikit-learn runs on the CPU")
    args = parser.parse_args()

    history = orders(20_000, seed=args.seed)
    yesterday = orders(2_000, seed=args.seed + 1, production=True)
    print(f"training on {len(history):,} orders")
    model = train(history, Config(seed=args.seed, device=args.device))

    late = yesterday.pop(TARGET).to_numpy()
    nightly = predict_batch(model, yesterday)
    live = np.array([serve(model, body) for body in requests(yesterday, seed=args.seed)])
    print(f"\nyesterday's {len(late):,} orders, {late.mean():.0%} late")
    print(f"  nightly re-scoring AUC  {roc_auc_score(late, nightly):.3f}")
    print(f"  live order service AUC  {roc_auc_score(late, live):.3f}")
    print(f"  mean P(late): nightly {nightly.mean():.3f}, live {live.mean():.3f}")


if __name__ == "__main__":
    main()
