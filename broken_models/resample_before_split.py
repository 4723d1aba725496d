"""Payment-fraud scorer for an online shop's risk team.

About 2% of the shop's card payments turn out to be fraud (chargebacks, weeks
later). The team scores every payment so that the riskiest go to manual review.
Fraud being rare, they balance the classes first: every fraud is copied until
there are as many frauds as legitimate payments, as the imbalanced-learning
guides recommend. The model validated at an AUPRC of 0.98 and went live on that
number. On the payments it has scored since, once the chargebacks came in, its
AUPRC was about 0.6, and nobody changed the code.

Goal: a fraud scorer that ranks the payments it meets in production well, and an
estimate of its production AUPRC the team can trust before launch (see `mllab show
resample_before_split` for the exact targets).

The grader calls `train(transactions, Config())`, then `estimated_auprc(model)`
and `predict_scores(model, X)` on payments it holds back. Keep those names and
signatures.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = ["Time"] + [f"V{i}" for i in range(1, 29)] + ["Amount"]
TARGET = "Class"


@dataclass
class Config:
    validation_fraction: float = 0.25
    """Share of the (balanced) table held out to measure the model before launch."""
    C: float = 1.0
    """Inverse regularization strength of the logistic regression."""
    max_iter: int = 500
    """Solver iterations."""
    seed: int = 0


@dataclass
class FraudModel:
    pipeline: Pipeline
    validation_auprc: float


# ---------------------------------------------------------------- data preparation


def balance_classes(transactions: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Copy random frauds (with replacement) until both classes have the same count."""
    fraud = transactions[transactions[TARGET] == 1]
    legit = transactions[transactions[TARGET] == 0]
    extra = fraud.sample(len(legit) - len(fraud), replace=True, random_state=seed)
    return pd.concat([transactions, extra]).sample(frac=1.0, random_state=seed)


# ---------------------------------------------------------------- training


def build_model(cfg: Config) -> Pipeline:
    return make_pipeline(StandardScaler(), LogisticRegression(C=cfg.C, max_iter=cfg.max_iter))


def train(transactions: pd.DataFrame, cfg: Config) -> FraudModel:
    """Balance the classes, fit on part of the table, measure AUPRC on the rest."""
    balanced = balance_classes(transactions, cfg.seed)
    X_fit, X_val, y_fit, y_val = train_test_split(
        balanced[FEATURES], balanced[TARGET], test_size=cfg.validation_fraction,
        stratify=balanced[TARGET], random_state=cfg.seed)
    pipeline = build_model(cfg).fit(X_fit, y_fit)
    auprc = average_precision_score(y_val, pipeline.predict_proba(X_val)[:, 1])
    return FraudModel(pipeline, float(auprc))


def estimated_auprc(model: FraudModel) -> float:
    """The AUPRC the team expects on the payments it scores: the validation AUPRC."""
    return model.validation_auprc


# ---------------------------------------------------------------- scoring


def predict_scores(model: FraudModel, X: pd.DataFrame) -> np.ndarray:
    """Fraud score of each payment (higher = riskier)."""
    return model.pipeline.predict_proba(X[FEATURES])[:, 1]


# ---------------------------------------------------------------- launch review


def main() -> None:
    from mllab.datasets.fraud import transactions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", help="unused: this model trains on CPU")
    args = parser.parse_args()

    history = transactions(60_000, seed=args.seed, world=args.seed, fraud_rate=0.02,
                           risk_cap=0.75)
    print(f"training on {len(history):,} payments, {history[TARGET].mean():.2%} fraud")
    model = train(history, Config(seed=args.seed))
    print(f"validation AUPRC (launch review):  {estimated_auprc(model):.3f}")

    since = transactions(100_000, seed=args.seed + 1, world=args.seed, fraud_rate=0.02,
                         risk_cap=0.75)
    scores, fraud = predict_scores(model, since), since[TARGET].to_numpy()
    print(f"\nsince launch ({len(since):,} payments, chargebacks in)")
    print(f"  AUPRC:                           {average_precision_score(fraud, scores):.3f}")
    print(f"  flagging at random would score:  {fraud.mean():.3f}")


if __name__ == "__main__":
    main()
