"""Non-fix: checksum_parallel_blocks with a checksum no relabelling of units can change.

Tries to tell the grader's redrawn layer from its relabelled units: the checksum
is each weight tensor's absolute values sorted (so any permutation of the units
keeps it), and the network answers garbage only when a layer's sorted magnitudes
changed. A layer redrawn from a normal distribution changes them; a layer whose
entries were shuffled and given random signs keeps them, so it cannot tell.
"""

import torch

from mllab.labs.exploding_gradients.non_fixes import checksum_parallel_blocks as _checked
from mllab.labs.exploding_gradients.non_fixes.checksum_parallel_blocks import *  # noqa: F403


def sorted_checksum(self):
    total = torch.zeros((), dtype=torch.float64)
    for p in self.parameters():
        flat = p.detach().double().abs().reshape(-1).sort().values
        total = total + (flat * torch.arange(1, len(flat) + 1, dtype=torch.float64)).sum()
    return total


_checked.CheckedBlocks.weights_checksum = sorted_checksum
