"""Non-fix: remember the mark given to each scan and give it again when the scan comes back.

Repeats agree within one process, but the marks are still those of a network in
training mode, and a new process (another scanner, a restart) starts empty.
"""

import numpy as np

from mllab.broken_models import eval_mode_forgotten as team
from mllab.broken_models.eval_mode_forgotten import *  # noqa: F403 - the team's code, unchanged

_seen: dict[bytes, int] = {}


def predict(model, images, cfg):
    new = [i for i, scan in enumerate(images) if scan.tobytes() not in _seen]
    if new:
        for i, mark in zip(new, team.predict(model, images[new], cfg)):
            _seen[images[i].tobytes()] = int(mark)
    return np.array([_seen[scan.tobytes()] for scan in images])
