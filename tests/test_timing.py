"""Stages timed from outside, and stages that run a grader-chosen file (a reference).

``outputs.seconds(stage)`` in ``measure`` is the grading process's own clock around a
stage's whole sandboxed process; ``Stage(submission=...)`` runs a file of the lab's
``reference/`` folder instead of the learner's, in the same sandbox, hidden from the
learner's runs; its failure is the grader's, never the learner's.
"""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from conftest import COURSE, SUBMISSIONS
from mllab import labs
from mllab.graders import Options, grade, sandbox

GRADING = '''
from pathlib import Path

import numpy as np

from mllab.graders import Split, Stage

REFERENCE = Path(__file__).resolve().parent / "reference" / "slow.py"


def make_split(train_seed, eval_seed):
    rng = np.random.default_rng(train_seed)
    X = rng.standard_normal((300, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    data = {"train": (X, y), "eval": X}
    return Split(truth=y, stages=(
        Stage("reference", data, outputs=("pred",), keep_as=("reference",), submission=REFERENCE),
        Stage("learner", data, outputs=("pred",)),
    ))


def measure(outputs, truth):
    pred = outputs.array("pred", len(truth), kind="binary")
    return {"accuracy": float((pred == truth).mean()),
            "reference_s": outputs.seconds("reference"), "learner_s": outputs.seconds("learner"),
            "reference_accuracy": float((outputs.array("reference", len(truth)) == truth).mean())}
'''

SLOW_REFERENCE = '''
import time

import numpy as np


def train(X, y):
    time.sleep({sleep})
    return np.linalg.lstsq(np.c_[X, np.ones(len(X))], 2 * y - 1, rcond=None)[0]


def predict(model, X):
    return (np.c_[X, np.ones(len(X))] @ model > 0).astype(int)
'''


def _timed_lab(tmp_path, reference: str):
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    folder = course / "labs" / "tiny_lab"
    (folder / "grading.py").write_text(GRADING)
    (folder / "reference").mkdir()
    (folder / "reference" / "slow.py").write_text(reference)
    toml = (folder / "lab.toml").read_text().replace("shown = []", "")
    (folder / "lab.toml").write_text(toml.replace(
        "[grading]\n", '[grading]\nshown = ["reference_s", "learner_s", "reference_accuracy"]\n'))
    return labs.load(folder)


def test_each_stage_is_timed_from_outside_and_a_reference_runs_its_own_file(tmp_path):
    lab = _timed_lab(tmp_path, SLOW_REFERENCE.replace("{sleep}", "0.5"))
    report = grade(lab, SUBMISSIONS / "honest.py", Options(seed_pairs=((0, 1),)))
    assert report.verdict == "pass", report.reason
    assert report.shown["reference_s"] >= 0.5  # the reference's own sleep, in its own run
    assert report.shown["reference_s"] > report.shown["learner_s"]
    assert report.shown["reference_accuracy"] > 0.9


def test_a_failing_reference_is_the_graders_fault(tmp_path):
    lab = _timed_lab(tmp_path, "def train(X, y):\n    raise KeyError('reference slipped')\n\n\n"
                               "def predict(model, X):\n    return X\n")
    report = grade(lab, SUBMISSIONS / "honest.py", Options(seed_pairs=((0, 1),)))
    assert report.verdict == "internal-error", report.reason
    assert "reference" in report.reason and "not in your code" in report.hint


@pytest.mark.parametrize("cold", [False, True], ids=["default", "cold-runs"])
def test_work_the_submission_does_on_import_is_timed(tmp_path, monkeypatch, cold):
    if cold:
        monkeypatch.setenv(sandbox.COLD_VAR, "1")
    lab = _timed_lab(tmp_path, SLOW_REFERENCE.replace("{sleep}", "0"))
    slow = tmp_path / "slow_import.py"
    slow.write_text("import time\ntime.sleep(0.6)\n" + (SUBMISSIONS / "honest.py").read_text())
    report = grade(lab, slow, Options(seed_pairs=((0, 1),)))
    assert report.verdict == "pass", report.reason
    assert report.shown["learner_s"] >= 0.6
    assert report.shown["learner_s"] - report.shown["reference_s"] >= 0.5


def test_a_fresh_interpreter_is_timed_from_just_before_the_learners_code(tmp_path):
    """A cold run says when the learner's code is about to run (one byte on a pipe, closed
    at once): its start-up before that is not counted, and the code cannot write to it."""
    script = f"""
import os, sys, time
from mllab.graders.sandbox import start_clock
time.sleep(0.8)
fd = int(os.environ[{sandbox.CLOCK_VAR!r}])
start_clock()
time.sleep(0.3)
try:
    os.write(fd, b"1")
    sys.exit(3)
except OSError:
    pass
"""
    limits = sandbox.Limits(timeout_s=30, memory_mb=1024)
    run = sandbox.run([sys.executable, "-c", script], tmp_path, limits, dict(os.environ),
                      isolation="process-group")
    assert run.returncode == 0, run.log
    assert run.seconds >= 1.1
    assert 0.3 <= run.submission_seconds <= run.seconds - 0.75
    silent = sandbox.run([sys.executable, "-c", "import time; time.sleep(0.3)"], tmp_path,
                         limits, dict(os.environ), isolation="process-group")
    assert silent.submission_seconds == silent.seconds
