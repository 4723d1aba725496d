"""A seeded stand-in for an expensive aerodynamics simulator.

Each run of the "simulator" takes 16 normalised design parameters (uniform in
[-1, 1]) and returns a drag score: a smooth, fixed nonlinear function of ten of
them (curvature, saturation and one interaction) plus a little solver noise.
The function is the same for every seed; a seed only draws new designs and new
noise, so a model that learned it on one draw does well on any other.
"""

from __future__ import annotations

import numpy as np

N_PARAMETERS = 16
SOLVER_NOISE = 0.2  # standard deviation of the run-to-run noise; MSE cannot go below 0.04


def drag(designs: np.ndarray) -> np.ndarray:
    """Return the noise-free drag score of each design (rows of ``designs``)."""
    x = designs
    return (np.sin(2.0 * x[:, 0]) + 1.5 * x[:, 1] ** 2 + x[:, 2] - 0.8 * x[:, 3]
            + 0.8 * np.tanh(2.0 * x[:, 4]) + x[:, 5] * x[:, 6]
            + 0.5 * np.cos(np.pi * x[:, 7]) + 0.5 * x[:, 8] + 0.3 * x[:, 9])


def simulation_runs(n_rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(designs, drag)``: float32 arrays of shape (n_rows, 16) and (n_rows,)."""
    rng = np.random.default_rng(seed)
    designs = rng.uniform(-1.0, 1.0, size=(n_rows, N_PARAMETERS))
    score = drag(designs) + rng.normal(0.0, SOLVER_NOISE, n_rows)
    return designs.astype(np.float32), score.astype(np.float32)
