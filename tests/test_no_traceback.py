"""No traceback from mllab anywhere a person can reach: options are range-checked, a
clone without the dependencies says how to install them, `run` shows the learner's own
frames and one summary line, limits name their likely cause, mistyped ids get a
suggestion."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mllab import labs
from mllab.cli import main

from conftest import COURSE, SUBMISSIONS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def mllab(tmp_path, monkeypatch):
    monkeypatch.setenv("MLLAB_WORKSPACE", str(tmp_path / "ws"))
    return lambda *args: CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("args", [
    ["run", "tiny_lab", "--seed", "-1"],
    ["run", "tiny_lab", "--seed", "99999999999"],
    ["submit", "tiny_lab", "--timeout", "-5"],
    ["submit", "tiny_lab", "--timeout", "0"],
    ["validate", "tiny_lab", "--seeds", "0"],
    ["validate", "tiny_lab", "--seeds", "20", "--draw", "-3"],
    ["watch", "tiny_lab", "--poll", "0"],
    ["grade-class", "tiny_lab", ".", "--timeout", "-1"],
    ["grade-class", "tiny_lab", ".", "--jobs", "0"],
], ids=lambda args: " ".join(args[::2]))
def test_numbers_out_of_range_are_usage_errors(mllab, tmp_path, args):
    result = mllab(*args, "--file", str(SUBMISSIONS / "honest.py")) if args[0] in (
        "run", "submit", "watch") else mllab(*args)
    assert result.exit_code == 2, result.output
    assert "Invalid value" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "ws").exists() or not list((tmp_path / "ws").rglob("*.json"))


def test_a_clone_without_the_dependencies_says_how_to_install_them(tmp_path):
    # -S: no site-packages, so neither click nor rich can be imported
    done = subprocess.run([sys.executable, "-I", "-S", str(ROOT / "cli.py"), "list"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "is not installed" in done.stderr and "pip install -e ." in done.stderr


def test_run_shows_the_learners_own_frames_and_one_summary_line(tmp_path):
    script = tmp_path / "team.py"
    script.write_text((SUBMISSIONS / "exception.py").read_text() +
                      "\n\nif __name__ == '__main__':\n    import numpy\n    train([1], [1])\n")
    done = subprocess.run([sys.executable, "-m", "mllab.cli", "run", "tiny_lab", "--file",
                           str(script), "--workspace", str(tmp_path / "ws")],
                          capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, labs.COURSES_VAR: str(COURSE)})
    shown = done.stdout + done.stderr
    assert done.returncode == 2, shown
    assert "team.py\", line 2, in scale" in shown and "ZeroDivisionError" in shown
    assert "runpy" not in shown and "child.py" not in shown
    last = shown.strip().splitlines()[-1]
    assert last.startswith("error: your code raised ZeroDivisionError at team.py:2 in scale()")


def test_diagnose_at_its_limit_names_the_likely_cause(tiny_lab):
    from mllab.graders.observe import ObserveError, observe

    with pytest.raises(ObserveError, match="look for an endless loop"):
        observe(tiny_lab, SUBMISSIONS / "busy_loop.py", timeout_s=1)


@pytest.mark.parametrize("typed, meant", [("imbalanced_frau", "imbalanced_fraud"),
                                          ("zero-init", "zero_init")])
def test_a_mistyped_lab_id_gets_the_closest(mllab, typed, meant):
    result = mllab("show", typed)
    assert result.exit_code == 2 and f"did you mean {meant}" in result.output


def test_diagnose_json_errors_are_json(mllab):
    result = mllab("diagnose", "tiny_lab", "--file", str(SUBMISSIONS / "exception.py"),
                   "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)
    assert error["error"].startswith("your code did not run to the end")
