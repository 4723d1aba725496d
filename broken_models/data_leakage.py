"""Churn-risk model for the customer retention team.

Every month the retention team calls the customers most likely to cancel in the
next 30 days and offers them a better deal. This script trains the model on the
CRM's historical export (one row per customer snapshot, labelled with whether
the customer cancelled in the 30 days after it) and reports its validation AUC,
which went into the launch review: 0.99, the best churn model the team ever had.

A month after launch the labels came in. The customers the model ranked as
risky mostly stayed, and many who cancelled were never called.

Goal: a churn model that ranks the customers it scores in production well, and
a validation estimate the team can trust before launch (see `mllab show
data_leakage` for the exact targets).

The grader calls `train(customers, Config())`, then `estimated_auc(model)` and
`predict(model, customers)` on customers it holds back. Keep those names and
signatures.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder

NUMERIC = ["tenure_months", "monthly_fee", "discount_pct", "logins_last_30d",
           "days_since_last_login", "support_tickets_90d", "payment_failures_90d"]
CATEGORICAL = ["plan", "contract", "payment_method", "region"]
FEATURES = NUMERIC + CATEGORICAL
TARGET = "churned"


@dataclass
class Config:
    validation_fraction: float = 0.25
    """Share of the export held out to measure the model before launch."""
    learning_rate: float = 0.1
    """Step size of the gradient-boosting rounds."""
    max_iter: int = 200
    """Most boosting rounds; early stopping usually ends sooner."""
    max_leaf_nodes: int = 31
    """Size of each tree."""
    seed: int = 0


@dataclass
class ChurnModel:
    pipeline: Pipeline
    validation_auc: float


# ---------------------------------------------------------------- training


def build_model(cfg: Config) -> Pipeline:
    """One-hot plan/contract/payment/region, then gradient-boosted trees."""
    encode = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore", sparse_output=False), CATEGORICAL),
        remainder="passthrough")
    trees = HistGradientBoostingClassifier(
        learning_rate=cfg.learning_rate, max_iter=cfg.max_iter,
        max_leaf_nodes=cfg.max_leaf_nodes, random_state=cfg.seed)
    return make_pipeline(encode, trees)


def train(customers: pd.DataFrame, cfg: Config) -> ChurnModel:
    """Fit on part of the export; measure AUC on the held-out part."""
    X, y = customers[FEATURES], customers[TARGET]
    X_fit, X_val, y_fit, y_val = train_test_split(
        X, y, test_size=cfg.validation_fraction, stratify=y, random_state=cfg.seed)
    pipeline = build_model(cfg).fit(X_fit, y_fit)
    auc = roc_auc_score(y_val, pipeline.predict_proba(X_val)[:, 1])
    return ChurnModel(pipeline, float(auc))


def estimated_auc(model: ChurnModel) -> float:
    """The AUC the team expects on the customers it scores: the validation AUC."""
    return model.validation_auc


# ---------------------------------------------------------------- scoring


def predict(model: ChurnModel, customers: pd.DataFrame) -> np.ndarray:
    """P(churn in the next 30 days) for each customer."""
    return model.pipeline.predict_proba(customers[FEATURES])[:, 1]


def top_decile_churn_rate(churned: np.ndarray, scores: np.ndarray) -> float:
    """Share of churners among the 10% of customers ranked riskiest (who get a call)."""
    called = np.argsort(-scores)[: max(1, len(scores) // 10)]
    return float(np.mean(churned[called]))


# ---------------------------------------------------------------- launch review


def main() -> None:
    from mllab.datasets.churn import customers

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", help="unused: this model trains on CPU")
    args = parser.parse_args()

    history = customers(20_000, seed=args.seed, as_of="export")
    print(f"CRM export: {len(history):,} customer snapshots, "
          f"{history[TARGET].mean():.1%} cancelled within 30 days")
    model = train(history, Config(seed=args.seed))
    print(f"validation AUC (launch review):  {estimated_auc(model):.3f}")

    # launch month: scored on the first of the month, labels known 30 days later
    launch = customers(20_000, seed=args.seed + 1, as_of="scoring")
    scores, churned = predict(model, launch), launch[TARGET].to_numpy()
    print("\nlaunch results (customers scored at launch, outcomes 30 days later)")
    print(f"  AUC:                           {roc_auc_score(churned, scores):.3f}")
    print(f"  churners among the 10% called: {top_decile_churn_rate(churned, scores):.1%} "
          f"(base rate {churned.mean():.1%})")


if __name__ == "__main__":
    main()
