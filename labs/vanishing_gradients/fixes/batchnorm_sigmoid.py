"""Fix: BatchNorm before every hidden sigmoid (the team's init and units kept), a DataLoader, inference_mode predict.

BatchNorm rescales each layer's pre-activations to unit spread whatever the
weights are, so the sigmoids work in their steep middle instead of saturating
or flattening to 0.5, and the gradient keeps its scale layer after layer. The
DataLoader shuffles without a seed, so runs differ, as on a team's machine.
"""

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from mllab.broken_models.vanishing_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.vanishing_gradients import init_weights


def build_model(cfg):
    widths = [12 * 12] + [cfg.hidden] * (cfg.num_layers - 1)
    layers = [nn.Flatten()]
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(n_in, n_out), nn.BatchNorm1d(n_out), nn.Sigmoid()]
    layers.append(nn.Linear(cfg.hidden, 10))
    model = nn.Sequential(*layers)
    init_weights(model, cfg.init_std)
    return model.to(cfg.device)


def train(images, labels, cfg):
    loader = DataLoader(TensorDataset(torch.from_numpy(images), torch.from_numpy(labels)),
                        batch_size=cfg.batch_size, shuffle=True)
    model = build_model(cfg)
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum)
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        total = 0.0
        for x, y in loader:
            x, y = x.to(cfg.device), y.to(cfg.device)
            loss = nn.functional.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        print(f"epoch {epoch:2d}  train loss {total / len(images):.4f}")
    return model


@torch.inference_mode()
def predict(model, images, cfg):
    model.eval()
    logits = model(torch.as_tensor(images, device=cfg.device))
    return logits.argmax(dim=1).cpu().numpy().astype(np.int64)
