"""Gearbox fault classifier for the wind farm's condition-monitoring dashboard.

Every ten minutes the condition-monitoring system records each turbine's gearbox
vibration and summarises it as 16 band energies of its spectrum (log scale,
standardised). A small network names the gearbox's condition (healthy, or one of
seven faults), and the dashboard shows its scores as probabilities (a softmax)
so that the maintenance planner can rank the turbines to visit. Since the first
training run the loss sits at 2.08 (a uniform guess over eight conditions) for
the first epochs, with first-layer gradients of about 0.01 to 0.02, and then
crawls: ten epochs end near 1.7 to 1.8. Validation accuracy is about 64%, one
of the eight conditions is never named, and on the dashboard no turbine's fault
probability ever rises above 28%, even for gearboxes the technicians have
opened and found cracked. No errors, no warnings.

Goal: a classifier that names the condition of nearly every recording, with
scores the dashboard can trust (see `mllab show softmax_before_ce` for the exact
targets), within the same 10-epoch budget. The grader calls
`train(bands, conditions, Config())`, then, in a fresh process, rebuilds the
network with `build_model(cfg)`, loads the trained weights and calls
`predict_logits(model, bands, cfg)` on recordings it holds back. Keep those names
and signatures.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

N_BANDS = 16  # band energies of one vibration spectrum
N_CONDITIONS = 8  # healthy and seven faults


@dataclass
class Config:
    hidden: int = 64
    """Units in each of the two hidden layers."""
    epochs: int = 10
    """Passes over the training recordings: the nightly job's budget."""
    batch_size: int = 64
    """Recordings per optimizer step."""
    lr: float = 0.1
    """SGD learning rate."""
    seed: int = 0
    """Seeds the initial weights and the data order, so runs are reproducible."""
    device: str = "cpu"
    """Where to train; the grader and `mllab run --device` set it."""


# ---------------------------------------------------------------- model


def build_model(cfg: Config) -> nn.Module:
    """A freshly initialised MLP from 16 band energies to the 8 conditions' scores."""
    torch.manual_seed(cfg.seed)
    model = nn.Sequential(
        nn.Linear(N_BANDS, cfg.hidden),
        nn.ReLU(),
        nn.Linear(cfg.hidden, cfg.hidden),
        nn.ReLU(),
        nn.Linear(cfg.hidden, N_CONDITIONS),
        nn.Softmax(dim=1),  # the dashboard shows probabilities
    )
    return model.to(cfg.device)


# ---------------------------------------------------------------- training loop


def batches(bands: np.ndarray, conditions: np.ndarray, cfg: Config, rng: np.random.Generator):
    """The training recordings in a fresh random order, as (x, y) tensors of cfg.batch_size."""
    order = rng.permutation(len(bands))
    for start in range(0, len(order), cfg.batch_size):
        rows = order[start:start + cfg.batch_size]
        yield (torch.from_numpy(bands[rows]).to(cfg.device),
               torch.from_numpy(conditions[rows]).to(cfg.device))


def train(bands: np.ndarray, conditions: np.ndarray, cfg: Config) -> nn.Module:
    """Train on (n, 16) float32 band energies and int64 condition numbers; return the network."""
    model = build_model(cfg)
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(cfg.seed)
    first = model[0].weight

    model.train()
    for epoch in range(1, cfg.epochs + 1):
        total, grad = 0.0, 0.0
        for x, y in batches(bands, conditions, cfg, rng):
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
            grad = max(grad, first.grad.norm().item())
        print(f"  epoch {epoch:2d}  train loss {total / len(bands):.4f}  "
              f"first-layer gradient norm (largest) {grad:.4f}")
    return model


# ---------------------------------------------------------------- serving


@torch.no_grad()
def predict_logits(model: nn.Module, bands: np.ndarray, cfg: Config) -> np.ndarray:
    """The 8 condition scores of each recording, shape (n, 8): the dashboard turns them
    into probabilities with a softmax and names the condition with the highest."""
    model.eval()
    return model(torch.from_numpy(bands).to(cfg.device)).cpu().numpy()


# ---------------------------------------------------------------- dashboard check


def main() -> None:
    from mllab.datasets.gearbox import CONDITIONS, recordings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(1)  # a tiny network: extra CPU threads only add overhead

    cfg = Config(seed=args.seed, device=args.device)
    bands, conditions = recordings(6000, seed=args.seed)
    val_bands, val_conditions = recordings(2000, seed=args.seed + 1)
    print(f"training on {len(bands):,} recordings of {N_CONDITIONS} conditions, on {cfg.device}")
    model = train(bands, conditions, cfg)

    scores = torch.from_numpy(predict_logits(model, val_bands, cfg))
    shown = torch.softmax(scores, dim=1)  # what the dashboard shows
    predicted = shown.argmax(dim=1).numpy()
    print(f"\nvalidation accuracy:        {np.mean(predicted == val_conditions):.1%} "
          f"(chance: {1 / N_CONDITIONS:.1%})")
    print(f"validation loss (dashboard): "
          f"{nn.functional.cross_entropy(scores, torch.from_numpy(val_conditions)).item():.4f}")
    top = shown.max(dim=1).values
    print(f"dashboard's top probability: median {top.median().item():.1%}, "
          f"highest {top.max().item():.1%}")
    counts = np.bincount(predicted, minlength=N_CONDITIONS)
    print("predicted conditions:       " + ", ".join(f"{c} {n}" for c, n in zip(CONDITIONS, counts)))


if __name__ == "__main__":
    main()
