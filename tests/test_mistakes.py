"""Ordinary mistakes get one clear line on stderr, exit 2, and lose nothing (issue 11).

Through click's runner where one process is enough; through a real ``mllab`` process
where the mistake is about the process itself (Ctrl-C, a read-only workspace).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import COURSE, SUBMISSIONS, processes_matching
from mllab import labs
from test_cli import FIX, ROOT, flat, mllab  # noqa: F401 - mllab is a fixture

TRACEBACK = "Traceback (most recent call last)"


def error_line(result) -> str:
    """The single error line a mistake printed (it may wrap: whitespace is joined)."""
    assert result.exit_code == 2, result.output
    assert TRACEBACK not in result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("error:") == 1
    return flat(result.stderr)


# ------------------------------------------------------------ one process


def test_workspace_that_is_a_file(mllab, tmp_path, monkeypatch):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("my notes\n")
    monkeypatch.setenv("MLLAB_WORKSPACE", str(a_file))
    for command in (["list"], ["start", "tiny_lab"], ["hint", "tiny_lab"],
                    ["submit", "tiny_lab"], ["progress"]):
        line = error_line(mllab(*command))
        assert f"the workspace {a_file} is a file, not a folder" in line
        assert "$MLLAB_WORKSPACE" in line
    assert a_file.read_text() == "my notes\n"


def test_run_file_that_does_not_exist(mllab, tmp_path):
    line = error_line(mllab("run", "tiny_lab", "--file", str(tmp_path / "nope.py")))
    assert f"no such file: {tmp_path / 'nope.py'}" in line and "mllab run tiny_lab" in line


def test_run_file_with_a_syntax_error(mllab):
    line = error_line(mllab("run", "tiny_lab", "--file", str(SUBMISSIONS / "syntax_error.py"),
                            "--device", "cpu"))
    assert line.startswith("error: syntax error in syntax_error.py, line ")


def test_submit_file_that_does_not_exist_names_the_lab(mllab, tmp_path):
    line = error_line(mllab("submit", "tiny_lab", "--file", str(tmp_path / "nope.py")))
    assert "no such file" in line and "mllab submit tiny_lab" in line
    assert "LAB" not in line
    assert not (tmp_path / "ws" / ".mllab.sqlite").exists()  # not an attempt


def test_submit_on_cuda_without_a_gpu_says_so(mllab):
    mllab("start", "tiny_lab")
    result = mllab("submit", "tiny_lab", "--device", "cuda")
    if result.exit_code in (0, 1):
        pytest.skip("this machine has a CUDA device: the lab was graded on it")
    line = error_line(result)
    assert "this machine has no CUDA device" in line and "--device cpu" in line
    assert "runtime-error" not in line
    assert json.loads(mllab("progress", "--json").output)["labs"][-1]["attempts"] == 0


def test_hostile_exception_text_is_shown_as_written(mllab, tmp_path):
    """A submission's message and output are learner text: never markup, never a crash."""
    hostile = tmp_path / "[bold]evil[link=x.example].py"
    hostile.write_text(
        "def train(X, y):\n"
        "    print('[/] [blink]printed\\x1b[2J\\x07' + 'y' * 5000)\n"
        "    raise ValueError('[/] [link=https://evil.example]click[/link] [bold red]PASS[/]"
        " \\x1b[31m\\x07 \\udc80' + 'x' * 10000)\n\n"
        "def predict(model, X):\n    return X\n")
    text = mllab("submit", "tiny_lab", "--file", str(hostile))
    assert text.exit_code == 2 and TRACEBACK not in text.output
    shown = flat(text.output)
    assert "[/] [link=https://evil.example]click[/link] [bold red]PASS[/]" in shown
    assert "[bold]evil[link=x.example].py" in shown
    assert "[/] [blink]printed\\x1b[2J\\x07" in shown  # the log tail, controls made visible
    assert "\x1b" not in text.output and "\x07" not in text.output
    assert shown.count("x" * 50) <= 6 and shown.count("y" * 50) <= 6  # huge lines capped

    as_json = mllab("submit", "tiny_lab", "--file", str(hostile), "--json")
    report = json.loads(as_json.stdout)
    assert as_json.exit_code == 2 and report["verdict"] == "error"
    assert "[link=https://evil.example]" in report["reason"]


def test_non_finite_metrics_read_as_nan_or_diverged():
    from io import StringIO

    from rich.console import Console

    from mllab.ui import render
    from mllab.graders.report import CheckResult, Report, metric_text

    assert [metric_text(v) for v in (float("nan"), float("inf"), -1e6, 1e6, 0.25)] == \
        ["nan", "diverged", "diverged", "diverged", "0.25"]
    check = CheckResult(metric="mse", label="MSE", target="<= 0.4", values=(1e6, 1e6, 0.3),
                        median=1e6, passed=False, misses=2, shortfall=1e6, advice="Look.")
    result = Report(lab="exploding_gradients", file="x.py", verdict="fail", reason="MSE: diverged",
                    hint="Look.", mode="local", isolation="test", seconds=1.0,
                    checks=(check,), shown={"r2": float("nan")})
    out = StringIO()
    render.report(Console(file=out, width=100), result)
    assert "1e+06" not in out.getvalue() and "1000000" not in out.getvalue()
    assert "diverged diverged 0.3" in out.getvalue() and "nan" in out.getvalue()


@pytest.mark.parametrize("width", [30, 44, 57, 80, 133])
def test_advice_wraps_at_word_boundaries(width):
    from io import StringIO

    from rich.console import Console

    from mllab.ui import render
    from mllab.graders.report import Report

    lab = labs.get("exploding_gradients")
    advice = " ".join(t.advice for t in lab.targets)
    reason = "runtime-error: " + " ".join(lab.hints)
    result = Report(lab=lab.id, file="x.py", verdict="error", reason=reason[:290],
                    hint=advice[:290], mode="local", isolation="bubblewrap", seconds=1.0)
    out = StringIO()
    render.report(Console(file=out, width=width), result)
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= width
    assert " ".join(advice[:289].split()) in flat(out.getvalue())  # no word cut in two
    assert " ".join(reason[:289].split()) in flat(out.getvalue())


def test_list_is_readable_at_80_columns(mllab):
    from io import StringIO

    from rich.console import Console

    from mllab.ui import render
    from mllab.learner.workspace import Workspace, easiest_first

    course = easiest_first(labs.all_labs())
    out = StringIO()
    console = Console(file=out, width=80)
    progress = Workspace(Path("/nonexistent")).progress([lab.id for lab in course])
    console.print(render.lab_table(course, progress, console.width))
    lines = out.getvalue().splitlines()
    words = set(out.getvalue().replace("│", " ").split())
    assert max(len(line) for line in lines) <= 80
    for lab in course:
        assert any(f" {lab.id} " in line for line in lines)  # ids whole, on one line
        assert set(lab.title.split()) <= words  # titles whole: wrapped between words, not cut
    # one row per lab takes at most two lines: no column squeezed to a few characters
    assert len(lines) <= 2 * len(course) + 10
    rows = json.loads(mllab("list", "--json").output)
    order = [row["difficulty"] for row in rows]
    assert order.index("beginner") < order.index("intermediate") < order.index("test")


# ------------------------------------------------------------ a real mllab process


def _env(tmp_path: Path, **extra) -> dict[str, str]:
    env = {**os.environ, "MLLAB_WORKSPACE": str(tmp_path / "ws"), labs.COURSES_VAR: str(COURSE),
           "COLUMNS": "200"}
    return {**env, **extra}


def _mllab(*args: str, env: dict, as_root_without_override: bool = False, **kwargs):
    """Run ``python cli.py ARGS``; with ``as_root_without_override``, file permissions bind
    it even when the tests run as root (the capabilities that bypass them are dropped)."""
    command = [sys.executable, str(ROOT / "cli.py"), *args]
    if as_root_without_override and os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--",
                   *command]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120,
                          **kwargs)


def _read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _attempts(ws: Path) -> int:
    with sqlite3.connect(ws / ".mllab.sqlite") as db:
        return db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]


@pytest.fixture
def read_only_workspace(tmp_path):
    """A workspace with an edited tiny_lab copy and a hint shown, then made read-only."""
    if os.geteuid() == 0 and not Path("/usr/bin/setpriv").exists():
        pytest.skip("root without setpriv: permissions cannot bind")
    env = _env(tmp_path)
    assert _mllab("start", "tiny_lab", env=env).returncode == 0
    assert _mllab("hint", "tiny_lab", env=env).returncode == 0
    copy = tmp_path / "ws" / "tiny_lab.py"
    copy.write_text(FIX.read_text())
    _read_only(tmp_path / "ws")
    yield env, tmp_path / "ws"
    for path in [tmp_path / "ws", *(tmp_path / "ws").rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


def test_submit_in_a_read_only_workspace_keeps_the_verdict(read_only_workspace):
    env, ws = read_only_workspace
    done = _mllab("submit", "tiny_lab", env=env, as_root_without_override=True)
    assert done.returncode == 0, done.stdout + done.stderr  # the verdict's code: a pass
    assert "verdict: pass" in done.stdout and TRACEBACK not in done.stdout + done.stderr
    assert flat(done.stderr).startswith("warning: this attempt was not recorded: cannot write "
                                        f"to the workspace {ws}")
    assert done.stderr.count("warning:") == 1 and "error:" not in done.stderr
    assert _attempts(ws) == 0

    as_json = _mllab("submit", "tiny_lab", "--json", env=env, as_root_without_override=True)
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["verdict"] == "pass"
    assert "not recorded" in as_json.stderr


@pytest.mark.parametrize("command", [["hint", "tiny_lab"], ["start", "imbalanced_fraud"],
                                     ["start", "tiny_lab", "--force"], ["reset", "tiny_lab"],
                                     ["solution", "tiny_lab", "--give-up"]])
def test_read_only_workspace_is_one_line_and_loses_nothing(read_only_workspace, command):
    env, ws = read_only_workspace
    before = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    done = _mllab(*command, env=env, as_root_without_override=True)
    assert done.returncode == 2 and TRACEBACK not in done.stdout + done.stderr
    line = flat(done.stderr)
    assert line.startswith(f"error: cannot write to the workspace {ws}: ") and line.count(":") == 2
    assert line.endswith("; choose a writable folder with --workspace or $MLLAB_WORKSPACE")
    assert {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()} == before
    listed = _mllab("list", "--json", env=env, as_root_without_override=True)
    assert listed.returncode == 0  # reading a read-only workspace still works
    assert {r["id"]: r["status"] for r in json.loads(listed.stdout)}["tiny_lab"] == "started"


def _interrupt_when(proc: subprocess.Popen, ready, timeout: float = 60) -> None:
    """Send Ctrl-C (SIGINT to the process group, as a terminal does) once ``ready()``."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None and time.monotonic() < deadline, "never got ready"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)


def test_ctrl_c_during_run_stops_it_in_one_line(tmp_path):
    script = tmp_path / "slow_training.py"
    script.write_text("import time\nprint('epoch 1', flush=True)\n"
                      "with open(__file__ + '.started', 'w'):\n    pass\n"
                      "for _ in range(600):\n    time.sleep(0.1)\n")
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "run", "tiny_lab", "--file",
                             str(script), "--device", "cpu"], env=_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    _interrupt_when(proc, lambda: Path(f"{script}.started").exists())
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert "epoch 1" in out and TRACEBACK not in out + err and "KeyboardInterrupt" not in err
    assert err.strip() == "error: interrupted (Ctrl-C): stopped the run of slow_training.py"
    assert processes_matching(str(script)) == []


def test_run_on_a_terminal_shows_the_training_step_and_loss_under_its_output(tmp_path):
    import pty
    import select

    script = tmp_path / "team_training.py"
    script.write_text("import time\nimport torch\n"
                      "w = torch.ones(1, requires_grad=True)\n"
                      "for epoch in range(8):\n"
                      "    (w * 2.5).sum().backward()\n"
                      "    print(f'epoch {epoch}', flush=True)\n"
                      "    time.sleep(0.4)\n")
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "run", "tiny_lab", "--file",
                             str(script), "--device", "cpu", "--no-diagnose"],
                            env=_env(tmp_path, TERM="xterm"), stdin=follower, stdout=follower,
                            stderr=follower, start_new_session=True)
    seen = b""
    try:
        while proc.poll() is None or select.select([leader], [], [], 0.2)[0]:
            if select.select([leader], [], [], 0.1)[0]:
                try:
                    seen += os.read(leader, 65536)
                except OSError:
                    break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        os.close(leader)
        os.close(follower)
    text = seen.decode("utf-8", "replace")
    assert proc.returncode == 0, text
    assert "epoch 0" in text and "epoch 7" in text and TRACEBACK not in text
    assert "training: step " in text and "loss 2.5" in text


def test_ctrl_c_during_submit_leaves_nothing_behind(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = _env(tmp_path, TMPDIR=str(scratch))
    assert _mllab("start", "tiny_lab", env=env).returncode == 0
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "submit", "tiny_lab", "--file",
                             str(SUBMISSIONS / "sleeps.py")], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    _interrupt_when(proc, lambda: processes_matching(f"{scratch}/mllab-tiny_lab-"))
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and TRACEBACK not in out + err
    assert flat(err) == "error: interrupted (Ctrl-C): grading stopped, nothing was recorded"
    assert processes_matching(str(scratch)) == []
    assert list(scratch.iterdir()) == []  # no run folder left
    listed = json.loads(_mllab("progress", "--json", env=env).stdout)
    assert next(r for r in listed["labs"] if r["lab"] == "tiny_lab")["attempts"] == 0
