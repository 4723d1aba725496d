"""Check-box mark reader for the claims-forms team.

The scanner crops each hand-drawn mark on a claim form (12x12 grayscale patches:
ticks, crosses, strokes, rings, ...) and a network reads which of ten marks it
is. The old 3-layer reader confused the sloppier marks, so the team made it
deeper: 12 Linear layers with the same sigmoid units and the same small random
start as their old models. Since then the training loss creeps from 2.32 to
2.30 and stays there, and the reader is right about one mark in ten: chance.
No error, no NaN, and the loss does go down, a little.

Goal: a 12-layer reader that learns the marks, well above chance on fresh
scans, within the same 10-epoch budget (see `mllab show vanishing_gradients`
for the exact targets). Keep the depth: the team will grow this model and needs
deep networks that train, not a shallower one. The grader calls
`train(images, labels, Config())`, then, in a fresh process, rebuilds the
network with `build_model(cfg)`, loads the trained weights and calls
`predict(model, images, cfg)` on scans it holds back. Keep those names and
signatures.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn


@dataclass
class Config:
    hidden: int = 64
    """Units in each hidden layer."""
    num_layers: int = 12
    """Linear layers in the network, the input and the output layer included."""
    init_std: float = 0.05
    """Standard deviation of the initial weights: the small random start of the old models."""
    epochs: int = 10
    """Passes over the training scans: the nightly job's budget."""
    batch_size: int = 128
    """Scans per optimizer step."""
    lr: float = 0.1
    """SGD learning rate."""
    momentum: float = 0.9
    """SGD momentum."""
    log_every: int = 100
    """Print the loss and the first and last layer's gradient norms every this many steps."""
    seed: int = 0
    """Seeds the weights and the data order, so runs are reproducible."""
    device: str = "cpu"
    """Where to train; the grader and `mllab run --device` set it."""


# ---------------------------------------------------------------- model


def init_weights(model: nn.Module, std: float) -> None:
    """Draw every Linear layer's weights from N(0, std^2); start biases at zero."""
    for module in model.modules():
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=std)
            nn.init.zeros_(module.bias)


def build_model(cfg: Config) -> nn.Module:
    """A freshly initialised MLP: 12x12 scan in, ten mark scores (logits) out."""
    torch.manual_seed(cfg.seed)
    widths = [12 * 12] + [cfg.hidden] * (cfg.num_layers - 1)
    layers: list[nn.Module] = [nn.Flatten()]
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(n_in, n_out), nn.Sigmoid()]
    layers.append(nn.Linear(cfg.hidden, 10))
    model = nn.Sequential(*layers)
    init_weights(model, cfg.init_std)
    return model.to(cfg.device)


def gradient_norms(model: nn.Module) -> tuple[float, float]:
    """The gradient norms of the first and the last Linear layer's weights."""
    linear = [m for m in model.modules() if isinstance(m, nn.Linear)]
    return float(linear[0].weight.grad.norm()), float(linear[-1].weight.grad.norm())


# ---------------------------------------------------------------- training


def train(images: np.ndarray, labels: np.ndarray, cfg: Config) -> nn.Module:
    """Train on (n, 12, 12) float32 scans and int64 labels; return the network."""
    x = torch.from_numpy(images).to(cfg.device)
    y = torch.from_numpy(labels).to(cfg.device)
    model = build_model(cfg)
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum)
    order = torch.Generator().manual_seed(cfg.seed)

    step = 0
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        total = 0.0
        for batch in torch.randperm(len(x), generator=order).split(cfg.batch_size):
            loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            if step % cfg.log_every == 0:
                first, last = gradient_norms(model)
                print(f"  step {step:4d}  loss {loss.item():.4f}  grad norm: "
                      f"first layer {first:.3g}  last layer {last:.3g}")
            optimizer.step()
            total += loss.item() * len(batch)
            step += 1
        print(f"epoch {epoch:2d}  train loss {total / len(x):.4f}")
    return model


# ---------------------------------------------------------------- serving


@torch.no_grad()
def predict(model: nn.Module, images: np.ndarray, cfg: Config) -> np.ndarray:
    """The predicted mark (0..9) of each scan."""
    model.eval()
    logits = model(torch.from_numpy(images).to(cfg.device))
    return logits.argmax(dim=1).cpu().numpy()


# ---------------------------------------------------------------- nightly report


def main() -> None:
    from mllab.datasets.glyphs import CLASSES, glyphs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(1)  # a small network: extra CPU threads only add overhead

    cfg = Config(seed=args.seed, device=args.device)
    images, labels = glyphs(6000, seed=args.seed)
    val_images, val_labels = glyphs(2000, seed=args.seed + 1)
    print(f"training on {len(images):,} scans, {cfg.num_layers} Linear layers, on {cfg.device}")
    model = train(images, labels, cfg)

    predicted = predict(model, val_images, cfg)
    print(f"\nvalidation accuracy:  {np.mean(predicted == val_labels):.1%} "
          f"(chance: {1 / len(CLASSES):.0%})")
    counts = np.bincount(predicted, minlength=len(CLASSES))
    print("predicted marks:      " + ", ".join(f"{c} {n}" for c, n in zip(CLASSES, counts)))


if __name__ == "__main__":
    main()
