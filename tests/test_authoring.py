"""An instructor's first steps: `mllab new`, then `mllab validate` from anywhere."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from mllab.cli import main

LAB_ID = "stale_features"


@pytest.fixture
def mllab(tmp_path, monkeypatch):
    monkeypatch.setenv("MLLAB_WORKSPACE", str(tmp_path / "ws"))

    def invoke(*args: str, cwd=None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def skeleton(mllab, tmp_path):
    """A fresh skeleton lab written by `mllab new` into tmp_path/course."""
    course = tmp_path / "course"
    course.mkdir()
    result = mllab("new", LAB_ID, cwd=course)
    assert result.exit_code == 0, result.output
    return course / "labs" / LAB_ID


def _validate(mllab, cwd):
    result = mllab("validate", LAB_ID, "--json", cwd=cwd)
    return result.exit_code, json.loads(result.output)["rows"]


def test_untouched_skeleton_is_real_and_validate_lists_what_is_left(mllab, skeleton, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, rows = _validate(mllab, elsewhere)  # found from another folder: the course is remembered
    assert code == 1
    graded = {(row["role"], row["file"]): row for row in rows if row["role"] != "text"}
    assert graded[("broken", f"{LAB_ID}.py")]["verdict"] == "fail"
    assert graded[("fix", "all_features.py")]["verdict"] == "pass"
    assert graded[("non-fix", "weaker_regularization.py")]["verdict"] == "fail"
    assert all(row["ok"] for key, row in graded.items() if key[1] != "fixes/")
    worst_fix = min(graded[("fix", "all_features.py")]["values"]["accuracy"])
    best_broken = max(graded[("broken", f"{LAB_ID}.py")]["values"]["accuracy"])
    assert worst_fix > 0.9 and best_broken < 0.75  # a real gap, not a coin flip
    left = [row["reason"] for row in rows if row["role"] == "text" or row["file"] == "fixes/"]
    for where in ("lab.toml: topics[0]", "lab.toml: summary", "lab.toml: hints[2]",
                  "lab.toml: grading.targets[0].advice", "scenario.md: line 3",
                  "debrief.md: line 3", f"{LAB_ID}.py: line 3", "1 reference fix;",
                  "no calibration yet"):
        assert any(where in reason for reason in left), (where, left)


def test_a_draft_never_reaches_a_learner(mllab, skeleton):
    shown = mllab("show", LAB_ID)
    assert shown.exit_code == 2 and "still being written" in shown.output
    assert LAB_ID not in mllab("list").output
    for path in [skeleton / "lab.toml", skeleton / "scenario.md", skeleton / "debrief.md",
                 skeleton.parents[1] / "broken_models" / f"{LAB_ID}.py"]:
        path.write_text(path.read_text().replace("FILL IN", "Written"))
    assert mllab("show", LAB_ID).exit_code == 0
    assert LAB_ID not in mllab("list").output  # not validated on 20 seeds: still a draft
    assert LAB_ID in mllab("list", "--drafts").output


def test_new_refuses_a_taken_id_and_a_bad_one(mllab, skeleton):
    again = mllab("new", LAB_ID, cwd=skeleton.parents[1])
    assert again.exit_code == 2 and "already exists" in again.output
    bad = mllab("new", "Bad-Id")
    assert bad.exit_code == 2 and "lowercase" in bad.output


def test_write_needs_a_calibration_run(mllab):
    result = mllab("validate", "tiny_lab", "--seeds", "3", "--write")
    assert result.exit_code == 2 and "--seeds 20" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("template", ["sklearn", "torch"])
def test_each_template_validates_once_filled_in(mllab, tmp_path, template):
    """As docs/authoring.md says: fill every FILL IN, add a second fix, record the
    calibration with `validate --seeds 20 --write`; then `validate` passes and the lab is
    no longer a draft."""
    course = tmp_path / "course"
    course.mkdir()
    lab_id = f"probe_{template}"
    assert mllab("new", lab_id, "--template", template, cwd=course).exit_code == 0
    folder = course / "labs" / lab_id
    for path in [*folder.glob("*.*"), course / "broken_models" / f"{lab_id}.py"]:
        path.write_text(path.read_text().replace("FILL IN", "Written"))
    fix = (folder / "fixes" / "all_features.py").read_text()
    second = fix.replace("Reference fix: read every column", "Reference fix: every column, "
                         "wider").replace("hidden: int = 16", "hidden: int = 32")
    (folder / "fixes" / "all_features_again.py").write_text(second)
    assert lab_id not in mllab("list").output
    written = mllab("validate", lab_id, "--seeds", "20", "--write")
    assert "wrote the calibration" in written.output, written.output
    toml = (folder / "lab.toml").read_text()
    assert "--seeds 20 --draw" in toml and "worst fix" in toml
    assert f"[calibration.{lab_id}]" in toml and "[calibration.all_features_again]" in toml
    checked = mllab("validate", lab_id)
    assert checked.exit_code == 0, checked.output
    assert lab_id in mllab("list").output
