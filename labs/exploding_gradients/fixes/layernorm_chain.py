"""Fix: LayerNorm after each hidden Linear layer (a plain chain, no skips), Adam at 3e-3, inference_mode predict.

The normalisation resets every hidden layer's output to unit scale, so the team's
large initial weights cannot compound over the 12 layers; Adam's per-weight step
sizes replace SGD's single rate.
"""

import numpy as np
import torch
from torch import nn

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.exploding_gradients import init_weights


def build_model(n_inputs, cfg):
    widths = [n_inputs] + [cfg.hidden_width] * (cfg.num_layers - 1)
    layers = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(n_in, n_out), nn.LayerNorm(n_out), nn.ReLU()]
    layers.append(nn.Linear(cfg.hidden_width, 1))
    model = nn.Sequential(*layers)
    init_weights(model, cfg.init_std)
    return model


def train(designs, drag, cfg, device="cpu"):
    x = torch.as_tensor(designs, dtype=torch.float32, device=device)
    y = torch.as_tensor(drag, dtype=torch.float32, device=device)
    model = build_model(x.shape[1], cfg).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    history = []
    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for batch in torch.randperm(len(x), device=device).split(cfg.batch_size):
            loss = nn.functional.mse_loss(model(x[batch]).squeeze(-1), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        history.append(total / len(x))
        print(f"epoch {epoch + 1:2d}  loss {history[-1]:.4g}")
    return model, history


@torch.inference_mode()
def predict(model, designs, device="cpu"):
    model.eval()
    x = torch.as_tensor(designs, dtype=torch.float32, device=device)
    return model(x).squeeze(-1).cpu().numpy().astype(np.float64)


