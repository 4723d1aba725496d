"""The grading process's checks on a network's returned tensors (graders/networks.py):
relabelling hidden units keeps an honest network's function in every layout the labs
see, and the fixed-map statistics tell frozen identity/permutation/constant layers from
trained ones."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from mllab.graders.networks import (entries_shuffled, fixed_maps, load_state_arrays,
                                    peak_share, rank_one_share, readable_rows, state_arrays,
                                    units_permuted)


class Residual(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.inp = nn.Linear(16, width)
        self.out = nn.Linear(width, 3)  # declared before the blocks: state_dict order differs
        self.blocks = nn.ModuleList(nn.Linear(width, width) for _ in range(4))
        self.norms = nn.ModuleList(nn.BatchNorm1d(width) for _ in range(4))

    def forward(self, x):
        h = torch.relu(self.inp(x))
        for block, norm in zip(self.blocks, self.norms):
            h = h + torch.relu(norm(block(h)))
        return self.out(h)


def chain():
    return nn.Sequential(nn.Linear(16, 32), nn.LayerNorm(32), nn.ReLU(), nn.Linear(32, 48),
                         nn.Sigmoid(), nn.Linear(48, 32), nn.ReLU(), nn.Linear(32, 3))


@pytest.mark.parametrize("build", [chain, lambda: Residual(24)])
def test_relabelled_units_compute_the_same_function(build):
    torch.manual_seed(0)
    model = build()
    if isinstance(model, Residual):  # non-trivial running statistics
        model.train()
        model(torch.randn(256, 16))
    model.eval()
    arrays = state_arrays(model, "t")
    rows = readable_rows(arrays["weights"], arrays["shapes"])
    permuted = units_permuted(arrays["weights"], rows, {16, 3}, np.random.default_rng(1))
    assert not np.array_equal(permuted, arrays["weights"])
    again = build().eval()
    load_state_arrays(again, permuted, arrays["shapes"], "build")
    x = torch.randn(100, 16)
    with torch.no_grad():
        torch.testing.assert_close(again(x), model(x), rtol=1e-5, atol=1e-5)


def test_fixed_maps_stand_out_from_random_and_shuffled_entries_keep_values():
    rng = np.random.default_rng(0)
    random = rng.normal(0, 0.2, (64, 64))
    scaled_permutation = 1.5 * np.eye(64)[rng.permutation(64)]
    constant, rank_one = np.full((64, 64), 0.3), np.outer(rng.normal(size=64), rng.normal(size=64))
    assert peak_share(random) < 0.2 and rank_one_share(random) < 0.2
    assert peak_share(scaled_permutation) == 1.0
    assert rank_one_share(constant) == pytest.approx(1.0)
    assert rank_one_share(rank_one) == pytest.approx(1.0)
    assert fixed_maps([random, scaled_permutation, constant, rank_one, np.zeros((64, 64)),
                       np.full((64, 64), np.nan)]) == 4  # NaN is left to other checks
    shuffled = entries_shuffled(random, rng)
    assert np.array_equal(np.sort(shuffled, axis=None), np.sort(random, axis=None))
    assert not np.array_equal(shuffled, random)
    signed = entries_shuffled(random, rng, signs=True)
    assert np.array_equal(np.sort(np.abs(signed), axis=None), np.sort(np.abs(random), axis=None))
