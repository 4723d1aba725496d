"""Tiny test lab: label points by the sign of x0 + x1 (numpy only, trains in milliseconds)."""

import argparse

import numpy as np


def train(X, y):
    """Learn a threshold on the first feature."""
    return float(np.median(X[:, 0]))


def predict(model, X):
    return (X[:, 0] > model).astype(int)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    X = rng.standard_normal((400, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    model = train(X[:300], y[:300])
    print(f"tiny accuracy {(predict(model, X[300:]) == y[300:]).mean():.3f}")


if __name__ == "__main__":
    main()
