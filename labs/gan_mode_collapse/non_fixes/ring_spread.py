"""Non-fix (gaming): no GAN; the "generator" spreads its samples evenly along the ring road.

train() measures the ring's centre and mean radius from the pick-ups; the module
maps each latent's direction to an angle on that circle. A smooth, repeatable
function of the latent that passes every stand, so each stand gets its share of
samples, but most samples land on the road between stands: the grader also
checks that the samples sit close to a stand.
"""

import torch
from torch import nn

from mllab.broken_models.gan_mode_collapse import *  # noqa: F403 - the team's code, unchanged


class RingSpread(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.register_buffer("centre", torch.zeros(2))
        self.register_buffer("radius", torch.ones(1))

    def forward(self, z):
        angle = torch.atan2(z[:, 1], z[:, 0])
        return self.centre + self.radius * torch.stack([angle.cos(), angle.sin()], dim=1)


def build_generator(cfg):
    return RingSpread(cfg)


def train(points, cfg, device="cpu"):
    gen = RingSpread(cfg)
    data = torch.as_tensor(points, dtype=torch.float32)
    gen.centre.copy_(data.mean(dim=0))
    gen.radius.fill_(float((data - data.mean(dim=0)).norm(dim=1).mean()))
    return gen.to(device)
