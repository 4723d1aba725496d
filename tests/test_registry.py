"""The lab registry: every built-in lab's metadata, files and recorded calibration hold up."""

from __future__ import annotations

import ast
import shutil

import pytest

from conftest import COURSE
from mllab import labs

BUILTIN = [lab for lab in labs.all_labs() if lab.folder.parent.parent == labs.BUILTIN_COURSE]
DIFFICULTIES = {"beginner", "intermediate", "advanced"}


def by_id(items):
    return pytest.mark.parametrize("lab", items, ids=[lab.id for lab in items])


def defined_names(path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom):  # an entry taken from a shared module
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def test_the_five_core_labs_are_registered():
    assert {lab.id for lab in BUILTIN} >= {"imbalanced_fraud", "non_converging_net",
                                           "exploding_gradients", "data_leakage",
                                           "train_serve_skew"}
    assert labs.ids() == sorted(labs.ids())


@by_id(BUILTIN)
def test_metadata_is_complete(lab):
    assert lab.title and lab.summary and lab.difficulty in DIFFICULTIES
    assert len(lab.hints) >= 3 and lab.interview_questions and lab.topics
    assert lab.targets and lab.seeds and 0 <= lab.tolerated_failures < len(lab.seeds)
    for heading in ("## What the team sees", '## What "fixed" means', "## Rules"):
        assert heading in lab.scenario
    assert "## Interview questions" in lab.debrief


@by_id(BUILTIN)
def test_broken_file_reads_like_team_code(lab):
    source = lab.broken_file.read_text()
    tree = ast.parse(source)
    assert ast.get_docstring(tree), "a module docstring tells the story and the goal"
    assert 60 <= len(source.splitlines()) <= 200
    assert set(lab.required) <= defined_names(lab.broken_file)
    assert {"Config", "main"} <= defined_names(lab.broken_file)
    assert 'if __name__ == "__main__":' in source
    for giveaway in ("BUG", "TODO", "FIXME", "XXX"):
        assert giveaway not in source


@by_id(BUILTIN)
def test_fixes_and_non_fixes_are_shipped_and_explained(lab):
    assert len(lab.fixes()) >= 2 and lab.non_fixes()
    for path in lab.fixes() + lab.non_fixes():
        assert ast.get_docstring(ast.parse(path.read_text())), f"{path.name} needs a docstring"
    assert {"make_split", "measure"} <= defined_names(lab.folder / "grading.py")
    assert "harness" in defined_names(lab.harness_file)


@by_id(BUILTIN)
def test_the_sandboxed_side_of_a_lab_loads_no_data_and_checks_nothing(lab):
    """harness.py is all of a lab the sandbox loads: no generator, no metric, no answer."""
    source = lab.harness_file.read_text()
    for forbidden in ("mllab.datasets", "sklearn.metrics", "fixes", "grading"):
        assert forbidden not in source, f"{lab.harness_file} mentions {forbidden}"


@by_id(BUILTIN)
def test_recorded_calibration_separates_broken_from_fixed(lab):
    """Every fix met every target on every calibration seed; every broken file missed one."""
    gating = {target.metric for target in lab.targets}
    for role, path, _ in _cases(lab):
        recorded = lab.calibration.get(path.stem)
        assert recorded, f"no [calibration.{path.stem}] in {lab.id}/lab.toml"
        assert gating <= set(recorded), f"{path.stem}: calibrate every gating metric"
        always_met = [all(t.passes(v) for v in recorded[t.metric][1:]) for t in lab.targets]
        always_missed = [not any(t.passes(v) for v in recorded[t.metric][1:])
                         for t in lab.targets]
        if role == "fix":
            assert all(always_met), f"{path.stem} missed a target on some calibration seed"
        else:
            assert any(always_missed), f"{path.stem} is not always caught by one target"


def _cases(lab):
    from mllab.graders.validate import cases

    return cases(lab)


def test_a_malformed_lab_names_its_file(tmp_path):
    folder = tmp_path / "labs" / "bad_lab"
    folder.mkdir(parents=True)
    (folder / "lab.toml").write_text('title = "no grading section"\n')
    with pytest.raises(labs.LabError, match="bad_lab/lab.toml"):
        labs.load(folder)


def test_a_lab_missing_a_file_is_one_clear_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from mllab.cli import main as cli

    shutil.copytree(COURSE, tmp_path / "course")
    (tmp_path / "course" / "labs" / "tiny_lab" / "scenario.md").unlink()
    monkeypatch.setenv(labs.COURSES_VAR, str(tmp_path / "course"))
    for command in (["show", "tiny_lab"], ["validate", "tiny_lab"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2, result.output
        assert "tiny_lab" in result.output and "lacks scenario.md" in result.output
        assert "Traceback" not in result.output


def test_a_duplicate_lab_id_leaves_the_second_lab_out(tmp_path, monkeypatch):
    shutil.copytree(COURSE, tmp_path / "copy")
    monkeypatch.setenv(labs.COURSES_VAR, f"{COURSE}:{tmp_path / 'copy'}")
    assert labs.get("tiny_lab").folder == COURSE / "labs" / "tiny_lab"
    assert any("already called 'tiny_lab'" in line for line in labs.problems())


def test_unknown_id_lists_known_ones():
    with pytest.raises(labs.LabError, match="known labs: .*imbalanced_fraud"):
        labs.get("nope")
