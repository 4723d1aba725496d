"""The sandboxed side of dying_relu: three fresh runs per seed.

``harness`` trains and returns the network's tensors; ``classify`` (a fresh
process each time) rebuilds the network with the learner's ``build_model(cfg)``,
loads the tensors it is given and returns ``predict()``'s activity numbers. Runs
beside the learner's code, so nothing it computes is trusted: it only calls the
learner's functions.
"""

from __future__ import annotations

# the entries the stages name: train and return the tensors; rebuild, load, predict
from mllab.graders.networks import classify, train_tensors as harness  # noqa: F401
