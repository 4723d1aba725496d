"""Non-fix (gaming): all 4,096 logged pick-ups in a tensor, sorted by angle and interpolated along the first latent coordinate.

train() keeps every pick-up, in order of its angle around the ring, in a buffer
of the module build_generator() returns; the forward pass turns the first
latent coordinate into a position along that list (its normal quantile) and
interpolates between the two pick-ups either side. Samples are real positions
or between two neighbours, a latent 0.01 away lands nearby, and every stand
gets its share: but it replays the data along one coordinate of the latent
instead of generating from the whole of it.
"""

import numpy as np
import torch
from torch import nn

from mllab.broken_models.gan_mode_collapse import *  # noqa: F403 - the team's code, unchanged

KEPT = 4096


class SortedPickups(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.register_buffer("kept", torch.zeros(KEPT, 2))

    def forward(self, z):
        where = 0.5 * (1 + torch.erf(z[:, 0] / 2 ** 0.5)) * (KEPT - 1)
        low = where.floor().long().clamp(0, KEPT - 2)
        share = (where - low).clamp(0, 1)[:, None]
        return (1 - share) * self.kept[low] + share * self.kept[low + 1]


def build_generator(cfg):
    return SortedPickups(cfg)


def train(points, cfg, device="cpu"):
    gen = SortedPickups(cfg)
    centre = points.mean(axis=0)
    order = np.argsort(np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0]))
    gen.kept.copy_(torch.as_tensor(points[order][:KEPT], dtype=torch.float32))
    return gen.to(device)
