"""The loop around a lab (issue 11): debrief once, solution after a pass or a give-up,
progress and the suggested next lab. Through click's runner, on the test course's tiny lab."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import COURSE
from mllab import labs
from test_cli import FIX, ROOT, flat, mllab  # noqa: F401 - mllab is a fixture

DEBRIEF = "The tiny lab's debrief."


def _progress(mllab, lab_id: str = "tiny_lab") -> dict:
    report = json.loads(mllab("progress", "--json").output)
    return next(row for row in report["labs"] if row["lab"] == lab_id)


def test_debrief_once_then_a_pointer_to_reopen_it(mllab, tmp_path):
    locked = mllab("debrief", "tiny_lab")
    assert locked.exit_code == 2 and DEBRIEF not in locked.output
    assert "opens once you pass it" in flat(locked.output)

    mllab("start", "tiny_lab")
    (tmp_path / "ws" / "tiny_lab.py").write_text(FIX.read_text())
    first = mllab("submit", "tiny_lab")
    assert first.exit_code == 0 and DEBRIEF in first.output
    again = mllab("submit", "tiny_lab")
    assert again.exit_code == 0 and DEBRIEF not in again.output
    assert "`mllab debrief tiny_lab` reopens it" in flat(again.output)
    reopened = mllab("debrief", "tiny_lab")
    assert reopened.exit_code == 0 and DEBRIEF in reopened.output


def test_solution_is_locked_until_a_pass(mllab, tmp_path):
    locked = mllab("solution", "tiny_lab")
    assert locked.exit_code == 2 and "+++" not in locked.output
    assert "mllab solution tiny_lab --give-up" in flat(locked.output)
    assert _progress(mllab)["gave_up"] is False

    mllab("start", "tiny_lab")
    (tmp_path / "ws" / "tiny_lab.py").write_text(FIX.read_text())
    assert mllab("submit", "tiny_lab").exit_code == 0
    shown = mllab("solution", "tiny_lab")
    assert shown.exit_code == 0
    for name in ("both_features", "least_squares"):  # off a terminal: plain, for git apply
        assert f"# {name}: " in shown.output
    assert shown.output.count("--- a/tiny_lab.py") == 2
    assert shown.output.count("+++ b/tiny_lab.py") == 2
    assert "-    return float(np.median(X[:, 0]))" in shown.output  # the broken line, removed
    assert "+    return (X[:, 0] + X[:, 1] > model).astype(int)" in shown.output
    assert "-def main" not in shown.output  # the rest of the team's file is kept, not removed
    assert _progress(mllab)["gave_up"] is False  # after a pass it is not giving up


def test_giving_up_shows_the_solution_and_is_recorded(mllab):
    given_up = mllab("solution", "tiny_lab", "--give-up")
    assert given_up.exit_code == 0 and "# least_squares: " in given_up.output
    mine = _progress(mllab)
    assert mine["gave_up"] is True and mine["status"] == "gave-up"
    assert mllab("debrief", "tiny_lab").exit_code == 0  # given up: the debrief opens too
    hints = [mllab("hint", "tiny_lab") for _ in range(4)][-1]
    assert "`mllab solution tiny_lab` shows" in flat(hints.output)  # no --give-up needed now


def test_progress_counts_attempts_hints_and_time_and_suggests_the_easiest(mllab, tmp_path):
    fresh = json.loads(mllab("progress", "--json").output)
    assert fresh["next"] == "imbalanced_fraud"  # the beginner lab first
    mllab("start", "tiny_lab")
    mllab("hint", "tiny_lab")
    mllab("hint", "tiny_lab")
    assert mllab("submit", "tiny_lab").exit_code == 1
    (tmp_path / "ws" / "tiny_lab.py").write_text(FIX.read_text())
    assert mllab("submit", "tiny_lab").exit_code == 0
    mine = _progress(mllab)
    assert (mine["status"], mine["attempts"], mine["hints_shown"]) == ("passed", 2, 2)
    assert mine["first_pass"] and mine["time_to_pass"] >= 0 and mine["grading_seconds"] > 0

    table = mllab("progress")
    assert table.exit_code == 0
    row = next(line for line in table.output.splitlines() if " tiny_lab " in line)
    assert "passed" in row and " 2 " in row and "2/3" in row
    assert "time to pass: from `mllab start`" in flat(table.output)
    assert "next: imbalanced_fraud (beginner): mllab start imbalanced_fraud" in flat(table.output)


def test_list_shows_totals_and_what_to_do_next(mllab, tmp_path):
    mllab("start", "tiny_lab")
    listed = flat(mllab("list").output)
    total = len(labs.ids())
    assert f"0 of {total} passed · 1 started · {total - 1} new" in listed
    assert "next: imbalanced_fraud (beginner): mllab start imbalanced_fraud" in listed


def test_submit_prints_each_grading_step_off_a_terminal_unless_quiet(mllab):
    mllab("start", "tiny_lab")
    shown = mllab("submit", "tiny_lab")
    steps = [line for line in shown.output.splitlines() if line.startswith("grading tiny_lab.py: ")]
    assert steps and steps[0].startswith("grading tiny_lab.py: starting ")  # the sandboxes
    assert any(step.startswith("grading tiny_lab.py: seed 1/") for step in steps)
    quiet = mllab("submit", "tiny_lab", "--quiet")
    assert "grading tiny_lab.py:" not in quiet.output and "verdict: fail" in quiet.output
    # the traced run after a fail is quiet too: its findings, not its steps
    assert "diagnosing tiny_lab.py:" not in quiet.output and "what we noticed" in quiet.output


def test_submit_shows_the_training_step_and_loss_and_each_seeds_key_metric(mllab):
    """A torch lab's submit shows the step and loss as the run trains (from the run's own
    backward() calls), and each seed's verdict with the lab's first metric."""
    mllab("start", "non_converging_net")
    shown = flat(mllab("submit", "non_converging_net").output)
    assert re.search(r"seed 1/\d: run 1/\d: fit, step \d+, loss \d", shown), shown[:600]
    assert re.search(r"seed 1/\d: fail, accuracy on fresh scans \(chance is 0\.10\) 0\.\d+", shown)


COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-9]|9[0-7])m")


@pytest.mark.parametrize("no_color", [False, True])
def test_live_progress_on_a_terminal_and_no_color(tmp_path, no_color):
    env = {**os.environ, "MLLAB_WORKSPACE": str(tmp_path), labs.COURSES_VAR: str(COURSE),
           "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    cli = [sys.executable, str(ROOT / "cli.py")]
    subprocess.run(cli + ["start", "tiny_lab"], env=env, check=True, capture_output=True)
    done = subprocess.run(cli + ["submit", "tiny_lab"], env=env, capture_output=True, text=True)
    assert done.returncode == 1
    # Any seed's step: the tiny lab's seeds can each start and end between two refreshes
    # of the live line (10 a second); its last refresh shows the latest step.
    spinner_then_step = r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏](?:\x1b\[[0-9;]*m)* grading tiny_lab\.py: seed \d/"
    assert re.search(spinner_then_step, done.stdout)  # a live line, not plain ones
    assert "verdict:" in done.stdout
    assert bool(COLOUR.search(done.stdout)) is not no_color
