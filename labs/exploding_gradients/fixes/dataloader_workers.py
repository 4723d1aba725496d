"""Fix: He-uniform init, SGD at lr 0.01, batches from a DataLoader with two workers, a fresh random seed per run.

Nothing seeds the weights or the batch order (torch.seed() draws a new seed), so
every run differs, as on a team's machine; the depth and the chain stay.
"""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from mllab.broken_models.exploding_gradients import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import exploding_gradients as _team


def init_weights(model, std):
    for module in model.modules():
        if isinstance(module, nn.Linear):
            nn.init.kaiming_uniform_(module.weight, nonlinearity="relu")
            nn.init.zeros_(module.bias)


def train(designs, drag, cfg, device="cpu"):
    torch.seed()
    loader = DataLoader(TensorDataset(torch.as_tensor(designs), torch.as_tensor(drag)),
                        batch_size=cfg.batch_size, shuffle=True, num_workers=2,
                        persistent_workers=True)
    model = _team.build_model(designs.shape[1], cfg).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=cfg.momentum)
    history = []
    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for x, y in loader:
            total += _team.train_step(model, optimizer, x.to(device), y.to(device)) * len(y)
        history.append(total / len(designs))
        print(f"epoch {epoch + 1:2d}  loss {history[-1]:.4g}")
    return model, history


_team.init_weights = init_weights  # build_model() looks the helper up in the team's module
