"""The grading process survives anything a run writes, and a run leaves nothing that
breaks a later grading: evidence the run cannot fake (this process's own peak memory, the
verdict of a later grading, files on disk).

Each test grades the tiny lab at the default level, as whoever runs the tests (root in CI
containers). They pass as a normal user too (``runuser -u USER -- python -m pytest ...``
with an environment that user can read).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from conftest import COURSE, SUBMISSIONS
from mllab.graders import Options, grade
from mllab.graders.sandbox import cleanup

TINY = COURSE / "labs" / "tiny_lab"
PEAK = """
import json, resource, sys
from pathlib import Path
from mllab import labs
from mllab.graders import grade
report = grade(labs.load(Path(sys.argv[1])), Path(sys.argv[2]))
print(json.dumps({"verdict": report.verdict, "reason": report.reason,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _graded_in_fresh_process(file: Path) -> dict:
    """The report of ``file`` and the peak resident memory of the process that graded it."""
    done = subprocess.run([sys.executable, "-c", PEAK, str(TINY), str(file)], check=True,
                          capture_output=True, text=True, timeout=300)
    return json.loads(done.stdout.splitlines()[-1])


def test_sparse_outputs_do_not_fill_the_grading_process(tmp_path):
    """Eight sparse 256 MiB .npy files beside the real output: refused before a byte is
    read, and the grading process stays the size of an honest grading (it reached 2 GiB)."""
    honest = _graded_in_fresh_process(SUBMISSIONS / "honest.py")
    attack = _graded_in_fresh_process(SUBMISSIONS / "sparse_outputs.py")
    assert honest["verdict"] == "pass", honest
    assert attack["verdict"] == "invalid-output", attack
    assert attack["peak_mib"] < honest["peak_mib"] + 50, (honest, attack)


def test_an_out_folder_linked_to_the_host_is_not_followed(tmp_path):
    host = tmp_path / "host"
    host.mkdir()
    np.save(host / "pred.npy", np.zeros((3, 5, 7)))  # a shape the reason would show
    source = (SUBMISSIONS / "sparse_outputs.py").read_text()
    attack = tmp_path / "linked.py"
    attack.write_text(source.replace("CONFIG = {}", f"CONFIG = {{'link': {str(host)!r}}}"))
    report = grade(_tiny(), attack)
    assert report.verdict == "invalid-output", report.reason
    assert "not a folder" in report.reason and "(3, 5, 7)" not in report.reason


def test_a_progress_line_that_is_no_number_is_ignored(tmp_path):
    """``step 1 loss -`` matches the display pattern but is no number: the honest file is
    still graded (it was internal-error every time)."""
    attack = tmp_path / "progress.py"
    attack.write_text((SUBMISSIONS / "honest.py").read_text() + '''
import os, time
def predict(model, X, _predict=predict):
    with open("progress", "wb") as fh:
        fh.write(b"step 1 loss -".ljust(48))
    time.sleep(1.2)  # the grader looks at the progress file once a second
    return _predict(model, X)
''')
    shown = []
    report = grade(_tiny(), attack, progress=shown.append)
    assert report.verdict == "pass", report.reason


def _tiny():
    from mllab import labs
    return labs.load(TINY)


DEEP_TREE = '''
import os
def train(X, y, _train=train):
    fd = os.open(".", os.O_RDONLY)
    for depth in range(1500):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        if depth % 500 == 1:
            os.chmod(fd, 0o500)  # closed to writing: the grader must restore it first
        os.close(fd)
        fd = inner
    os.close(fd)
    return _train(X, y)
'''


def _run_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob(f"mllab-tiny_lab-{os.getpid()}-*")}


def test_a_deep_closed_folder_tree_is_removed_and_breaks_nothing(tmp_path):
    """A run leaves a 1,500-deep tree of folders, some ``chmod 500``: the grading ends with
    the learner's verdict, the tree is gone, and a later grading is unaffected."""
    before = _run_folders()
    attack = tmp_path / "deep.py"
    attack.write_text((SUBMISSIONS / "honest.py").read_text() + DEEP_TREE)
    report = grade(_tiny(), attack)
    assert report.verdict == "pass", report.reason
    assert _run_folders() <= before
    assert grade(_tiny(), SUBMISSIONS / "honest.py").verdict == "pass"


def test_a_stale_run_folder_that_cannot_be_removed_blocks_no_grading(tmp_path, capfd):
    """A folder left by a killed grader (its pid gone): a 1,500-deep tree is swept; one that
    cannot be removed (a mount point here: busy) stays, and gradings go on regardless."""
    dead = subprocess.run(["true"]).returncode or 999_999_999  # no such pid
    stale = Path(tempfile.gettempdir()) / f"mllab-tiny_lab-{dead}-deadbeef"
    stale.mkdir()
    fd = os.open(stale, os.O_RDONLY)
    for _ in range(1500):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)
    (stale / "d").chmod(0o500)
    assert grade(_tiny(), SUBMISSIONS / "honest.py").verdict == "pass"
    assert not stale.exists()
    assert cleanup.remove_tree(tmp_path / "nothing-here")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "file").write_text("x")
    (busy).chmod(0o500)
    cleanup.remove_run_folder(busy)  # as root the folder goes; as a user it is reported once
    cleanup.remove_run_folder(busy)
    assert capfd.readouterr().err.count("could not remove") == int(busy.exists())


# ------------------------------------------------------------------ kernel keyrings

def _keyctl(*args: str, user: int | None = None) -> subprocess.CompletedProcess:
    """``keyctl ARGS`` in this process's session, or as ``user`` (the grader looking at
    that user's keyrings from outside any run)."""
    as_user = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] \
        if user is not None else []
    return subprocess.run([*as_user, "keyctl", *args], capture_output=True, text=True)


@pytest.mark.skipif(not shutil.which("keyctl") or os.uname().machine != "x86_64",
                    reason="needs keyctl on x86_64")
def test_a_run_owns_no_keyring(tmp_path):
    """A run cannot read the grader's session keyring nor leave anything in a keyring for a
    later run: the file passes only with a key it found, and fails both gradings; the
    grader then finds none of its keys. Called here, outside a sandbox, it would pass."""
    ring = f"mllab-test-{os.getpid()}"
    script = f"""
import json, sys
from pathlib import Path
from mllab import labs
from mllab.graders import grade
lab = labs.load(Path({str(TINY)!r}))
print(json.dumps([grade(lab, Path({str(SUBMISSIONS / 'keyrings.py')!r})).verdict
                  for _ in range(2)]))
"""
    if os.geteuid() == 0:  # a grader of an older mllab may have left one there
        _keyctl("clear", "@u", user=65534)
    # the grading runs in a session whose keyring holds the canary; afterwards the grader
    # lists that keyring and the run user's user keyring
    done = subprocess.run(
        ["keyctl", "session", ring, "sh", "-c",
         'keyctl add user mllab-canary secret @s >/dev/null && "$0" -c "$1" && '
         'keyctl search @s user mllab-left || echo "no key left"', sys.executable, script],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert json.loads(lines[0]) == ["fail", "fail"], done.stdout
    assert "no key left" in done.stdout
    if os.geteuid() == 0:  # the runs' user: nothing in its user keyring either
        assert _keyctl("search", "@u", "user", "mllab-memo", user=65534).returncode != 0
    outside = subprocess.run(["keyctl", "session", ring + "-out", "sh", "-c",
                              'keyctl add user mllab-canary secret @s >/dev/null && '
                              '"$0" -c "$1"', sys.executable,
                              f"import sys; sys.path.insert(0, {str(SUBMISSIONS)!r}); "
                              "import keyrings; print(keyrings._find(-3, b'mllab-canary'))"],
                             capture_output=True, text=True, timeout=60)
    assert outside.stdout.strip() == "True", outside.stderr  # the attack works unsandboxed


# ------------------------------------------------------------------ a class


def test_a_class_survives_thread_floods_and_hostile_names(tmp_path):
    """One student starts 3,000 threads beside honest classmates graded at the same time;
    others are named like the gradebook or use a legal 248-byte file name. The class is
    graded (exit 0 or 1, a gradebook), each name shows in the CSV, the flood is refused by
    the kernel's task cap with a verdict that names it, and the honest students pass."""
    from click.testing import CliRunner
    from mllab.cli import main

    folder = tmp_path / "class"
    folder.mkdir()
    long_name = "n" * 245
    for name, source in [("flood", "many_threads"), ("honest", "honest"),
                         ("gradebook.csv", "honest"), (long_name, "honest")]:
        shutil.copyfile(SUBMISSIONS / f"{source}.py", folder / f"{name}.py")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade-class", "tiny_lab", str(folder), "--out", str(out),
                                       "--jobs", "2"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    import csv
    with open(out / "gradebook.csv", newline="") as fh:
        rows = {row["student"]: row for row in csv.DictReader(fh)}
    assert set(rows) == {"flood", "honest", "gradebook.csv", long_name}
    assert rows["flood"]["verdict"] == "error" and "too-many-tasks" in rows["flood"]["reason"]
    for name in ("honest", "gradebook.csv", long_name):
        assert rows[name]["verdict"] == "pass", rows[name]
    assert all(len(p.name.encode()) <= 255 for p in out.rglob("*"))
    again = CliRunner().invoke(main, ["grade-class", "tiny_lab", str(folder), "--out", str(out)],
                               catch_exceptions=False)
    assert again.exit_code in (0, 1), again.output  # a rerun keeps every result


def test_a_class_never_drops_below_its_isolation_floor(tmp_path, monkeypatch):
    """The level and the run's user are decided once, before the first student; when a
    grading process finds bubblewrap failing (here: a broken ``bwrap`` first on its PATH),
    its student is internal-error (not charged, regraded), never graded at a weaker level,
    and the next run of the class grades them. The CSV names the level of each student."""
    import csv

    from mllab import labs
    from mllab.graders.batch import grade_class, plan_class
    from mllab.graders.engine import Options
    from mllab.graders import sandbox

    if sandbox.available_isolation()[0] != "bwrap":
        pytest.skip("no bubblewrap here")
    lab = labs.load(TINY)
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copyfile(SUBMISSIONS / "honest.py", folder / "ann.py")
    out = tmp_path / "out"
    plan = plan_class(lab, folder, out, Options())
    assert plan.options.isolation == "bwrap" and plan.options.run_as
    broken = tmp_path / "bin"
    broken.mkdir()
    (broken / "bwrap").write_text("#!/bin/sh\nexit 1\n")
    (broken / "bwrap").chmod(0o755)
    path = os.environ["PATH"]
    monkeypatch.setenv("PATH", f"{broken}:{path}")
    report = grade_class(plan)["ann"]
    assert report.verdict == "internal-error" and "could not be set up" in report.reason
    monkeypatch.setenv("PATH", path)
    report = grade_class(plan_class(lab, folder, out, Options()))["ann"]
    assert report.verdict == "pass", report.reason
    with open(out / "gradebook.csv", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["isolation"].startswith("bubblewrap") and "ROOT" not in row["isolation"]


def test_a_run_filling_its_folder_fills_nothing_else(monkeypatch):
    """A run writes 100 MiB files into its folder until the disk refuses, and swallows the
    error: the host's disk is untouched (the folder is a tmpfs of its own: mounted on the
    host by a root grader, in the run server's namespace for a normal user), the verdict
    names the cap, and the next grading passes."""
    from mllab.graders import sandbox
    if os.geteuid() != 0 and sandbox.available_isolation()[0] != "bwrap":
        pytest.skip("a normal user's runs get a folder of their own size only in bubblewrap")
    monkeypatch.delenv(sandbox.COLD_VAR, raising=False)
    before = shutil.disk_usage(tempfile.gettempdir()).free
    report = grade(_tiny(), SUBMISSIONS / "fills_disk.py")
    assert report.verdict == "error" and report.reason.startswith("disk-full"), report.reason
    assert before - shutil.disk_usage(tempfile.gettempdir()).free < 50 * 2**20
    assert grade(_tiny(), SUBMISSIONS / "honest.py").verdict == "pass"


def test_a_run_that_never_started_is_not_charged(tmp_path):
    """A sandboxed interpreter that dies before the learner's code (it never signals its
    clock) is the grader's fault: internal-error, never ``error: no-output``."""
    from mllab.graders import sandbox
    from mllab.graders.engine import _problem

    limits = sandbox.Limits(timeout_s=10, memory_mb=100)
    child = sandbox.run(["false"], tmp_path, limits, {"PATH": os.environ["PATH"]})
    assert not child.started
    problem = _problem(child, None, limits)
    assert problem[0] == "internal-error" and "never reached your code" in problem[2]


@pytest.mark.parametrize("how", ["memfd", "sysv", "queues"])
def test_memory_no_process_maps_is_refused(tmp_path, how):
    """768 MiB held in a memfd, or in a System V segment filled a piece at a time and
    detached, is counted in no process's resident size, so the polled 600 MiB budget never
    saw it and the file passed (as did 500 MiB in message queues). The calls that make such
    memory are refused in a run: the file cannot import."""
    file = tmp_path / "hides_memory.py"
    file.write_text((SUBMISSIONS / "hides_memory.py").read_text()
                    .replace('HOW = "memfd"', f'HOW = "{how}"'))
    report = grade(_tiny(), file)
    assert report.verdict == "error" and "PermissionError" in report.reason, report.reason


@pytest.mark.skipif(os.geteuid() == 0, reason="a root grader's runs each get a uid of their own")
def test_a_normal_users_weak_level_does_not_count_the_users_other_tasks(monkeypatch):
    """At the process-group level a normal user's run shares the grader's uid: a task cap
    held by the kernel for that uid counted every other task of the user (80 sleeping
    processes: an honest file starting 4 threads got too-many-tasks). There the polled
    budget alone applies."""
    from mllab.graders import sandbox
    monkeypatch.setenv(sandbox.COLD_VAR, "1")
    sleepers = [subprocess.Popen(["sleep", "60"]) for _ in range(80)]
    try:
        file = SUBMISSIONS / "honest.py"
        threads = "import threading\n[threading.Thread(target=int).start() for _ in range(4)]\n"
        started = Path(tempfile.mkdtemp()) / "threads.py"
        started.write_text(threads + file.read_text())
        report = grade(_tiny(), started, Options(isolation="process-group"))
        assert report.verdict == "pass", report.reason
    finally:
        for sleeper in sleepers:
            sleeper.kill()
            sleeper.wait()
