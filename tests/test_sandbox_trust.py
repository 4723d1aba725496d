"""Hostile submissions against the sandbox, at every isolation level this machine offers.

Each attack is proved to have failed by evidence it cannot fake: marker files outside the
run, checksums, surviving processes, the grade of a later, unrelated submission, or a grade
that only a stolen answer could pass. Where a level cannot stop an attack, the report must
say so (``verified`` false, "files not protected").
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import COURSE, SUBMISSIONS, processes_matching
from mllab.graders import Options, grade, sandbox
from mllab import labs
from mllab.labs import BUILTIN_COURSE

TINY = COURSE / "labs" / "tiny_lab"


LEVELS = sandbox.available_isolation()


@pytest.fixture(params=[*LEVELS, *(["bwrap-cold"] if "bwrap" in LEVELS else [])])
def isolation(request, monkeypatch) -> str:
    """Each level; at the bubblewrap level both with the run server (the default) and
    with a fresh interpreter per run."""
    if request.param == "bwrap-cold":
        monkeypatch.setenv(sandbox.COLD_VAR, "1")
        return "bwrap"
    return request.param


def sealed(isolation: str) -> bool:
    """Whether this level claims to meet the trust bar (what verified grading needs)."""
    return not sandbox.weaknesses(isolation)


def probe(tmp_path: Path, name: str, config: dict) -> Path:
    """A copy of submission ``name`` with the test's ``config`` filled in."""
    source = (SUBMISSIONS / f"{name}.py").read_text()
    assert "CONFIG = {}" in source
    path = tmp_path / f"{name}.py"
    path.write_text(source.replace("CONFIG = {}", f"CONFIG = {json.dumps(config)}", 1))
    return path


def checksum(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def canary_holder():
    """A process of the grader's user with a canary in its environment and command line."""
    token = f"600.{secrets.randbelow(10**9)}"
    holder = subprocess.Popen(["sleep", token], env={**os.environ, "MLLAB_CANARY": token})
    yield holder.pid, token
    holder.kill()
    holder.wait()


@pytest.fixture
def session_sockets(tmp_path, canary_holder):
    """Unix sockets a service of the grader's session listens on (a path, and the abstract
    name of the canary); yields the list of connections they accepted."""
    accepted: list[str] = []
    servers = []
    for address in (str(tmp_path / "session.sock"), "\0" + canary_holder[1]):
        server = socket.socket(socket.AF_UNIX)
        server.bind(address)
        server.listen()
        server.settimeout(0.2)
        servers.append(server)

    def serve():
        while servers:
            for server in list(servers):
                with contextlib.suppress(OSError):
                    server.accept()[0].close()
                    accepted.append(str(server.getsockname()))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield str(tmp_path / "session.sock"), accepted
    for server in servers[:]:
        servers.remove(server)
        server.close()


def test_a_run_holds_no_power(isolation, tiny_lab, tmp_path, canary_holder, session_sockets):
    """uid not 0, no capability, cannot write the Python environment, the lab or folders
    outside its own, cannot read, signal or trace the grader's processes, cannot remount,
    cannot reach the services of the grader's session."""
    holder_pid, token = canary_holder
    session_socket, accepted = session_sockets
    outside = tmp_path / "outside"
    outside.mkdir()
    targets = {"site-packages": sysconfig.get_paths()["purelib"], "lab": str(TINY),
               "mllab": str(BUILTIN_COURSE), "outside": str(outside), "root": "/"}
    before = checksum(TINY)
    report = grade(tiny_lab, probe(tmp_path, "escalates", {
        "write_into": targets, "holder_pid": holder_pid, "token": token,
        "socket": session_socket}), Options(isolation=isolation))

    escaped = [folder for folder in targets.values()
               if Path(folder, f"mllab-escape-{token}").exists()]
    for folder in escaped:
        Path(folder, f"mllab-escape-{token}").unlink()
    assert checksum(TINY) == before
    breaches = set(report.reason.split("BREACH ", 1)[1].split()) if "BREACH" in report.reason \
        else set()
    if sealed(isolation):
        assert report.verdict == "pass", report.reason
        assert not escaped and not accepted
    else:
        assert not report.verified and "not protected" in report.isolation
        if sandbox.unprivileged(isolation) and os.geteuid() == 0:  # root dropped to RUN_UID
            # what is left without PID and network namespaces: command lines, abstract sockets
            assert report.verdict == "pass" or \
                breaches <= {"read-cmdline", "connect-abstract-socket"}, report.reason
            assert isolation == "process-group" or report.verdict == "pass"
            assert not escaped


def test_a_course_under_tmp_stays_read_only(isolation, tmp_path, canary_holder, session_sockets):
    """A course (or a Python environment) made under /tmp, as by ``mktemp -d`` in CI, is
    readable by a run but not writable: a run server's fresh /tmp shows it read-only."""
    shutil.copytree(COURSE, tmp_path / "course", ignore=shutil.ignore_patterns("__pycache__"))
    lab = labs.load(tmp_path / "course" / "labs" / "tiny_lab")
    before = checksum(lab.folder)
    holder_pid, token = canary_holder
    report = grade(lab, probe(tmp_path, "escalates", {
        "write_into": {"lab": str(lab.folder)}, "holder_pid": holder_pid, "token": token,
        "socket": session_sockets[0]}), Options(isolation=isolation))
    if sealed(isolation):
        assert report.verdict == "pass", report.reason
        assert checksum(lab.folder) == before
        assert not Path(lab.folder, f"mllab-escape-{token}").exists()


def test_the_answer_key_is_out_of_reach(isolation, tiny_lab, tmp_path):
    """Only a submission that reads the lab's reference fix could pass; it must fail."""
    key = {"fix": TINY / "fixes" / "least_squares.py", "non-fix": TINY / "non_fixes" / "constant.py",
           "datasets": BUILTIN_COURSE / "datasets" / "fraud.py",
           "other-lab": BUILTIN_COURSE / "labs" / "imbalanced_fraud" / "grading.py",
           "other-fix": BUILTIN_COURSE / "labs" / "imbalanced_fraud" / "fixes" / "cost_weighted.py"}
    report = grade(tiny_lab, probe(tmp_path, "steals_answer_key", {
        "key": {name: str(path) for name, path in key.items()},
        "modules": ["mllab.datasets.fraud", "mllab.labs.imbalanced_fraud.fixes.cost_weighted"]}),
        Options(isolation=isolation))
    if sealed(isolation):
        assert report.verdict == "fail", report.reason  # a constant: nothing was stolen
        assert report.checks[0].median < 0.7
    else:
        assert report.verdict == "pass"  # the copied fix: why these levels are not verified
        assert not report.verified


def test_nothing_a_run_leaves_reaches_a_later_run(isolation, tiny_lab, tmp_path):
    token = secrets.token_hex(8)
    first = grade(tiny_lab, probe(tmp_path, "leaves_files", {"token": token}),
                  Options(isolation=isolation))
    left = [Path(folder, f"mllab-left-{token}") for folder in sandbox.SCRATCH]
    found = [path for path in left if path.exists()]
    later = grade(tiny_lab, probe(tmp_path, "reads_leftovers", {"token": token}),
                  Options(isolation=isolation))
    for path in found:
        path.unlink()
    assert first.verdict == "pass", first.reason
    if sealed(isolation) or os.geteuid() == 0 and sandbox.unprivileged(isolation):
        assert not found
        assert later.verdict == "pass", later.reason
    else:
        assert "not protected" in later.isolation


def test_a_run_cannot_reach_the_runs_after_it(isolation, tiny_lab, tmp_path):
    """Seed 2 follows seed 1 in the same grading (at the bubblewrap level: forked by the same
    run server): seed 1 marks every place it can write, signals every process it sees and
    leaves a daemon; seed 2 finds no trace and no other process, and no daemon survives."""
    report = grade(tiny_lab, probe(tmp_path, "haunts_later_runs", {"token": secrets.token_hex(8)}),
                   Options(isolation=isolation))
    ghosts = _comm_matching("mllabghost")
    for pid in ghosts:
        os.kill(pid, 9)
    for folder in sandbox.SCRATCH:
        for mark in Path(folder).glob("mllab-haunt-*"):
            mark.unlink()
    if sealed(isolation):
        assert report.verdict == "pass", report.reason
        assert len(report.runs) == 2
        assert not ghosts
    else:
        assert "BREACH" in report.reason and "not protected" in report.isolation


def test_run_folders_of_a_killed_grader_are_removed_by_the_next_grade(isolation, tiny_lab,
                                                                      tmp_path):
    script = (f"import sys; from pathlib import Path; from mllab import labs; "
              f"from mllab.graders import Options, grade; "
              f"grade(labs.load(Path({str(TINY)!r})), Path({str(SUBMISSIONS / 'sleeps.py')!r}), "
              f"Options(isolation={isolation!r}, timeout_s=60))")
    grader = subprocess.Popen([sys.executable, "-c", script], env=os.environ.copy())
    pattern = f"{sandbox.WORKDIR_PREFIX}tiny_lab-{grader.pid}-*"
    deadline = time.monotonic() + 60
    while not list(Path(tempfile.gettempdir()).glob(pattern)) and time.monotonic() < deadline:
        time.sleep(0.1)
    (left,) = Path(tempfile.gettempdir()).glob(pattern)
    time.sleep(1)  # the run is under way
    grader.kill()
    grader.wait()
    assert left.exists()
    time.sleep(0.5)
    assert not processes_matching(str(left))  # the run died with its grader
    mine = Path(tempfile.mkdtemp(prefix=f"{sandbox.WORKDIR_PREFIX}tiny_lab-{os.getpid()}-"))
    report = grade(tiny_lab, SUBMISSIONS / "honest.py", Options(isolation=isolation))
    assert report.verdict == "pass"
    assert not left.exists()
    assert mine.exists()  # its grader (this process) is alive: kept
    mine.rmdir()


def _comm_matching(name: str) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        try:
            if entry.name.isdigit() and Path(entry.path, "comm").read_text().strip() == name:
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def test_a_fork_and_exit_chain_does_not_survive(isolation, tiny_lab):
    report = grade(tiny_lab, SUBMISSIONS / "fork_chain.py", Options(isolation=isolation))
    assert report.verdict == "pass", report.reason
    assert not _comm_matching("mllabhopper")
    time.sleep(0.5)  # one that escaped would still be hopping
    assert not _comm_matching("mllabhopper")


def test_shared_memory_and_tmp_are_bounded_and_private(isolation, tiny_lab, tmp_path):
    if isolation != "bwrap":
        pytest.skip(f"{isolation}: /dev/shm and /tmp are the machine's (not verified)")
    report = grade(tiny_lab, probe(tmp_path, "fills_shm", {"most_mb": 256}),
                   Options(isolation=isolation))
    assert report.verdict == "pass", report.reason
    assert not Path("/dev/shm/mllab-hoard").exists() and not Path("/tmp/mllab-hoard").exists()


@pytest.mark.parametrize("name", ["forges_internal_error", "plants_internal_error"])
def test_a_forged_grader_fault_is_the_learners_error(name, tiny_lab):
    report = grade(tiny_lab, SUBMISSIONS / f"{name}.py")
    assert report.verdict == "error" and report.exit_code == 2, report.reason
    assert "reference fix runs cleanly" in report.reason and "\n" not in report.reason


def test_an_array_header_claiming_too_much_is_invalid_output(tiny_lab):
    report = grade(tiny_lab, SUBMISSIONS / "huge_npy_header.py")
    assert report.verdict == "invalid-output" and report.exit_code == 2, report.reason
    assert "claims shape (100000000000,)" in report.reason


def test_numbers_that_overflow_a_metric_are_invalid_output(tmp_path):
    from test_grader import _lab_with_harness

    lab = _lab_with_harness(tmp_path, "def harness(submission, train, eval, device, seed):\n"
                                      "    model = submission.call('train', *train)\n"
                                      "    return {'pred': submission.call('predict', model, "
                                      "eval)}")
    grading = lab.folder / "grading.py"
    grading.write_text(grading.read_text().replace(
        'pred = outputs.array("pred", len(truth), kind="binary", what="predict()")\n'
        '    return {"accuracy": float((pred == truth).mean())}',
        'pred = outputs.array("pred", len(truth), what="predict()")\n'
        '    return {"accuracy": float((pred == truth).mean()), "energy": float((pred ** 2).sum())}'))
    report = grade(lab, SUBMISSIONS / "huge_numbers.py")
    assert report.verdict == "invalid-output" and report.exit_code == 2, report.reason
    assert "could not be scored" in report.reason
    assert grade(lab, lab.fixes()[0]).verdict == "pass"


def test_a_verified_run_is_given_neither_the_secret_nor_a_seed(tiny_lab):
    from mllab.graders.engine import _seed_pairs

    secret = "s3cret-" + secrets.token_hex(8)
    options = Options(secret=secret)
    report = grade(tiny_lab, SUBMISSIONS / "reports_environment.py", options)
    given = report.runs[0].reason
    assert "GIVEN" in given
    assert secret not in given
    pairs = _seed_pairs(tiny_lab, options)
    assert max(seed for pair in pairs for seed in pair) >= 2**32  # 64-bit draws
    for train_seed, eval_seed in pairs:
        assert str(train_seed) not in given and str(eval_seed) not in given
    # nor does the report the student gets back: its seeds are numbered, not named
    shown = json.dumps(report.to_dict())
    assert [run.seed for run in report.runs] == list(range(1, len(report.runs) + 1))
    assert not any(str(seed) in shown for pair in pairs for seed in pair)


# ---------------------------------------------------------------- verified grading, from the CLI


@pytest.fixture
def class_folder(tmp_path) -> Path:
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.py").write_text((SUBMISSIONS / "honest.py").read_text())
    (folder / "bob.py").write_text((SUBMISSIONS / "baseline.py").read_text())
    return folder


def mllab(*args: str, path: str | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": path or os.environ["PATH"]}
    env.pop("MLLAB_SECRET", None)
    return subprocess.run([sys.executable, "-m", "mllab.cli", *args], capture_output=True,
                          text=True, env=env, input=stdin, cwd=Path(tempfile.gettempdir()),
                          timeout=300)


def test_verified_grading_refuses_without_bubblewrap(class_folder, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    done = mllab("grade-class", "tiny_lab", str(class_folder), "--secret-file", str(secret),
                 path="/nonexistent")  # neither bwrap nor unshare can be found
    assert done.returncode == 2, done.stdout + done.stderr
    message = " ".join((done.stdout + done.stderr).split())  # errors wrap at the terminal width
    assert "bubblewrap is not installed" in message and "apt-get install bubblewrap" in message
    assert "--allow-weak-isolation" in message and "Traceback" not in message

    done = mllab("grade-class", "tiny_lab", str(class_folder), "--secret-file", str(secret),
                 "--allow-weak-isolation", "--json", "--out", str(tmp_path / "weak"),
                 path="/nonexistent")
    assert done.returncode == 0, done.stderr
    reports = {who: student["report"]
               for who, student in json.loads(done.stdout)["students"].items()}
    assert {who: r["verdict"] for who, r in reports.items()} == {"alice": "pass", "bob": "fail"}
    assert all(r["mode"] == "verified" and r["verified"] is False for r in reports.values())


def test_the_secret_from_a_file_or_a_prompt_grades_alike(class_folder, tmp_path):
    if not sealed(sandbox.available_isolation()[0]):
        pytest.skip("verified grading needs bubblewrap, which this machine lacks")
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    from_file = mllab("grade-class", "tiny_lab", str(class_folder), "--secret-file", str(secret),
                      "--json", "--out", str(tmp_path / "from_file"))
    prompted = mllab("grade-class", "tiny_lab", str(class_folder), "--ask-secret", "--json",
                     "--out", str(tmp_path / "prompted"), stdin="s3cret\n")
    assert from_file.returncode == prompted.returncode == 0, from_file.stderr + prompted.stderr
    first, second = ({who: student["report"] for who, student in
                      json.loads(done.stdout)["students"].items()}
                     for done in (from_file, prompted))  # the prompt itself goes to stderr
    assert all(r["verified"] is True for r in first.values())
    for who in first:  # the same secret: the same data, the same numbers
        assert [run["metrics"] for run in first[who]["runs"]] == \
            [run["metrics"] for run in second[who]["runs"]]
    both = mllab("grade-class", "tiny_lab", str(class_folder), "--secret-file", str(secret),
                 "--secret", "other")
    assert both.returncode == 2 and "one way only" in both.stdout + both.stderr


def test_a_run_server_that_cannot_work_here_falls_back_to_cold_runs(tiny_lab, monkeypatch,
                                                                     capfd):
    """Where the server cannot start or set up a run (user namespaces without capabilities),
    nothing of the learner's code has run: the run, and the rest, start their own interpreter."""
    if "bwrap" not in LEVELS:
        pytest.skip("no bubblewrap here: there is no run server")

    def unusable(self, timeout_s=180):
        raise sandbox.ServerUnusable("simulated")

    monkeypatch.setattr(sandbox.Server, "ready", unusable)
    monkeypatch.setattr(sandbox.server, "unusable", [])
    monkeypatch.delenv(sandbox.COLD_VAR, raising=False)
    report = grade(tiny_lab, SUBMISSIONS / "honest.py", Options(isolation="bwrap"))
    assert report.verdict == "pass", report.reason
    assert sandbox.server.unusable == ["simulated"]
    assert "run server cannot work here (simulated)" in capfd.readouterr().err
    again = grade(tiny_lab, SUBMISSIONS / "honest.py", Options(isolation="bwrap"))
    assert again.verdict == "pass"  # no second server is tried in this process
    assert "run server" not in capfd.readouterr().err
