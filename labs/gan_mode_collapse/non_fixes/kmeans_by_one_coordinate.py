"""Non-fix (gaming): the team's collapsed GAN kept as is, its samples moved to k-means centres of the pick-ups chosen by the first latent coordinate.

train() trains the team's GAN unchanged, then clusters the pick-ups into 64
k-means centres, sorted by angle around the ring, and keeps them in a buffer of
the module build_generator() returns. Its forward pass still runs the collapsed
generator, then moves each sample to the centre that a steep softmax of the
first latent coordinate picks (blending neighbouring centres in between, so a
latent 0.01 away lands nearby). Every stand gets its share, every sample sits
on a stand, repeats agree: but the sample is a function of one latent
coordinate, a lookup into the data rather than a generator of the whole latent.
"""

import numpy as np
import torch
from sklearn.cluster import KMeans
from torch import nn

from mllab.broken_models.gan_mode_collapse import *  # noqa: F403 - the team's code, unchanged
from mllab.broken_models import gan_mode_collapse as _team

CENTRES = 64


class MovedToCentres(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gan = _team.build_generator(cfg)
        self.register_buffer("centres", torch.zeros(CENTRES, 2))

    def forward(self, z):
        collapsed = self.gan(z)
        # the first coordinate's normal quantile, spread over the centres' indices
        where = 0.5 * (1 + torch.erf(z[:, :1] / 2 ** 0.5)) * (CENTRES - 1)
        weights = torch.softmax(-20 * (where - torch.arange(CENTRES, device=z.device)) ** 2, 1)
        return weights @ self.centres + 0 * collapsed


def build_generator(cfg):
    return MovedToCentres(cfg)


def train(points, cfg, device="cpu"):
    gen = MovedToCentres(cfg)
    gen.gan.load_state_dict(_team.train(points, cfg, "cpu").state_dict())
    centres = KMeans(n_clusters=CENTRES, n_init=2, random_state=0).fit(points).cluster_centers_
    centre = points.mean(axis=0)
    order = np.argsort(np.arctan2(centres[:, 1] - centre[1], centres[:, 0] - centre[0]))
    gen.centres.copy_(torch.as_tensor(centres[order], dtype=torch.float32))
    return gen.to(device)
