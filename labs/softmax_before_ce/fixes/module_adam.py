"""Fix: a network class whose forward() returns logits, trained with F.cross_entropy and Adam.

The softmax lives only where probabilities are wanted (the dashboard applies it to
predict_logits()'s scores); the loss gets the raw scores. Unseeded initialisation,
a DataLoader, predictions under inference_mode.
"""

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from mllab.broken_models.softmax_before_ce import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models.softmax_before_ce import N_BANDS, N_CONDITIONS


class FaultNet(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.inp = nn.Linear(N_BANDS, hidden)
        self.mid = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, N_CONDITIONS)

    def forward(self, x):
        return self.out(F.relu(self.mid(F.relu(self.inp(x)))))


def build_model(cfg):
    return FaultNet(cfg.hidden).to(cfg.device)


def train(bands, conditions, cfg):
    model = build_model(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    data = TensorDataset(torch.as_tensor(bands), torch.as_tensor(conditions))
    model.train()
    for epoch in range(cfg.epochs):
        for x, y in DataLoader(data, batch_size=cfg.batch_size, shuffle=True):
            x, y = x.to(cfg.device), y.to(cfg.device)
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model


@torch.inference_mode()
def predict_logits(model, bands, cfg):
    model.eval()
    return model(torch.as_tensor(bands, device=cfg.device)).cpu().numpy()
