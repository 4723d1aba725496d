"""Fix: train() ships a dynamically int8-quantised copy of the network in evaluation mode,
and score() runs all the accounts through it in one forward pass without autograd.

Dynamic quantisation stores the Linear weights as int8 and quantises each call's
activations on the fly; on a CPU it cuts the matrix products' cost further, for an
AUC within a few thousandths of the float network's.
"""

import warnings

import numpy as np
import torch
from torch import nn

from mllab.broken_models import slow_inference as team
from mllab.broken_models.slow_inference import *  # noqa: F403 - the team's code, unchanged


def train(features, defaulted, cfg):
    model = team.train(features, defaulted, cfg).cpu().eval()
    with warnings.catch_warnings():  # torch.ao.quantization announces its move to torchao
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)


def score(model, features, cfg):
    with torch.no_grad():
        logits = model.eval()(torch.from_numpy(np.ascontiguousarray(features)))
    return torch.sigmoid(logits).squeeze(1).numpy()
