"""``mllab watch``: a grade on each save, cancelled by the next save; h, s, q and Ctrl-C.

Through a real ``mllab watch`` process whose stdin is a pipe (commands one per line), on
the test course's tiny lab, saving the way editors do (write beside, then rename over).
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import COURSE, SUBMISSIONS, processes_matching
from mllab import labs
from test_cli import FIX, ROOT, flat

TRACEBACK = "Traceback (most recent call last)"


class Watching:
    """A running ``mllab watch tiny_lab``: its output so far, and commands to send."""

    def __init__(self, tmp_path: Path, *args: str):
        self.scratch = tmp_path / "tmp"
        self.scratch.mkdir(exist_ok=True)
        self.env = {**os.environ, "MLLAB_WORKSPACE": str(tmp_path / "ws"),
                    labs.COURSES_VAR: str(COURSE), "COLUMNS": "200", "TMPDIR": str(self.scratch)}
        self.copy = tmp_path / "ws" / "tiny_lab.py"
        if not self.copy.exists():
            self.mllab("start", "tiny_lab")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "cli.py"), "watch", "tiny_lab", "--poll", "0.2", *args],
            env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, start_new_session=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def mllab(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], env=self.env,
                              capture_output=True, text=True, timeout=120, check=False)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 60) -> int:
        """The index of the first line from ``after`` on that matches ``pattern``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index in range(after, len(self.lines)):
                if re.search(pattern, self.lines[index]):
                    return index
            assert self.proc.poll() is None, f"watch ended ({self.proc.returncode}):\n" \
                f"{self.output}\n{self.proc.stderr.read()}"
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} in:\n{self.output}")

    def save(self, text: str) -> None:
        """Save as many editors do: write a new file beside the copy, rename it over."""
        partial = self.copy.with_name(f".{self.copy.name}.swp")
        partial.write_text(text)
        os.replace(partial, self.copy)

    def send(self, command: str) -> None:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def finish(self, timeout: float = 30) -> tuple[int, str]:
        """Wait for the watch to end; its exit code and stderr. Nothing of it may be left:
        no process of its session, no run folder or snapshot in the scratch folder."""
        try:
            self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.reader.join(timeout=5)
        err = self.proc.stderr.read()
        assert TRACEBACK not in self.output + err
        deadline = time.monotonic() + 5  # the sandbox's processes die with their parent
        while (_session(self.proc.pid) or processes_matching(str(self.scratch))) and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        assert _session(self.proc.pid) == [] and processes_matching(str(self.scratch)) == []
        assert list(self.scratch.iterdir()) == []
        return self.proc.returncode, err

    def attempts(self) -> int:
        listed = json.loads(self.mllab("progress", "--json").stdout)
        return next(r for r in listed["labs"] if r["lab"] == "tiny_lab")["attempts"]


def _session(sid: int) -> list[str]:
    """Live processes of session ``sid``: the watch and all it started outside the sandbox."""
    found = []
    for entry in os.scandir("/proc"):
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != b"Z" and int(fields[4]) == sid:
            found.append(entry.name)
    return found


@pytest.fixture
def watching(tmp_path):
    started: list[Watching] = []

    def start(*args: str) -> Watching:
        started.append(Watching(tmp_path, *args))
        return started[-1]

    yield start
    for watch in started:  # a failed test leaves nothing running
        if watch.proc.poll() is None:
            os.killpg(watch.proc.pid, signal.SIGKILL)


def test_each_save_is_graded_quick_then_full_and_q_quits(watching):
    watch = watching()
    failed = watch.wait_for(r"^verdict: fail: accuracy")
    assert any(line.startswith("quick grade on one seed (not recorded)")
               for line in watch.lines[:failed])
    watch.save(FIX.read_text())
    quick = watch.wait_for(r"^quick grade: pass on seed 1 \(data seed ", after=failed)
    full = watch.wait_for(r"^full grade \(not recorded", after=quick)
    passed = watch.wait_for(r"^verdict: pass: ", after=full)
    os.utime(watch.copy)  # saved without a change: not graded again
    watch.send("h")
    hinted = watch.wait_for(r"^hint 1/3: one", after=passed)
    time.sleep(0.6)
    assert not any("grade" in line for line in watch.lines[hinted:])
    watch.send("q")
    code, err = watch.finish()
    assert code == 0 and err == ""
    assert watch.attempts() == 0  # quick and full grades are not attempts


def test_saving_during_a_grade_cancels_it_and_starts_over(watching):
    watch = watching()
    watch.wait_for(r"^verdict: fail")
    watch.save((SUBMISSIONS / "sleeps.py").read_text())  # sleeps in train: the grade hangs
    started = watch.wait_for(r"^quick grade on one seed", after=len(watch.lines))
    deadline = time.monotonic() + 30
    while not processes_matching(f"{watch.scratch}/mllab-tiny_lab-"):  # its sandbox runs
        assert time.monotonic() < deadline, watch.output
        time.sleep(0.05)
    watch.save(FIX.read_text())
    restarted = watch.wait_for(r"^saved again: restarting \(the quick grade under way was "
                               r"cancelled\)", after=started)
    assert not any("verdict:" in line for line in watch.lines[started:restarted])
    passed = watch.wait_for(r"^verdict: pass", after=restarted)
    watch.send("q")
    assert watch.finish()[0] == 0
    verdicts = [line for line in watch.lines[restarted:] if line.startswith("verdict:")]
    assert verdicts == [watch.lines[passed]]  # nothing for the cancelled content, ever


def test_s_submits_and_records_and_ctrl_c_quits_in_one_line(watching, tmp_path):
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "tiny_lab.py").write_text(FIX.read_text())
    watch = watching()
    watch.wait_for(r"^verdict: pass")
    assert watch.attempts() == 0
    watch.send("s")
    submitted = watch.wait_for(r"^submit: full grade, recorded as an attempt")
    watch.wait_for(r"The tiny lab's debrief\.", after=submitted)  # the first pass: debrief
    assert watch.attempts() == 1
    os.killpg(watch.proc.pid, signal.SIGINT)  # Ctrl-C, as a terminal sends it
    code, err = watch.finish()
    assert code == 0 and err == "" and watch.lines[-1] == "stopped watching (Ctrl-C)"
    assert json.loads(watch.mllab("progress", "--json").stdout)["labs"][-1]["status"] == "passed"


def test_a_syntax_error_or_a_deleted_file_is_one_line_and_watching_goes_on(watching):
    watch = watching()
    watch.wait_for(r"^verdict: fail")
    watch.save("def train(X, y)\n    return 0\n")
    broken = watch.wait_for(r"^verdict: error: syntax-error: tiny_lab\.py:1: ")
    watch.copy.unlink()
    gone = watch.wait_for(r"tiny_lab\.py is missing or unreadable; waiting for it", after=broken)
    watch.send("s")
    watch.wait_for(r"^nothing to submit: .*tiny_lab\.py is missing", after=gone)
    watch.save(FIX.read_text())
    watch.wait_for(r"^verdict: pass", after=gone)
    watch.send("what")
    watch.wait_for(r"^keys: h next hint · s submit \(recorded\) · q quit", after=gone)
    watch.proc.stdin.close()  # end of input: no more commands; SIGTERM still stops it
    time.sleep(0.5)
    assert watch.proc.poll() is None
    watch.proc.terminate()
    code, err = watch.finish()
    assert code == 0 and err == "" and watch.lines[-1] == "stopped watching (SIGTERM)"
    assert watch.attempts() == 0 and TRACEBACK not in flat(watch.output)


def test_watch_without_a_copy_is_one_line(tmp_path):
    env = {**os.environ, "MLLAB_WORKSPACE": str(tmp_path / "ws"), labs.COURSES_VAR: str(COURSE)}
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "watch", "tiny_lab"], env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and TRACEBACK not in done.stdout + done.stderr
    assert flat(done.stderr).startswith("error: no copy of tiny_lab in ")


def test_on_a_terminal_single_keys_act_and_its_settings_are_restored(tmp_path):
    import pty
    import termios

    env = {**os.environ, "MLLAB_WORKSPACE": str(tmp_path / "ws"), labs.COURSES_VAR: str(COURSE),
           "COLUMNS": "200", "TERM": "xterm"}
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "start", "tiny_lab"], env=env,
                   check=True, capture_output=True)
    leader, follower = pty.openpty()
    before = termios.tcgetattr(follower)
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "watch", "tiny_lab"], env=env,
                            stdin=follower, stdout=follower, stderr=follower,
                            start_new_session=True)
    seen = b""

    def wait_for(text: bytes, timeout: float = 60) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while text not in seen:
            assert time.monotonic() < deadline and proc.poll() is None, seen.decode()
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                seen += os.read(leader, 65536)

    try:
        wait_for(b"verdict:")
        assert termios.tcgetattr(follower)[3] & termios.ICANON == 0  # keys, not lines
        os.write(leader, b"h")  # no Enter
        wait_for(b"hint 1/3")
        os.write(leader, b"q")
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert termios.tcgetattr(follower) == before
    assert TRACEBACK.encode() not in seen and _session(proc.pid) == []
    os.close(leader)
    os.close(follower)


def _until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_worker_too_slow_to_unwind_is_killed_with_all_below_it(tmp_path, monkeypatch):
    from mllab.learner import watch

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(watch, "GRACE_S", 0.0)  # no time to unwind: killed at once
    grader = watch.Grader("tiny_lab", tmp_path / "tiny_lab.py", "cpu")
    hangs = (SUBMISSIONS / "sleeps.py").read_bytes()
    grader.start("quick", hangs, watch.digest(hangs))
    _until(lambda: processes_matching(f"{scratch}/mllab-tiny_lab-"))
    grader.cancel()
    assert grader.busy is None and grader.poll() == []
    _until(lambda: processes_matching(str(scratch)) == [], timeout=5)
    assert all(p.name.startswith("mllab-tiny_lab-") for p in scratch.iterdir())  # run folders

    fixed = FIX.read_bytes()
    grader.start("quick", fixed, watch.digest(fixed))  # the next grade sweeps what was left
    events: list = []
    _until(lambda: events.extend(grader.poll()) or grader.busy is None)
    assert events[-1].report["verdict"] == "pass" and events[-1].digest == watch.digest(fixed)
    assert list(scratch.iterdir()) == []
