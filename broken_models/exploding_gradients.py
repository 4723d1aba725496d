"""Drag surrogate for the aero team's design optimiser.

Every CFD run of a wing design takes an hour, so the optimiser screens designs
with a neural surrogate instead: 16 normalised design parameters in, the drag
score out, trained on logged simulator runs. The old 4-layer surrogate missed
the interactions between parameters, so the team moved to a 12-layer MLP. Since
the switch, the training loss turns into NaN early in the first epoch and the
surrogate predicts NaN for every design.

Goal: a 12-layer surrogate whose training loss stays finite and whose error on
fresh simulator runs is small (see `mllab show exploding_gradients` for the
exact targets). Keep the depth: the team will grow this model, and needs deep
networks that train, not a shallower one.

The grader calls `train(designs, drag, Config(), device)`, which returns the
model and its loss per epoch; then, in a fresh process, it rebuilds the model
with `build_model`, loads the trained weights and calls
`predict(model, designs, device)` on runs it holds back. Keep those names and
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
    hidden_width: int = 64
    """Units in each hidden layer."""
    num_layers: int = 12
    """Linear layers in the network, the input and the output layer included."""
    init_std: float = 0.4
    """Standard deviation of the initial weights, carried over from the old surrogate."""
    lr: float = 0.05
    """SGD learning rate."""
    momentum: float = 0.9
    """SGD momentum."""
    batch_size: int = 256
    """Simulator runs per optimisation step."""
    epochs: int = 12
    """Passes over the training runs."""
    log_every: int = 25
    """Print the loss and the gradient norms every this many steps."""


# ---------------------------------------------------------------- model


def init_weights(model: nn.Module, std: float) -> None:
    """Draw every Linear layer's weights from N(0, std^2); start biases at zero."""
    for module in model.modules():
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=std)
            nn.init.zeros_(module.bias)


def build_model(n_inputs: int, cfg: Config) -> nn.Module:
    """Return the MLP: ``cfg.num_layers`` Linear layers with ReLU in between."""
    widths = [n_inputs] + [cfg.hidden_width] * (cfg.num_layers - 1)
    layers: list[nn.Module] = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    layers.append(nn.Linear(cfg.hidden_width, 1))
    model = nn.Sequential(*layers)
    init_weights(model, cfg.init_std)
    return model


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    """The model's Linear layers, input side first."""
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


# ---------------------------------------------------------------- training


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer,
               x: torch.Tensor, y: torch.Tensor) -> float:
    """One SGD step on a batch; return the batch's mean squared error."""
    loss = nn.functional.mse_loss(model(x).squeeze(-1), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def train(designs: np.ndarray, drag: np.ndarray, cfg: Config,
          device: str = "cpu") -> tuple[nn.Module, list[float]]:
    """Fit the surrogate; return it with the mean training loss of each epoch."""
    x = torch.as_tensor(designs, dtype=torch.float32, device=device)
    y = torch.as_tensor(drag, dtype=torch.float32, device=device)
    model = build_model(x.shape[1], cfg).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum)
    first, last = linear_layers(model)[0], linear_layers(model)[-1]
    history, step = [], 0
    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for batch in torch.randperm(len(x), device=device).split(cfg.batch_size):
            loss = train_step(model, optimizer, x[batch], y[batch])
            total += loss * len(batch)
            if step % cfg.log_every == 0:
                print(f"epoch {epoch + 1:2d} step {step:4d}  loss {loss:10.4g}  grad norm: "
                      f"first layer {first.weight.grad.norm():10.4g}  "
                      f"last layer {last.weight.grad.norm():10.4g}")
            step += 1
        history.append(total / len(x))
    return model, history


# ---------------------------------------------------------------- serving


@torch.no_grad()
def predict(model: nn.Module, designs: np.ndarray, device: str = "cpu") -> np.ndarray:
    """Predicted drag score for each design."""
    model.eval()
    x = torch.as_tensor(designs, dtype=torch.float32, device=device)
    return model(x).squeeze(-1).cpu().numpy().astype(np.float64)


# ---------------------------------------------------------------- report


def main() -> None:
    from mllab.datasets.simulator import simulation_runs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(1)  # a small network: extra CPU threads only add overhead
    torch.manual_seed(args.seed)

    designs, drag = simulation_runs(8_000, seed=args.seed)
    new_designs, new_drag = simulation_runs(4_000, seed=args.seed + 1)
    print(f"training on {len(designs):,} simulator runs, {Config().num_layers} Linear layers")
    model, history = train(designs, drag, Config(), args.device)

    predicted = predict(model, new_designs, args.device)
    print("\nmean training loss per epoch: " + " ".join(f"{v:.3g}" for v in history))
    print(f"MSE on {len(new_drag):,} new runs:   {np.mean((predicted - new_drag) ** 2):.4g}"
          f"  (always predicting the mean: {np.var(new_drag):.3g})")
    print(f"NaN predictions:           {int(np.isnan(predicted).sum()):,} of {len(predicted):,}")


if __name__ == "__main__":
    main()
