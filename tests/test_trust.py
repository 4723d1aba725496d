"""A submission that rewrites the harness beside it cannot change its verdict.

The lab's harness runs in the submission's process, so the learner's code can
replace its functions, wrap what it saves, walk the calling frames and the
garbage collector. Every check is computed in the grading process from arrays
the learner's functions returned, so such tampering, added to a broken file,
leaves that file failing. One test per lab, graded as ``mllab submit`` grades it
(the lab's training seeds, fixed evaluation seeds so the run is deterministic).
"""

from __future__ import annotations

from mllab import labs
from mllab.graders import Options, grade

# Appended to a broken file: at import, before any of its functions is called, it
# rewrites what the harness does and what it returns to the grader.
TAMPERING = '''

# ---------------------------------------------------------------- tampering (test)
import gc as _gc
import sys as _sys

import numpy as _np


def _forged(key, value):
    """What the harness is made to return instead of ``value``."""
    value = value.detach().cpu().numpy() if hasattr(value, "detach") else _np.asarray(value)
    if key == "losses":
        return _np.zeros(len(value))  # a loss history that never diverged
    if key == "predictions":
        return _np.zeros(len(value), dtype=value.dtype)  # a fixed answer for every row
    return value


def _tamper():
    harness = _sys.modules.get("lab_harness")
    child = _sys.modules.get("mllab.graders.child")
    if harness is not None:  # the harness's helpers and globals, replaced
        harness.load_state_arrays = lambda *args, **kwargs: None
        vars(harness)["np"] = _np
    if child is not None:  # every array the harness hands back, rewritten on the way out
        save = child._save_outputs
        child._save_outputs = lambda outputs, folder: save(
            {key: _forged(key, value) for key, value in outputs.items()}, folder)
        child.seed_everything = lambda seed: None
    frame = _sys._getframe()
    while frame is not None:  # the calling frames: the inputs the grader chose
        inputs = frame.f_locals.get("inputs")
        if isinstance(inputs, dict) and "seed" in frame.f_locals.get("job", {}):
            frame.f_locals["job"]["seed"] = 0
        frame = frame.f_back
    for obj in _gc.get_objects():  # anything named like a check, made to agree
        if callable(obj) and getattr(obj, "__name__", "") in ("measure", "make_split"):
            obj.__code__ = (lambda *args, **kwargs: {}).__code__


_tamper()
'''


def _grade_tampered(lab_id: str, tmp_path):
    lab = labs.get(lab_id)
    file = tmp_path / f"{lab_id}.py"
    file.write_text(lab.broken_file.read_text() + TAMPERING)
    pairs = tuple((seed, 1_000_003 * (seed + 1)) for seed in lab.seeds)
    return grade(lab, file, Options(device="cpu", seed_pairs=pairs))


def test_non_converging_net_harness_tampering_leaves_the_broken_file_failing(tmp_path):
    report = _grade_tampered("non_converging_net", tmp_path)
    assert report.verdict == "fail", f"{report.verdict}: {report.reason}"
    assert all(run.metrics["accuracy"] < 0.75 for run in report.runs)


def test_exploding_gradients_harness_tampering_leaves_the_broken_file_failing(tmp_path):
    report = _grade_tampered("exploding_gradients", tmp_path)
    assert report.verdict == "fail", f"{report.verdict}: {report.reason}"
    assert all(run.metrics["mse"] > 0.4 for run in report.runs)
