"""Golden submissions against the tiny lab: each gets its expected verdict and words.

Every case runs under each isolation level this machine supports, and afterwards
no process of the run may be left and the submission's folder must be unchanged.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import COURSE, SUBMISSIONS, processes_matching
from mllab.graders import Options, grade
from mllab.graders.report import exit_code
from mllab.graders.sandbox import available_isolation

# run folders are named after their grading process: other graders on the machine do not count
LEFTOVER_MARKERS = (f"mllab-tiny_lab-{os.getpid()}-", "sleep 1000.4242")

# name -> (expected verdict(s), words the learner must see, per-seed timeout)
CASES = {
    "honest": ("pass", [], 20),
    "baseline": ("fail", ["accuracy"], 20),
    "syntax_error": ("error", ["syntax-error", "syntax_error.py:4"], 20),
    "missing_function": ("error", ["missing-function", "missing: predict",
                                   "found: fit_predict, train"], 20),
    "wrong_signature": ("error", ["bad-signature", "train()"], 20),
    "import_error": ("error", ["import-error", "xgboost_that_is_not_installed"], 20),
    "exception": ("error", ["runtime-error", "ZeroDivisionError", "exception.py:2"], 20),
    "busy_loop": ("timeout", ["still running after 2s"], 2),
    "sleeps": ("timeout", ["still running"], 2),
    "ignores_sigterm": ("timeout", ["still running"], 2),
    "memory_bomb": ("memory-exceeded", ["600 MiB"], 20),
    "segfault": ("crashed", ["SIGSEGV"], 20),
    "aborts": ("crashed", ["SIGABRT"], 20),
    "fork_bomb": (("error", "timeout", "memory-exceeded"), [], 5),
    "setsid_daemon": ("fail", [], 20),
    "endless_print": ("output-limit", ["printed more than"], 20),
    "huge_file": ("output-limit", ["256 MiB"], 30),
    "os_exit": ("error", ["no-output"], 20),
    "sys_exit": ("error", ["sys.exit(0)"], 20),
    "monkeypatch_metrics": ("fail", ["accuracy: 0.", "target >= 0.9"], 20),
    "monkeypatch_torch": ("fail", ["accuracy: 0.", "target >= 0.9"], 30),
    "always_equal": ("fail", [], 20),
    "always_equal_object": ("invalid-output", ["not a plain numeric array"], 20),
    "nan_predictions": ("invalid-output", ["NaN", "diverged"], 20),
    "wrong_shape": ("invalid-output", ["expected shape (500,), got (250,)"], 20),
    "logits": ("invalid-output", ["0/1"], 20),
    "planted_symlink": ("invalid-output", ["out/"], 20),
    "pickle_payload": ("invalid-output", [], 20),
    "snoops_files": ("fail", [], 20),
    "hard_coded": ("fail", [], 20),
    "threads": ("pass", [], 20),
}


@pytest.fixture(params=available_isolation())
def isolation(request) -> str:
    return request.param


@pytest.mark.parametrize("name", list(CASES))
def test_golden_submission(name, isolation, tiny_lab, tmp_path):
    expected, words, timeout = CASES[name]
    marker = tmp_path / "pickle-marker"  # created if the pickle payload ever runs
    folder = tmp_path / "workspace"
    folder.mkdir()
    submission = folder / f"{name}.py"
    source = (SUBMISSIONS / f"{name}.py").read_text()
    submission.write_text(source.replace("/tmp/mllab-pickle-marker", str(marker)))
    (folder / "numpy.py").write_text("raise RuntimeError('a numpy.py beside the file ran')\n")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    report = grade(tiny_lab, submission, Options(timeout_s=timeout, isolation=isolation))

    expected = (expected,) if isinstance(expected, str) else expected
    shown = f"{report.reason}\n{report.hint}"
    assert report.verdict in expected, (report.verdict, shown, report.runs[-1].log[-800:])
    for word in words:
        assert word in shown
    assert report.exit_code == exit_code(report.verdict)
    assert not processes_matching(*LEFTOVER_MARKERS)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert not marker.exists()  # the pickle payload never ran


@pytest.fixture
def listening_port():
    """A TCP server on this machine's loopback, as a grading service would run."""
    import socket

    server = socket.create_server(("127.0.0.1", 0))
    yield server.getsockname()[1]
    server.close()


def test_network_is_blocked_where_the_isolation_allows(isolation, tiny_lab, tmp_path,
                                                       listening_port):
    submission = tmp_path / "network_probe.py"
    source = (SUBMISSIONS / "network_probe.py").read_text()
    submission.write_text(source.replace("PORT = 1 ", f"PORT = {listening_port} "))
    report = grade(tiny_lab, submission, Options(isolation=isolation))
    if isolation == "process-group":
        assert "network NOT isolated" in report.isolation
        assert report.verdict == "error" and "reached the grading machine" in report.reason
    else:
        assert "network" in report.isolation and "NOT" not in report.isolation
        assert report.verdict == "pass", report.reason


def test_timeout_ends_within_limit_plus_grace(tiny_lab):
    report = grade(tiny_lab, SUBMISSIONS / "ignores_sigterm.py", Options(timeout_s=2))
    assert report.verdict == "timeout"
    assert all(run.seconds < 2 + 3 for run in report.runs)


def test_true_metric_shown_when_metrics_are_monkeypatched(tiny_lab):
    report = grade(tiny_lab, SUBMISSIONS / "monkeypatch_metrics.py")
    (check,) = report.checks
    assert report.verdict == "fail" and 0.3 < check.median < 0.7


def test_same_verdict_ten_times_in_a_row(tiny_lab):
    verdicts = {grade(tiny_lab, SUBMISSIONS / "honest.py").verdict for _ in range(10)}
    assert verdicts == {"pass"}


def test_report_names_isolation_and_mode(tiny_lab):
    local = grade(tiny_lab, SUBMISSIONS / "honest.py", Options(isolation="process-group"))
    verified = grade(tiny_lab, SUBMISSIONS / "honest.py", Options(secret="s3cret"))
    assert local.mode == "local" and "network NOT isolated" in local.isolation
    assert verified.mode == "verified" and verified.verdict == "pass"
    data = verified.to_dict()
    assert data["verdict"] == "pass" and data["runs"][0]["metrics"]["accuracy"] > 0.9


def test_missing_file_is_a_learner_error(tiny_lab, tmp_path):
    report = grade(tiny_lab, tmp_path / "nope.py")
    assert report.verdict == "error" and "cannot read" in report.reason


def test_grader_fault_is_internal_error(tiny_lab, monkeypatch):
    def broken_split(*args):
        raise RuntimeError("generator exploded")

    grading = tiny_lab.grading()
    monkeypatch.setattr(grading, "make_split", broken_split)
    monkeypatch.setattr(type(tiny_lab), "grading", lambda self: grading)
    report = grade(tiny_lab, SUBMISSIONS / "honest.py")
    assert report.verdict == "internal-error" and report.exit_code == 3
    assert "not in your code" in report.hint


def test_early_stop_and_left_tail_tolerance(tiny_lab):
    report = grade(tiny_lab, SUBMISSIONS / "honest.py")
    assert len(report.runs) == 2  # 2 of 3 seeds passing already decides it
    full = grade(tiny_lab, SUBMISSIONS / "honest.py", Options(early_stop=False))
    assert len(full.runs) == 3


def _lab_with_harness(tmp_path, body: str):
    """A copy of the tiny lab whose harness is ``body``."""
    from mllab import labs

    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    (course / "labs" / "tiny_lab" / "harness.py").write_text(body + "\n")
    return labs.load(course / "labs" / "tiny_lab")


def test_a_fault_in_the_labs_harness_is_internal_error(tmp_path):
    lab = _lab_with_harness(tmp_path, "def harness(submission, train, eval, device, seed):\n"
                                      "    raise KeyError('the lab author slipped')")
    report = grade(lab, SUBMISSIONS / "honest.py")
    assert report.verdict == "internal-error" and report.exit_code == 3
    assert "the lab author slipped" in report.reason and "not in your code" in report.hint


def test_learner_code_failing_inside_the_harness_is_the_learners_error(tmp_path, tmp_path_factory):
    lab = _lab_with_harness(tmp_path, "def harness(submission, train, eval, device, seed):\n"
                                      "    model = submission.call('train', *train)\n"
                                      "    return {'pred': model.predict(eval)}")
    learner = tmp_path_factory.mktemp("learner") / "model_class.py"
    learner.write_text("class Model:\n    def predict(self, X):\n        return 1 / 0\n\n\n"
                       "def train(X, y):\n    return Model()\n\n\ndef predict(model, X):\n"
                       "    return model.predict(X)\n")
    report = grade(lab, learner)
    assert report.verdict == "error" and "ZeroDivisionError" in report.reason
    assert "model_class.py:3" in report.reason
