"""Purchase-propensity model for an online car insurer's quotes.

Every quote the website gives is scored with the chance that the visitor buys
the policy within a week; the sales team calls the likeliest buyers first. This
script trains the model on the quote history (18 months, one row per quote,
`bought` = 1 when the policy was bought) and reports its validation AUC, which
last quarter's review approved. A drift monitor compares the quotes of the live
month with those the model was trained on, and pages the team when they differ.

This month the calls stopped converting: the quotes the model ranks highest
buy hardly more often than the rest, and the monitor stayed quiet.

Goal: a model that ranks this month's quotes well, and a drift check that
tells a market that moved from one that did not (see `mllab show
production_drift` for the exact targets).

The grader calls `train(history, Config())`, then `predict(model, quotes)` on
the quotes of the month after the history, and `drift_score(reference, live)` on
pairs of quote tables. Keep those names and signatures.
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
from sklearn.preprocessing import OrdinalEncoder

NUMERIC = ["premium", "price_gap_pct", "driver_age", "car_value", "prior_claims"]
CATEGORICAL = ["channel"]
FEATURES = NUMERIC + CATEGORICAL
TARGET = "bought"


@dataclass
class Config:
    validation_fraction: float = 0.25
    """Share of the history held out to measure the model before it ships."""
    learning_rate: float = 0.1
    """Step size of the gradient-boosting rounds."""
    max_iter: int = 200
    """Most boosting rounds; early stopping usually ends sooner."""
    max_leaf_nodes: int = 31
    """Size of each tree."""
    drift_alert: float = 0.10
    """drift_score() above this pages the team."""
    seed: int = 0


@dataclass
class QuoteModel:
    pipeline: Pipeline
    validation_auc: float


# ---------------------------------------------------------------- training


def build_model(cfg: Config) -> Pipeline:
    """Channel as a category, then gradient-boosted trees."""
    encode = make_column_transformer(
        (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), CATEGORICAL),
        remainder="passthrough")
    trees = HistGradientBoostingClassifier(
        learning_rate=cfg.learning_rate, max_iter=cfg.max_iter, max_leaf_nodes=cfg.max_leaf_nodes,
        categorical_features=[0], random_state=cfg.seed)
    return make_pipeline(encode, trees)


def train(history: pd.DataFrame, cfg: Config) -> QuoteModel:
    """Fit on the quote history; measure AUC on a held-out part of it."""
    X, y = history[FEATURES], history[TARGET]
    X_fit, X_val, y_fit, y_val = train_test_split(
        X, y, test_size=cfg.validation_fraction, stratify=y, random_state=cfg.seed)
    pipeline = build_model(cfg).fit(X_fit, y_fit)
    auc = roc_auc_score(y_val, pipeline.predict_proba(X_val)[:, 1])
    return QuoteModel(pipeline, float(auc))


def predict(model: QuoteModel, quotes: pd.DataFrame) -> np.ndarray:
    """P(the visitor buys within a week) for each quote."""
    return model.pipeline.predict_proba(quotes[FEATURES])[:, 1]


# ---------------------------------------------------------------- monitoring


def drift_score(reference: pd.DataFrame, live: pd.DataFrame) -> float:
    """How far the live quotes moved from the reference ones: the largest relative
    change of a column's average (0.10 = some column's mean moved by 10%)."""
    before = reference[NUMERIC].mean()
    after = live[NUMERIC].mean()
    return float(((after - before).abs() / before.abs().clip(lower=1e-9)).max())


# ---------------------------------------------------------------- this month's review


def main() -> None:
    from mllab.datasets.quotes import quotes, world

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", help="unused: this model trains on CPU")
    args = parser.parse_args()

    market = world(args.seed)
    history = quotes(market, 20_000, 0, 540, seed=[args.seed, 1])
    first, last = history["quoted_at"].min(), history["quoted_at"].max()
    print(f"quote history: {len(history):,} quotes, {first:%d %b %Y} to {last:%d %b %Y}, "
          f"{history[TARGET].mean():.1%} bought")
    cfg = Config(seed=args.seed)
    model = train(history, cfg)
    print(f"validation AUC (last quarter's review): {model.validation_auc:.3f}")

    # this month: the quotes scored since the model shipped, outcomes known a week later
    month = quotes(market, 5_000, 540, 570, seed=[args.seed, 2])
    scores, bought = predict(model, month), month[TARGET].to_numpy()
    called = np.argsort(-scores)[: len(scores) // 10]
    print(f"\nthis month ({month['quoted_at'].min():%d %b} to {month['quoted_at'].max():%d %b})")
    print(f"  AUC:                                 {roc_auc_score(bought, scores):.3f}")
    print(f"  bought among the 10% called first:   {bought[called].mean():.1%} "
          f"(all quotes {bought.mean():.1%})")

    last_quarter = history[history["quoted_at"] > last - pd.Timedelta(days=90)]
    score = drift_score(last_quarter, month)
    print(f"\ndrift monitor, last quarter vs this month: {score:.3f} "
          f"({'ALERT' if score > cfg.drift_alert else 'quiet'}; alerts above {cfg.drift_alert})")


if __name__ == "__main__":
    main()
