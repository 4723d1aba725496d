"""The benchmarks still run (a smoke run on the tiny lab, so they cannot rot unseen), and
every team script sets the thread count its story needs."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mllab import labs

from conftest import COURSE

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _bench(script: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, labs.COURSES_VAR: str(COURSE)}
    return subprocess.run([sys.executable, str(BENCHMARKS / script), *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_speed_benchmark_runs_on_the_tiny_lab():
    # one repeat, one isolation level, a numpy-only probe: seconds, not minutes
    done = _bench("speed.py", "tiny_lab", "--repeat", "1", "--startup-repeat", "1",
                  "--isolation", "process-group", "--imports", "numpy", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["startup_seconds"]["process-group cold"]["per_run"] > 0
    verdicts = {row["file"]: row["verdict"] for row in result["grades"]}
    assert verdicts == {"tiny_lab.py": "fail", "both_features.py": "pass",
                        "least_squares.py": "pass"}


def test_learner_seconds_benchmark_runs_on_the_tiny_lab():
    done = _bench("learner_seconds.py", "tiny_lab", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    (row,) = json.loads(done.stdout)
    assert row["lab"] == "tiny_lab" and row["run_exit"] == 0 and row["submit_exit"] == 0
    assert 0 < row["run_s"] < 60 and 0 < row["submit_s"] < 60


TORCH_LABS = [lab for lab in labs.all_labs()
              if "import torch" in lab.broken_file.read_text()]


@pytest.mark.parametrize("lab", TORCH_LABS, ids=lambda lab: lab.id)
def test_team_script_sets_its_thread_count(lab):
    """`mllab run` starts the team script with the learner's environment: left at its
    default, torch takes every core and a small network runs several times slower
    (gan_mode_collapse: 38 s for 300 steps with 2 threads on 2 cores, 6.5 s with 1)."""
    tree = ast.parse(lab.broken_file.read_text())
    main = next(node for node in tree.body if isinstance(node, ast.FunctionDef)
                and node.name == "main")
    calls = [node.func.attr for node in ast.walk(main) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute)]
    assert "set_num_threads" in calls


def test_graded_runs_get_one_thread(tiny_lab):
    """The grader fixes the thread count: a learner's code may not rely on more, and runs
    graded side by side do not fight over the cores."""
    from mllab.graders import Options, grade

    from conftest import SUBMISSIONS

    report = grade(tiny_lab, SUBMISSIONS / "reports_environment.py",
                   Options(isolation="process-group", seed_pairs=((0, 1),)))
    given = json.loads(report.runs[0].reason.split("GIVEN ", 1)[1].rsplit("}", 1)[0] + "}")
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        assert given["env"][name] == "1", name
