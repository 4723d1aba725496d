"""Non-fix (gaming): k-means finds the stands in train(); the "generator" draws around them at random.

The module that build_generator() returns carries the 8 k-means centres and the
scatter as buffers, so they travel with its tensors; its forward pass ignores
the latent and picks a random stand plus Gaussian noise. Every stand is covered
and every sample is close to one, but it is no function of the latent: the
grader repeats some latents inside the same call and the repeats land elsewhere.
"""

import numpy as np
import torch
from sklearn.cluster import KMeans
from torch import nn

from mllab.broken_models.gan_mode_collapse import *  # noqa: F403 - the team's code, unchanged


class StandSampler(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.register_buffer("centres", torch.zeros(8, 2))
        self.register_buffer("scatter", torch.zeros(1))

    def forward(self, z):
        stand = torch.randint(len(self.centres), (len(z),), device=z.device)
        return self.centres[stand] + self.scatter * torch.randn(len(z), 2, device=z.device)


def build_generator(cfg):
    return StandSampler(cfg)


def train(points, cfg, device="cpu"):
    kmeans = KMeans(n_clusters=8, n_init=4, random_state=0).fit(points)
    gen = StandSampler(cfg)
    gen.centres.copy_(torch.as_tensor(kmeans.cluster_centers_, dtype=torch.float32))
    spread = points - kmeans.cluster_centers_[kmeans.labels_]
    gen.scatter.fill_(float(np.sqrt((spread ** 2).mean())))
    return gen.to(device)
