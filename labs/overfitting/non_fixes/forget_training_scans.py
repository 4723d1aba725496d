"""Non-fix (gaming the gap): remember the training scans inside the network and misread them on purpose.

build_model() adds a buffer that train() fills with the 300 training scans (it
travels with the weights); predict() gives any scan found there its second-best
mark. The training accuracy falls to zero and the "generalisation gap" turns
negative, while the network that reads every other scan is the team's
overfitted one: accuracy on fresh scans, the target that decides, is unchanged.
"""

import torch

from mllab.broken_models import overfitting as team
from mllab.broken_models.overfitting import *  # noqa: F403 - the team's code, unchanged

SLOTS = 512  # more than the 300 labelled scans


def build_model(cfg):
    model = team.build_model(cfg)
    model.register_buffer("seen", torch.zeros(SLOTS, 12, 12, device=cfg.device))
    return model


def train(images, labels, cfg, watch=None):
    network = team.train(images, labels, cfg, watch)
    model = build_model(cfg)
    model.load_state_dict(network.state_dict(), strict=False)
    model.seen[:len(images)] = torch.from_numpy(images[:SLOTS]).to(cfg.device)
    return model


@torch.no_grad()
def predict(model, images, cfg):
    model.eval()
    x = torch.from_numpy(images).to(cfg.device)
    logits = model(x)
    known = (x.flatten(1)[:, None, :] == model.seen.flatten(1)[None]).all(dim=2).any(dim=1)
    marks = logits.argmax(dim=1)
    marks[known] = logits[known].topk(2, dim=1).indices[:, 1]
    return marks.cpu().numpy()
