"""One instructor's mistake never reaches the other labs: `new` refuses a taken id, a
malformed lab is left out with one warning naming its file and line, a fault in a lab's
grading code names its file and line to its author only, and a lab not validated on 20
seeds is a draft (listed with --drafts, never suggested)."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from mllab import labs
from mllab.cli import main

from conftest import COURSE


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A copy of the test course, with a second lab, next to the built-in one."""
    copy = tmp_path / "course"
    shutil.copytree(COURSE, copy)
    shutil.copytree(copy / "labs" / "tiny_lab", copy / "labs" / "tiny_two")
    shutil.copy(copy / "broken_models" / "tiny_lab.py", copy / "broken_models" / "tiny_two.py")
    calibration = copy / "labs" / "tiny_two" / "lab.toml"
    calibration.write_text(calibration.read_text().replace("[calibration.tiny_lab]",
                                                           "[calibration.tiny_two]"))
    monkeypatch.setenv(labs.COURSES_VAR, str(copy))
    monkeypatch.setenv("MLLAB_WORKSPACE", str(tmp_path / "ws"))
    return copy


def _run(*args):
    return CliRunner().invoke(main, list(args))


def test_new_refuses_an_id_of_any_course(course, tmp_path, monkeypatch):
    elsewhere = tmp_path / "mine"
    elsewhere.mkdir()
    for taken in ("zero_init", "tiny_lab"):  # a built-in lab, a lab of another course
        result = _run("new", taken, "--course", str(elsewhere))
        assert result.exit_code == 2, result.output
        assert "already exists in another course" in result.output
    assert not (elsewhere / "labs").exists()
    assert _run("show", "imbalanced_fraud").exit_code == 0


@pytest.mark.parametrize("breakage, words", [
    (("lab.toml", 'title = "unclosed\n'), ["tiny_two/lab.toml", "line 1"]),
    (("scenario.md", None), ["tiny_two", "lacks scenario.md"]),
    (("grading.py", "def measure(:\n"), ["tiny_two/grading.py, line 1"]),
], ids=["toml", "missing-file", "grading-syntax"])
def test_a_malformed_lab_is_left_out_and_the_others_work(course, breakage, words):
    name, text = breakage
    path = course / "labs" / "tiny_two" / name
    path.unlink() if text is None else path.write_text(text)
    listed = _run("list", "--json")
    assert listed.exit_code == 0
    warning = " ".join(line.strip() for line in listed.stderr.splitlines())
    assert warning.count("warning:") == 1 and str(course) in warning, warning
    for word in words:
        assert word in warning
    ids = [lab["id"] for lab in json.loads(listed.stdout)]
    assert "tiny_lab" in ids and "imbalanced_fraud" in ids and "tiny_two" not in ids
    assert _run("show", "tiny_lab").exit_code == 0
    broken = _run("show", "tiny_two")
    assert broken.exit_code == 2 and "cannot be used" in broken.output
    assert "Traceback" not in broken.output


def test_a_second_lab_of_a_taken_id_is_left_out(course, tmp_path, monkeypatch):
    shutil.copytree(course, tmp_path / "copy")
    monkeypatch.setenv(labs.COURSES_VAR, f"{course}:{tmp_path / 'copy'}")
    assert labs.get("tiny_lab").folder == course / "labs" / "tiny_lab"
    (problem,) = [p for p in labs.problems() if "tiny_lab" in p]
    assert str(tmp_path / "copy" / "labs" / "tiny_lab") in problem
    assert _run("show", "imbalanced_fraud").exit_code == 0


def test_a_fault_in_grading_code_is_located_for_its_author_only(course, monkeypatch):
    from mllab.instructor.scaffold import remember_course

    grading = course / "labs" / "tiny_two" / "grading.py"
    grading.write_text(grading.read_text().replace("(pred == truth)", "(pred == truht)"))
    fix = course / "labs" / "tiny_two" / "fixes" / "both_features.py"
    learner = _run("submit", "tiny_two", "--file", str(fix), "--json")
    report = json.loads(learner.stdout)
    assert learner.exit_code == 3 and report["verdict"] == "internal-error"
    assert "truht" in report["reason"] and "grading.py" not in report["reason"]
    remember_course(course)  # this account wrote the course: its author
    author = json.loads(_run("submit", "tiny_two", "--file", str(fix), "--json").stdout)
    assert author["verdict"] == "internal-error"
    assert f"{grading}, line 22" in author["reason"], author["reason"]
    validated = _run("validate", "tiny_two", "--json")
    rows = json.loads(validated.stdout)["rows"]
    assert any(f"{grading}, line 22" in row["reason"] for row in rows)


def test_a_lab_not_validated_is_a_draft(course):
    toml = course / "labs" / "tiny_two" / "lab.toml"
    toml.write_text(toml.read_text().split("# Measured with")[0])  # no calibration
    assert "tiny_two" not in _run("list").output
    drafts = _run("list", "--drafts", "--json")
    assert {"id": "tiny_two", "draft": True}.items() <= \
        next(lab for lab in json.loads(drafts.stdout) if lab["id"] == "tiny_two").items()
    # everything else passed: the draft is still never the next lab to do
    ws = course.parent / "ws"
    for lab in labs.all_labs():
        if lab.id != "tiny_two":
            _run("solution", lab.id, "--give-up")
    listed = _run("list", "--drafts")
    assert "next: tiny_two" not in listed.output and "draft" in listed.output
    assert ws.exists()
