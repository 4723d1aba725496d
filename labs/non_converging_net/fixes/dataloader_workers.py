"""Fix: a DataLoader with two worker processes and unseeded shuffling, AdamW on the model, inference_mode predict.

The loader shuffles (image, label) pairs together; the optimizer is built from
the network train() returns; the step size is AdamW's usual 1e-3. Runs differ
from one another (nothing seeds the shuffle), as they would on a team's machine.
"""

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from mllab.broken_models.non_converging_net import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.non_converging_net import build_model


def train(images, labels, cfg):
    loader = DataLoader(TensorDataset(torch.from_numpy(images), torch.from_numpy(labels)),
                        batch_size=cfg.batch_size, shuffle=True, num_workers=2,
                        persistent_workers=True)
    model = build_model(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
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
        print(f"  epoch {epoch}  train loss {total / len(images):.4f}")
    return model


@torch.inference_mode()
def predict(model, images, cfg):
    model.eval()
    logits = model(torch.as_tensor(images, device=cfg.device))
    return logits.argmax(dim=1).cpu().numpy().astype(np.int64)
