"""Fix: train() ships a serving network with no mode-dependent layer left in it.

Each BatchNorm is folded into the convolution before it (its running statistics
become part of the weights) and the dropout layers are left out, so the network
the scanners load computes the same function whatever mode it is in and whatever
else is in the call. predict() is the team's, unchanged.
"""

import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

from mllab.broken_models import eval_mode_forgotten as team
from mllab.broken_models.eval_mode_forgotten import *  # noqa: F403 - the team's code, unchanged


def serving_network(model: nn.Sequential) -> nn.Sequential:
    """The trained network with each conv+BatchNorm folded into one conv, without dropout."""
    layers, modules = [], list(model.eval())
    for layer in modules:
        if isinstance(layer, nn.BatchNorm2d):
            layers[-1] = fuse_conv_bn_eval(layers[-1], layer)
        elif not isinstance(layer, nn.Dropout):
            layers.append(layer)
    return nn.Sequential(*layers).requires_grad_(False)


def train(images, labels, cfg):
    return serving_network(team.train(images, labels, cfg))
