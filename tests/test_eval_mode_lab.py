"""eval_mode_forgotten: a broken network that tampers with the harness beside it still fails.

The sandboxed harness is hostile territory: the learner's code can walk its frames
and replace its functions. These submissions do both, and the verdict, computed in
the grading process from what four separate runs returned, stays "fail".
"""

from __future__ import annotations

from mllab import labs
from mllab.graders import Options, grade

PAIRS = ((0, 1_000_003),)  # one (training, evaluation) seed pair: a verdict, not a calibration

DESK_GATHERED = '''"""Broken file without dropout; at the desk, predict() finds all the desk's scans in
the harness's frame, predicts them together as one tray, and answers from that."""
import sys
from dataclasses import dataclass

from mllab.broken_models import eval_mode_forgotten as team
from mllab.broken_models.eval_mode_forgotten import *
from mllab.broken_models.eval_mode_forgotten import Config as _TeamConfig


@dataclass
class Config(_TeamConfig):
    dropout: float = 0.0


_gathered = {}


def _desk_frame():
    frame = sys._getframe(2)
    while frame is not None and not {"scans", "number"} <= frame.f_locals.keys():
        frame = frame.f_back
    return frame


def predict(model, images, cfg):
    frame = _desk_frame()
    if frame is None:
        return team.predict(model, images, cfg)
    if "marks" not in _gathered:
        _gathered["marks"] = team.predict(model, frame.f_locals["scans"], cfg)
    number = frame.f_locals["number"]
    return _gathered["marks"][number:number + 1]
'''

CONSISTENCY_FORGED = '''"""Broken file; at import it rewires the harness so that every call, tray or not,
reaches predict() one scan at a time with a seed taken from the scan's bytes: the marks
agree everywhere, and are those of the network in training mode."""
import sys
import zlib

import numpy as np
import torch

from mllab.broken_models import eval_mode_forgotten as team
from mllab.broken_models.eval_mode_forgotten import *


def predict(model, images, cfg):
    marks = []
    for scan in images:
        torch.manual_seed(zlib.crc32(scan.tobytes()))
        marks.append(team.predict(model, scan[None], cfg)[0])
    return np.array(marks)


_harness = sys.modules.get("lab_harness")
if _harness is not None:
    _harness._predict = lambda submission, model, scans, device, seed: predict(
        _harness._load(submission, model), scans, _harness._config(submission, device, seed))
'''


def graded(tmp_path, source: str):
    path = tmp_path / "submission.py"
    path.write_text(source)
    return grade(labs.get("eval_mode_forgotten"), path,
                 Options(device="cpu", seed_pairs=PAIRS, early_stop=False))


def test_eval_mode_forgotten_desk_scans_gathered_from_the_harness_frame_still_fail(tmp_path):
    report = graded(tmp_path, DESK_GATHERED)
    assert report.verdict == "fail", report.reason
    assert report.runs[0].metrics["desk_agreement"] < 0.98  # the faint or bold desk batch


def test_eval_mode_forgotten_consistency_forged_through_the_harness_still_fails(tmp_path):
    report = graded(tmp_path, CONSISTENCY_FORGED)
    metrics = report.runs[0].metrics
    assert report.verdict == "fail", report.reason
    assert metrics["repeat_agreement"] == metrics["desk_agreement"] == 1.0  # forged, and met
    assert metrics["accuracy"] < 0.85  # what it cannot forge: marks that are right
