"""{title}.

FILL IN: the story (who runs this, what they see) and the goal, never the cause.
The grader calls `train((X, y), Config())` and then `predict(model, X)`.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn


@dataclass
class Config:
    n_features: int = 3
    """Columns the model reads (the legacy feature set)."""
    hidden: int = 16
    """Units in the hidden layer."""
    lr: float = 0.01
    """Adam's learning rate."""
    epochs: int = 150
    """Full-batch passes over the training rows."""


# ---------------------------------------------------------------- model


def build_model(cfg: Config) -> nn.Module:
    return nn.Sequential(nn.Linear(cfg.n_features, cfg.hidden), nn.ReLU(),
                         nn.Linear(cfg.hidden, 1))


# ---------------------------------------------------------------- training


def train(data, cfg: Config) -> nn.Module:
    X, y = data
    x = torch.as_tensor(X[:, :cfg.n_features], dtype=torch.float32)
    target = torch.as_tensor(y, dtype=torch.float32)
    model = build_model(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for _ in range(cfg.epochs):
        optimizer.zero_grad()
        loss = nn.functional.binary_cross_entropy_with_logits(model(x).squeeze(1), target)
        loss.backward()
        optimizer.step()
    return model


@torch.no_grad()
def predict(model: nn.Module, X: np.ndarray) -> np.ndarray:
    x = torch.as_tensor(X[:, :model[0].in_features], dtype=torch.float32)
    return (model(x).squeeze(1) > 0).long().numpy()


# ---------------------------------------------------------------- report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(1)  # a small network: extra CPU threads only add overhead
    torch.manual_seed(args.seed)
    # data drawn the way the grader draws it (labs/{id}/grading.py)
    rng = np.random.default_rng(args.seed)
    direction = rng.standard_normal(10)
    direction[:3] *= 1.0 / np.linalg.norm(direction[:3])
    direction[3:] *= 3.0 / np.linalg.norm(direction[3:])
    X = rng.standard_normal((4000, 10))
    y = (X @ direction + 0.5 * rng.standard_normal(4000) > 0).astype(int)
    model = train((X[:2000], y[:2000]), Config())
    print(f"accuracy on held-out rows: {(predict(model, X[2000:]) == y[2000:]).mean():.3f}")


if __name__ == "__main__":
    main()
