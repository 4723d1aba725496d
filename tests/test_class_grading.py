"""Grading a class through the real CLI on the tiny lab: a hostile class folder, the
gradebook formats (CSV, Gradescope's results.json), scores, resume, and parallel grading."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from conftest import COURSE, SUBMISSIONS
from mllab import labs
from mllab.cli import main

ROOT = Path(__file__).resolve().parents[1]
HONEST, BASELINE = SUBMISSIONS / "honest.py", SUBMISSIONS / "baseline.py"
SYNTAX_ERROR = SUBMISSIONS / "syntax_error.py"  # graded without a sandboxed run: fast

# Gradescope's autograder specification (gradescope-autograders.readthedocs.io/en/latest/specs/)
GRADESCOPE_TOP = {"score", "execution_time", "output", "output_format", "test_output_format",
                  "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
                  "leaderboard"}
GRADESCOPE_TEST = {"score", "max_score", "status", "name", "name_format", "number", "output",
                   "output_format", "tags", "visibility", "extra_data"}
GRADESCOPE_FORMATS = {"text", "simple_format", "html", "md", "ansi"}


def grade_class(*args: str):
    """``mllab grade-class ARGS``; returns click's Result."""
    return CliRunner().invoke(main, ["grade-class", *args], catch_exceptions=False)


def class_folder(root: Path, **students: Path) -> Path:
    """A class folder holding a copy of each student's file as ``<student>.py``."""
    folder = root / "class"
    folder.mkdir(parents=True, exist_ok=True)
    for student, source in students.items():
        shutil.copyfile(source, folder / f"{student}.py")
    return folder


def gradebook(out: Path) -> dict[str, dict]:
    with open(out / "gradebook.csv", newline="") as fh:
        return {row["student"]: row for row in csv.DictReader(fh)}


def results(out: Path, folder_name: str) -> dict:
    return json.loads((out / folder_name / "results.json").read_text())


def process_table() -> dict[int, tuple[int, bytes]]:
    """pid -> (parent pid, state) for every process."""
    table = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            table[int(entry.name)] = (int(fields[1]), fields[0])
    return table


def descendants(pid: int) -> set[int]:
    table, found, todo = process_table(), set(), [pid]
    while todo:
        parent = todo.pop()
        children = {p for p, (pp, _) in table.items() if pp == parent} - found
        found |= children
        todo.extend(children)
    return found


def alive(pids: set[int]) -> set[int]:
    table = process_table()
    return {p for p in pids if p in table and table[p][1] != b"Z"}


def assert_gradescope_format(data: dict) -> None:
    assert set(data) <= GRADESCOPE_TOP
    assert "score" in data or all("score" in test for test in data["tests"])
    for key in ("output_format", "test_output_format", "test_name_format"):
        assert data.get(key, "text") in GRADESCOPE_FORMATS
    for test in data["tests"]:
        assert set(test) <= GRADESCOPE_TEST
        assert test["status"] in ("passed", "failed")
        assert isinstance(test["name"], str) and isinstance(test["output"], str)


def points_course(tmp_path: Path, monkeypatch, toml_extra: str = "",
                  targets: str = "") -> Path:
    """A course with ``tiny_points``: the tiny lab with ``targets`` instead of its own."""
    course = tmp_path / "points_course"
    shutil.copytree(COURSE / "labs" / "tiny_lab", course / "labs" / "tiny_points")
    (course / "broken_models").mkdir()
    shutil.copyfile(COURSE / "broken_models" / "tiny_lab.py",
                    course / "broken_models" / "tiny_points.py")
    toml = course / "labs" / "tiny_points" / "lab.toml"
    text = toml.read_text()
    if targets:
        text = text[:text.index("[[grading.targets]]")] + targets
    toml.write_text(text.replace("[grading]\n", f"[grading]\n{toml_extra}"))
    monkeypatch.setenv(labs.COURSES_VAR, str(course))
    return course


TWO_CHECKS = """
[[grading.targets]]
metric = "accuracy"
op = ">="
value = 0.9
label = "accuracy"
advice = "Look at the decision rule."
points = 60

[[grading.targets]]
metric = "accuracy"
op = ">="
value = 0.3
label = "better than inverted"
advice = "Predict 0/1 labels."
"""


# ------------------------------------------------------------------ a hostile class folder


def test_links_special_files_and_doubles_are_refused_never_graded(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copyfile(HONEST, outside / "honest.py")
    (outside / "tiny_lab.py").write_bytes(HONEST.read_bytes())
    folder = class_folder(tmp_path, alice=HONEST, frank=HONEST, ivan=HONEST)
    (folder / "eve.py").symlink_to(outside / "honest.py")  # a file outside the folder
    (folder / "mallory").symlink_to(outside)  # a student folder outside the folder
    (folder / "oscar").mkdir()
    (folder / "oscar" / "tiny_lab.py").symlink_to(folder / "alice.py")  # a classmate's file
    os.link(folder / "frank.py", folder / "grace.py")  # two students, one file
    os.link(outside / "honest.py", folder / "heidi.py")  # a file outside, hard-linked in
    os.mkfifo(folder / "fifo.py")  # reading it would hang the grader
    (folder / "ivan").mkdir()
    shutil.copyfile(HONEST, folder / "ivan" / "tiny_lab.py")  # two submissions, one student
    (folder / "judy").mkdir()
    (folder / "judy" / "tiny_lab.py").mkdir()
    (folder / "kim").mkdir()
    shutil.copyfile(HONEST, folder / "kim" / "solution.py")  # the wrong name
    (folder / ".hidden.py").write_bytes(HONEST.read_bytes())  # ignored, as is a folder
    (folder / "notes").mkdir()  # without Python files
    outside_before = {p.name: p.read_bytes() for p in outside.iterdir()}

    out = tmp_path / "out"
    result = grade_class("tiny_lab", str(folder), "--out", str(out), "--jobs", "2")

    assert result.exit_code == 0, result.output
    rows = gradebook(out)
    refused = {"eve": "symbolic link", "mallory": "symbolic link", "oscar": "symbolic link",
               "frank": "2 hard links", "grace": "2 hard links", "heidi": "2 hard links",
               "fifo": "not a regular file", "ivan": "two submissions",
               "judy": "not a regular file", "kim": "holds no tiny_lab.py (found: solution.py)"}
    assert set(rows) == {"alice", *refused}
    assert rows["alice"]["verdict"] == "pass" and float(rows["alice"]["score"]) == 100
    for student, words in refused.items():
        row = rows[student]
        assert (row["verdict"], float(row["score"])) == ("error", 0), student
        assert row["reason"].startswith("refused: ") and words in row["reason"], row
        assert "\n" not in row["reason"]
        stored = json.loads((out / student / "report.json").read_text())["report"]
        assert stored["runs"] == [] and stored["isolation"] == "not run"  # never graded
        assert sorted(p.name for p in (out / student).iterdir()) == ["report.json",
                                                                     "results.json"]
    assert "error (refused) 10" in result.output
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == outside_before


def test_odd_student_names_keep_the_csv_json_and_table_intact(tmp_path):
    names = ["=HYPERLINK(\"x\")", "new\nline", "comma, \"quoted\"", "José",
             "[bold red]markup", "\x1b[31mred"]
    folder = tmp_path / "class"
    folder.mkdir()
    for name in names:
        shutil.copyfile(SYNTAX_ERROR, folder / f"{name}.py")
    os.symlink(SYNTAX_ERROR, os.path.join(bytes(folder), b"bad\xffbytes.py"))  # not UTF-8
    names.append(os.fsdecode(b"bad\xffbytes"))
    out = tmp_path / "out"

    table = grade_class("tiny_lab", str(folder), "--out", str(out))
    as_json = grade_class("tiny_lab", str(folder), "--out", str(out), "--json")

    assert table.exit_code == as_json.exit_code == 0
    assert "[bold red]markup" in table.output and "\x1b" not in table.output
    assert "new\\nline" in table.output
    assert set(json.loads(as_json.output)["students"]) == set(names)
    with open(out / "gradebook.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == len(names) + 1 and {len(row) for row in rows} == {len(rows[0])}
    shown = {row[0] for row in rows[1:]}
    assert "'=HYPERLINK(\"x\")" in shown  # a spreadsheet reads text, not a formula
    assert {"new\\nline", "José", "\\x1b[31mred", "bad\\udcffbytes"} <= shown
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == len(names)  # one each, inside OUT, none shared
    for path in folders:
        assert_gradescope_format(json.loads((path / "results.json").read_text()))


def test_names_that_could_escape_or_collide_stay_inside_out(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("Alice", "alice", "-", "a b", ".", "..", "..x"):  # the last three: hidden
        shutil.copyfile(SYNTAX_ERROR, folder / f"{name}.py")
    out = tmp_path / "out"
    assert grade_class("tiny_lab", str(folder), "--out", str(out)).exit_code == 0
    assert set(gradebook(out)) == {"Alice", "alice", "'-", "a b"}
    written = [p for p in tmp_path.rglob("results.json")]
    assert len(written) == 4 and all(p.parent.parent == out for p in written)
    assert len({p.parent.name.casefold() for p in written}) == 4



def test_a_name_chosen_to_equal_a_classmates_stand_in_gets_no_shared_folder(tmp_path):
    """``evil\nname`` stands in as ``evil_name-425665b5``; a classmate of that very name
    sends both to ``...-425665b5`` + their own digest, which a third name equalled: the
    victim's results.json (Gradescope's grade) was the third student's, a fail."""
    folder = tmp_path / "class"
    folder.mkdir()
    names = ("evil\nname", "evil_name-425665b5", "evil_name-425665b5-425665b5",
             "\u00e9", "e\u0301")  # the last two: equal once normalised (macOS file systems)
    for name in names:
        shutil.copyfile(SYNTAX_ERROR, folder / f"{name}.py")
    out = tmp_path / "out"
    assert grade_class("tiny_lab", str(folder), "--out", str(out)).exit_code == 0
    written = list(out.rglob("results.json"))
    assert len(written) == len(names)
    assert len({unicodedata.normalize("NFC", p.parent.name).casefold() for p in written}) \
        == len(names)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=140), max_size=12, unique=True))
def test_output_folders_never_share_a_folder(students):
    from mllab.graders.batch import output_folders

    adversarial = [*students, *output_folders(students).values()]  # names equal to stand-ins
    for names in (students, list(dict.fromkeys(adversarial))):
        folders = output_folders(names)
        keys = {unicodedata.normalize("NFC", f).casefold() for f in folders.values()}
        assert len(keys) == len(names)
        assert all(len(f.encode("utf-8", "surrogateescape")) <= 200 and "/" not in f and
                   f not in (".", "..") for f in folders.values())



def test_a_class_kept_in_the_course_is_out_of_every_runs_sight(tmp_path, monkeypatch):
    """Runs read the course (the lab's harness lives there): a class folder, gradebook and
    secret file kept in it were readable, and a file importing a classmate's passed in a
    verified class. They are hidden from every run of the class."""
    course = points_course(tmp_path, monkeypatch)
    secret = course / "secret.txt"
    secret.write_text("s3cret\n")
    folder = class_folder(course, alice=HONEST)
    (folder / "mallory.py").write_text((SUBMISSIONS / "copies_classmate.py").read_text()
                                       .replace("/path/to/class/alice.py", str(folder / "alice.py"))
                                       .replace("/path/to/secret.txt", str(secret)))
    out = course / "grades"
    result = grade_class("tiny_points", str(folder), "--out", str(out),
                         "--secret-file", str(secret))
    assert result.exit_code == 0, result.output
    rows = gradebook(out)
    assert rows["alice"]["verdict"] == "pass"
    reason = rows["mallory"]["reason"]
    assert rows["mallory"]["verdict"] == "error", rows
    assert "PermissionError" in reason or "FileNotFoundError" in reason, reason



def test_parallel_gradings_fit_what_each_run_may_hold_in_memory(monkeypatch):
    """Each run may hold its memory budget and, in tmpfs that no process's size counts, its
    folder, /tmp and /dev/shm: as many gradings at once as memory holds with all of it."""
    from mllab.graders import parallel_runs

    lab = labs.load(COURSE / "labs" / "tiny_lab")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(4096)))  # cores galore
    with open("/proc/meminfo") as fh:
        available_mb = next(int(line.split()[1]) for line in fh
                            if line.startswith("MemAvailable:")) // 1024
    per_run_mb = lab.memory_mb + 2 * 256 + lab.memory_mb // 2
    assert parallel_runs(lab) * per_run_mb <= available_mb + per_run_mb  # meminfo moves a bit


# ------------------------------------------------------------------ the gradebook


def test_scores_csv_and_gradescope_results(tmp_path, monkeypatch):
    points_course(tmp_path, monkeypatch, "points = 100\n", TWO_CHECKS)
    folder = class_folder(tmp_path, ann=HONEST, ben=BASELINE, cat=SYNTAX_ERROR)
    out = tmp_path / "out"

    result = grade_class("tiny_points", str(folder), "--out", str(out))

    assert result.exit_code == 0, result.output
    rows = gradebook(out)
    assert list(next(iter(rows.values()))) == ["student_id", "student", "verdict", "score",
                                               "max_score", "accuracy", "seconds", "reason",
                                               "isolation"]
    assert {s: (r["verdict"], float(r["score"])) for s, r in rows.items()} == {
        "ann": ("pass", 100), "ben": ("fail", 40), "cat": ("error", 0)}
    assert 0.3 < float(rows["ben"]["accuracy"]) < 0.9 and rows["cat"]["accuracy"] == ""
    assert "syntax-error" in rows["cat"]["reason"]

    ben = results(out, "ben")
    assert_gradescope_format(ben)
    assert ben["score"] == 40 and ben["extra_data"]["max_score"] == 100
    assert [(t["status"], t["score"], t["max_score"]) for t in ben["tests"]] == [
        ("failed", 0, 60), ("passed", 40, 40)]
    assert "Look at the decision rule." in ben["tests"][0]["output"]
    ann, cat = results(out, "ann"), results(out, "cat")
    assert ann["score"] == 100 and all(t["status"] == "passed" for t in ann["tests"])
    assert cat["score"] == 0 and "syntax-error" in cat["output"]
    assert all(t["status"] == "failed" and "not measured" in t["output"] for t in cat["tests"])

    assert "passed: 1/3 (33%)" in result.output
    assert "most missed check: accuracy (1 fail)" in result.output
    assert "error (syntax-error) 1" in result.output and "slowest:" in result.output


def test_a_fail_never_scores_full_marks(tmp_path, monkeypatch):
    from mllab.graders.gradebook import score
    from mllab.graders.report import CheckResult, Report

    course = points_course(tmp_path, monkeypatch, "points = 100\n", TWO_CHECKS)
    lab = labs.load(course / "labs" / "tiny_points")

    def check(misses: int) -> CheckResult:
        return CheckResult("accuracy", "a", ">= 0", (1.0,) * 3, 1.0, True, misses, 0.0, "")

    # each check's median passed, but too many seeds missed one (at most 1 may)
    report = Report(lab="tiny_points", file="f.py", verdict="fail", reason="", hint="",
                    mode="local", isolation="", seconds=1.0, checks=(check(1), check(0)))
    assert score(lab, report) == 40  # the check missed most often counts as missed
    assert score(lab, replace(report, verdict="pass")) == 100
    assert score(lab, replace(report, verdict="timeout", checks=())) == 0
    assert score(lab, replace(report, verdict="internal-error", checks=())) is None


def test_points_that_do_not_add_up_name_the_file(tmp_path, monkeypatch):
    course = points_course(tmp_path, monkeypatch, "points = 50\n", TWO_CHECKS)
    with pytest.raises(labs.LabError, match="tiny_points/lab.toml.*add up to 60"):
        labs.load(course / "labs" / "tiny_points")


def test_a_grader_fault_is_unscored_marked_for_regrade_and_graded_again(tmp_path, monkeypatch):
    course = points_course(tmp_path, monkeypatch)
    fault = tmp_path / "fault"
    grading = course / "labs" / "tiny_points" / "grading.py"
    grading.write_text(grading.read_text().replace(
        "def make_split(train_seed: int, eval_seed: int) -> Split:\n",
        "def make_split(train_seed: int, eval_seed: int) -> Split:\n"
        f"    if __import__('os').path.exists({str(fault)!r}):\n"
        "        raise RuntimeError('the generator exploded')\n"))
    folder = class_folder(tmp_path, ann=HONEST)
    out = tmp_path / "out"
    fault.touch()

    first = grade_class("tiny_points", str(folder), "--out", str(out))

    assert first.exit_code == 3
    assert "could not grade 1: ann" in first.output
    row = gradebook(out)["ann"]
    assert (row["verdict"], row["score"]) == ("internal-error", "")
    assert row["reason"].startswith("regrade: grader fault") and "exploded" in row["reason"]
    data = results(out, "ann")
    assert "score" not in data and data["extra_data"]["regrade"] is True
    assert all("score" not in test for test in data["tests"])

    fault.unlink()
    second = grade_class("tiny_points", str(folder), "--out", str(out))
    assert second.exit_code == 0 and "already graded" not in second.output
    assert gradebook(out)["ann"]["verdict"] == "pass"


# ------------------------------------------------------------------ resume


def test_rerun_keeps_results_regrades_changed_files_and_force_regrades_all(tmp_path):
    folder = class_folder(tmp_path, ann=HONEST, ben=BASELINE)
    out = tmp_path / "out"
    assert grade_class("tiny_lab", str(folder), "--out", str(out)).exit_code == 0
    first = (out / "ann" / "report.json").read_bytes()

    again = grade_class("tiny_lab", str(folder), "--out", str(out))
    assert "2 students already graded" in again.output and "[1/" not in again.output
    assert (out / "ann" / "report.json").read_bytes() == first

    shutil.copyfile(HONEST, folder / "ben.py")  # ben resubmits
    changed = grade_class("tiny_lab", str(folder), "--out", str(out))
    assert "1 student already graded" in changed.output and "[1/1] ben: pass" in changed.output
    assert gradebook(out)["ben"]["verdict"] == "pass"

    forced = grade_class("tiny_lab", str(folder), "--out", str(out), "--force")
    assert "already graded" not in forced.output and "[2/2]" in forced.output


def test_a_killed_grading_loses_nothing_and_a_rerun_finishes(tmp_path):
    folder = class_folder(tmp_path, a_ann=HONEST, b_ben=BASELINE, c_cid=SUBMISSIONS / "sleeps.py")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT.parent)}
    command = [sys.executable, "-m", "mllab.cli", "grade-class", "tiny_lab", str(folder),
               "--out", str(out), "--jobs", "1", "--timeout", "5"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (out / "b_ben" / "report.json").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # c_cid's grading is under way
    grading = descendants(proc.pid)
    assert grading  # its grading process, and the sandboxed run under it
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    rows = gradebook(out)
    assert {s: r["verdict"] for s, r in rows.items()} == {"a_ann": "pass", "b_ben": "fail"}
    assert not list(out.rglob(".*.tmp"))  # no half-written file
    deadline = time.monotonic() + 10  # the grading process follows its parent, cleaning up
    while alive(grading) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(grading)

    rerun = grade_class("tiny_lab", str(folder), "--out", str(out), "--timeout", "5")
    assert "2 students already graded" in rerun.output and "[1/1] c_cid: timeout" in rerun.output
    assert set(gradebook(out)) == {"a_ann", "b_ben", "c_cid"}


# ------------------------------------------------------------------ parallel


def test_a_hanging_submission_does_not_hold_up_the_others(tmp_path):
    folder = class_folder(tmp_path, a_busy=SUBMISSIONS / "busy_loop.py", b_ann=HONEST,
                          c_ben=BASELINE, d_cat=HONEST)
    out = tmp_path / "out"
    result = grade_class("tiny_lab", str(folder), "--out", str(out), "--jobs", "2",
                         "--timeout", "10")

    assert result.exit_code == 0
    verdicts = {s: r["verdict"] for s, r in gradebook(out).items()}
    assert verdicts == {"a_busy": "timeout", "b_ann": "pass", "c_ben": "fail", "d_cat": "pass"}
    finished = [line.split()[1].rstrip(":") for line in result.output.splitlines()
                if line.startswith("[")]
    # a_busy was started first; the others did not wait for it
    assert finished.index("b_ann") < finished.index("a_busy")
    assert float(gradebook(out)["a_busy"]["seconds"]) < 10 + 5


def test_jobs_1_and_2_give_the_same_gradebook_with_a_secret(tmp_path):
    folder = class_folder(tmp_path, ann=HONEST, ben=BASELINE, cat=SYNTAX_ERROR, dan=HONEST)

    def graded(jobs: str) -> list[tuple]:
        out = tmp_path / f"out{jobs}"
        result = grade_class("tiny_lab", str(folder), "--out", str(out), "--jobs", jobs,
                             "--secret", "s3cret")
        assert result.exit_code == 0
        return sorted((s, r["verdict"], r["score"], r["accuracy"])
                      for s, r in gradebook(out).items())

    assert graded("1") == graded("2")


def test_json_output_and_nothing_to_grade(tmp_path):
    folder = class_folder(tmp_path, ann=SYNTAX_ERROR)
    data = json.loads(grade_class("tiny_lab", str(folder), "--out", str(tmp_path / "o"),
                                  "--json").output)
    assert data["students"]["ann"]["score"] == 0 and data["summary"]["students"] == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    result = grade_class("tiny_lab", str(empty), "--out", str(tmp_path / "o2"))
    assert result.exit_code == 2 and "no submissions" in result.output


# ------------------------------------------------------------------ Gradescope


RUN_AUTOGRADER = ROOT / "docs" / "gradescope" / "run_autograder"


def run_autograder(root: Path) -> subprocess.CompletedProcess:
    """docs/gradescope/run_autograder with /autograder moved to ``root``."""
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "PYTHONPATH": str(ROOT.parent)}
    return subprocess.run([sys.executable, str(RUN_AUTOGRADER)], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.parametrize("layout, score, words", [
    ({"repo/src/tiny_lab.py": HONEST, "repo/utils.py": BASELINE}, 100, "verdict: pass"),
    ({"mine.py": BASELINE}, 0, "verdict: fail"),
    ({"tiny_lab.py": SYNTAX_ERROR}, 0, "syntax-error: tiny_lab.py:4"),
    ({"a.py": HONEST, "b.py": HONEST}, 0, "Submit one file named tiny_lab.py"),
    ({}, 0, "Python files found: none"),
    ({"tiny_lab.py": "link"}, 0, "is a link"),
], ids=["nested", "only-file", "syntax-error", "two-files", "empty", "symlink"])
def test_run_autograder_writes_gradescope_results(tmp_path, layout, score, words):
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "lab").write_text("tiny_lab\n")
    (tmp_path / "source" / "secret").write_text("not for students\n")
    submission = tmp_path / "submission"
    submission.mkdir()
    for name, source in layout.items():
        path = submission / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if source == "link":
            path.symlink_to(tmp_path / "source" / "secret")
        else:
            shutil.copyfile(source, path)

    done = run_autograder(tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((tmp_path / "results" / "results.json").read_text())
    assert_gradescope_format(data)
    assert data["score"] == score and words in data["output"]
    assert "not for students" not in json.dumps(data)
    assert not (tmp_path / "source" / "secret").exists()  # gone before the submission ran
    if data["tests"]:
        assert data["extra_data"]["mode"] == "verified"  # the secret in the zip was used


def test_run_autograder_leaves_no_results_when_mllab_cannot_grade(tmp_path, monkeypatch):
    points_course(tmp_path, monkeypatch, targets=TWO_CHECKS.replace('"accuracy"\nop', '"nope"\nop'))
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "lab").write_text("tiny_points")
    (tmp_path / "submission").mkdir()
    shutil.copyfile(HONEST, tmp_path / "submission" / "tiny_points.py")

    done = run_autograder(tmp_path)

    assert done.returncode == 3 and "regrade" in done.stdout
    assert not (tmp_path / "results" / "results.json").exists()


# ------------------------------------------------------------------ Ray


def test_ray_backend_grades_like_the_local_one(tmp_path):
    pytest.importorskip("ray")
    folder = class_folder(tmp_path, ann=HONEST, ben=BASELINE, cat=SYNTAX_ERROR,
                          dan=SUBMISSIONS / "sleeps.py")

    def rows(*args: str) -> dict[str, dict]:
        out = tmp_path / f"out{len(args)}"
        result = grade_class("tiny_lab", str(folder), "--out", str(out), "--jobs", "2",
                             "--timeout", "3", *args)
        assert result.exit_code == 0, result.output
        return {s: {k: v for k, v in r.items() if k != "seconds"} for s, r in gradebook(out).items()}

    on_ray = rows("--backend", "ray")  # starts and stops a local Ray instance
    assert {s: (r["verdict"], r["score"]) for s, r in on_ray.items()} == \
        {s: (r["verdict"], r["score"]) for s, r in rows().items()} == \
        {"ann": ("pass", "100.0"), "ben": ("fail", "0.0"), "cat": ("error", "0.0"),
         "dan": ("timeout", "0.0")}
    assert json.loads((tmp_path / "out2" / "ann" / "report.json").read_text())["report"]["runs"]
    # verified: the tasks get the seeds the driver derived from the secret, so every metric
    # is the one a local grading with the same secret measures
    verified = ("--secret", "course key", "--allow-weak-isolation")
    assert rows("--backend", "ray", *verified) == rows(*verified, "--force")


def test_a_grading_without_the_secret_uses_the_seeds_it_derives(tiny_lab):
    from mllab.graders.engine import Options, _child_seed, _seed_pairs, without_secret

    lab = tiny_lab
    keyed = Options(secret="course key")
    sent = without_secret(lab, keyed)
    assert sent.secret is None and "course key" not in repr(sent) and sent.verified
    assert _seed_pairs(lab, sent) == _seed_pairs(lab, keyed)
    assert [_child_seed(lab, t, sent) for t, _ in _seed_pairs(lab, sent)] == \
        [_child_seed(lab, t, keyed) for t, _ in _seed_pairs(lab, keyed)]
    assert without_secret(lab, Options()) == Options()


def test_a_ray_task_refuses_verified_grading_on_a_weak_sandbox(tiny_lab, monkeypatch):
    from mllab.graders import ray_backend, sandbox
    from mllab.graders.batch import lab_digest
    from mllab.graders.engine import Options, without_secret

    lab = tiny_lab
    monkeypatch.setattr(sandbox, "weaknesses", lambda level: ["runs keep the grader's user"])
    options = without_secret(lab, Options(secret="course key"))
    report = ray_backend.grade_task(str(lab.folder), lab_digest(lab), "ann.py",
                                    HONEST.read_bytes(), options)
    assert report["verdict"] == "internal-error" and "cannot grade verified" in report["reason"]


def test_ray_backend_says_how_to_install_ray(tmp_path, monkeypatch):
    folder = class_folder(tmp_path, ann=HONEST)
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    missing = grade_class("tiny_lab", str(folder), "--backend", "ray")
    said = " ".join(missing.output.split())
    assert missing.exit_code == 2 and "Ray is not installed: pip install ray" in said


def test_the_starter_handed_in_unchanged_scores_nothing(tmp_path, monkeypatch):
    course = points_course(tmp_path, monkeypatch, "points = 100\n", TWO_CHECKS)
    starter = course / "broken_models" / "tiny_points.py"
    folder = class_folder(tmp_path, ann=SYNTAX_ERROR)
    # the starter as given, saved by an editor with CRLF, trailing spaces and a blank line
    (folder / "dan.py").write_bytes(starter.read_bytes().replace(b"\n", b"  \r\n") + b"\r\n")
    out = tmp_path / "out"

    result = grade_class("tiny_points", str(folder), "--out", str(out))

    assert result.exit_code == 0, result.output
    rows = gradebook(out)
    assert (rows["dan"]["verdict"], float(rows["dan"]["score"])) == ("unchanged", 0)
    assert "starter file" in rows["dan"]["reason"] and rows["dan"]["student_id"] == "dan"
    assert "starter file unchanged: 1" in " ".join(result.output.split())

    # asked to, the starter is graded: it meets the easy check (40 points per check) ...
    grade_class("tiny_points", str(folder), "--out", str(out), "--grade-unchanged")
    rows = gradebook(out)
    assert (rows["dan"]["verdict"], float(rows["dan"]["score"])) == ("fail", 40)
    # ... and scores nothing when only a pass counts
    grade_class("tiny_points", str(folder), "--out", str(out), "--grade-unchanged",
                "--partial-credit", "all-or-nothing")
    assert float(gradebook(out)["dan"]["score"]) == 0


def test_partial_credit_policies(tmp_path, monkeypatch):
    from mllab.graders.gradebook import score
    from mllab.graders.report import CheckResult, Report

    course = points_course(tmp_path, monkeypatch, 'points = 100\npartial_credit = "minimum"\n',
                           TWO_CHECKS)
    lab = labs.load(course / "labs" / "tiny_points")
    assert lab.partial_credit == "minimum"
    # the first check misses on its median; the second passes on its median (0.5) but
    # misses on one seed (0.2 < 0.3)
    report = Report(lab="tiny_points", file="f.py", verdict="fail", reason="", hint="",
                    mode="local", isolation="", seconds=1.0, checks=(
                        CheckResult("accuracy", "a", ">= 0.9", (0.5, 0.5, 0.2), 0.5, False, 3,
                                    0.4, ""),
                        CheckResult("accuracy", "b", ">= 0.3", (0.5, 0.5, 0.2), 0.5, True, 0,
                                    0.0, "")))
    assert score(lab, report) == 0  # minimum: met on every seed only
    assert score(replace(lab, partial_credit="per-check"), report) == 40
    assert score(replace(lab, partial_credit="all-or-nothing"), report) == 0
    toml = course / "labs" / "tiny_points" / "lab.toml"
    toml.write_text(toml.read_text().replace('"minimum"', '"most"'))
    with pytest.raises(labs.LabError, match="partial_credit must be one of"):
        labs.load(course / "labs" / "tiny_points")


def test_ctrl_c_says_what_is_kept_and_that_a_rerun_continues(tmp_path, monkeypatch):
    from mllab.graders import batch

    points_course(tmp_path, monkeypatch)
    folder = class_folder(tmp_path, ann=SYNTAX_ERROR, ben=SYNTAX_ERROR, cat=SYNTAX_ERROR)
    graded = batch.grade_file
    calls = []

    def interrupted_on_the_third(lab, file, options):
        calls.append(file)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return graded(lab, file, options)

    monkeypatch.setattr(batch, "grade_file", interrupted_on_the_third)
    result = CliRunner().invoke(main, ["grade-class", "tiny_points", str(folder), "--out",
                                       str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "2 of 3 results are kept" in said and "run the same command again" in said
    assert "grade the other 1" in said


def test_unchanged_means_whitespace_aside_and_nothing_else():
    """Fuzzed: an editor's whitespace changes keep the starter "unchanged"; any other
    character added anywhere makes it a submission of its own."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from mllab.graders.gradebook import same_as_starter

    starter = (COURSE / "broken_models" / "tiny_lab.py").read_bytes()
    lines = starter.split(b"\n")

    tails = st.sampled_from([b"", b" ", b"\t", b"  \r"])

    @settings(max_examples=30, deadline=None)
    @given(tails, st.dictionaries(st.integers(0, len(lines) - 1), tails, max_size=6),
           st.booleans(), st.integers(0, len(lines) - 1), st.sampled_from(b"#x0(=;"))
    def check(tail, other_tails, crlf, where, extra):
        edited = [line + other_tails.get(number, tail) for number, line in enumerate(lines)]
        text = (b"\r\n" if crlf else b"\n").join(edited) + b"\n\n"
        assert same_as_starter(text, starter)
        changed = list(edited)
        changed[where] = changed[where] + b" " + bytes([extra])
        assert not same_as_starter(b"\n".join(changed), starter)

    check()


@pytest.mark.parametrize("width", [80, 100, 160])
def test_the_class_table_keeps_names_and_scores_whole_at_any_width(width):
    """At 80 columns imbalanced_fraud's four metrics once squeezed the student column to
    nothing; columns that do not fit are left out and named, never squeezed or cut."""
    from io import StringIO

    from rich.console import Console

    from mllab.graders.report import CheckResult, Report
    from mllab.ui import render

    lab = labs.get("imbalanced_fraud")
    checks = tuple(CheckResult(t.metric, t.label, "x", (0.5,), 0.123456, True, 0, 0.0, "")
                   for t in lab.targets)
    reports = {name: Report(lab=lab.id, file="f.py", verdict="pass", reason="all checks met " * 3,
                            hint="", mode="local", isolation="", seconds=14.3, checks=checks)
               for name in ("alice", "a_rather_long_student_name_x")}
    out = StringIO()
    console = Console(file=out, width=width)
    console.print(render.class_table(lab, reports, console.width))
    text = out.getvalue()
    assert max(map(len, text.splitlines())) <= width
    assert " alice " in text and "a_rather_long_st" in text and f"{lab.points:g}/{lab.points:g}" in text
    shown = [t.metric for t in lab.targets if f" {t.metric} " in text]
    assert shown == [t.metric for t in lab.targets][:len(shown)]  # metrics left out from the right
    if len(shown) < len(lab.targets) or "reason" not in text:
        assert "not shown at this width" in text
    if width >= 160:
        assert len(shown) == len(lab.targets) and "all checks met" in text
