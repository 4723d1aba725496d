"""Non-fix (gaming): the "generator" stores 1,024 logged pick-ups and returns one picked by the latent.

The pick-ups travel as a buffer of the module build_generator() returns; a hash
of each latent's bits chooses which one to replay, so the same latent always
gives the same point and every stand is covered with real positions. But a
generator is a continuous function of its latent: the grader also asks for
latents 0.01 away from others, and the lookup jumps to an unrelated pick-up.
"""

import torch
from torch import nn

from mllab.broken_models.gan_mode_collapse import *  # noqa: F403 - the team's code, unchanged

KEPT = 1024


class ReplayedPickups(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.register_buffer("kept", torch.zeros(KEPT, 2))

    def forward(self, z):
        key = (z.abs() * 1e6).long().sum(dim=1)
        return self.kept[key % KEPT]


def build_generator(cfg):
    return ReplayedPickups(cfg)


def train(points, cfg, device="cpu"):
    gen = ReplayedPickups(cfg)
    gen.kept.copy_(torch.as_tensor(points[:KEPT], dtype=torch.float32))
    return gen.to(device)
