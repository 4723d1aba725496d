"""The learner's loop through the real CLI (click's test runner), on the test course's tiny lab."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import COURSE, SUBMISSIONS
from mllab import labs
from mllab.cli import LAB, main

ROOT = Path(__file__).resolve().parents[1]
FIX = COURSE / "labs" / "tiny_lab" / "fixes" / "least_squares.py"


@pytest.fixture
def mllab(tmp_path, monkeypatch):
    """Run ``mllab ARGS`` in a fresh workspace; returns click's Result."""
    monkeypatch.setenv("MLLAB_WORKSPACE", str(tmp_path / "ws"))
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_list_shows_every_lab_and_json_has_ids(mllab):
    table = mllab("list")
    assert table.exit_code == 0
    assert "imbalanced_fraud" in table.output and "tiny_lab" in table.output
    rows = json.loads(mllab("list", "--json").output)
    assert {row["id"] for row in rows} == set(labs.ids())
    assert all(row["status"] == "new" for row in rows)


def test_show_prints_scenario_targets_and_commands(mllab):
    result = mllab("show", "imbalanced_fraud")
    assert result.exit_code == 0
    for words in ("What the team sees", "Rules", "mllab submit imbalanced_fraud"):
        assert words in result.output


def test_unknown_lab_is_a_usage_error_naming_known_labs(mllab):
    result = mllab("show", "quux_lab")
    assert result.exit_code == 2
    assert "known labs" in result.output and "imbalanced_fraud" in result.output


def test_lab_ids_complete(mllab):
    completions = LAB.shell_complete(None, None, "imb")
    assert [item.value for item in completions] == ["imbalanced_fraud"]


def test_start_never_overwrites_edits_without_force(mllab, tmp_path):
    first = mllab("start", "tiny_lab")
    copy = tmp_path / "ws" / "tiny_lab.py"
    assert first.exit_code == 0 and str(copy) in first.output
    assert copy.read_bytes() == labs.get("tiny_lab").broken_file.read_bytes()

    copy.write_text(copy.read_text() + "\n# my edit\n")
    refused = mllab("start", "tiny_lab")
    assert refused.exit_code == 2 and "--force" in refused.output
    assert "mllab reset tiny_lab" in flat(refused.output)
    assert copy.read_text().endswith("# my edit\n")

    forced = mllab("start", "tiny_lab", "--force")
    assert forced.exit_code == 0
    (backup,) = (tmp_path / "ws" / ".backups").iterdir()
    assert backup.read_text().endswith("# my edit\n")


def test_hints_are_progressive_and_remembered(mllab):
    shown = [flat(mllab("hint", "tiny_lab").output) for _ in range(4)]
    assert [s.split(":")[0] for s in shown[:3]] == ["hint 1/3", "hint 2/3", "hint 3/3 (the last)"]
    assert "one" in shown[0] and "three" in shown[2]
    assert shown[3].startswith("no more hints: you have seen all 3 for tiny_lab")
    assert "mllab hint tiny_lab --all" in shown[3]
    assert "mllab solution tiny_lab --give-up" in shown[3]


def test_hint_all_relists_the_hints_already_shown(mllab):
    assert "no hints shown yet" in mllab("hint", "tiny_lab", "--all").output
    mllab("hint", "tiny_lab")
    mllab("hint", "tiny_lab")
    again = mllab("hint", "tiny_lab", "--all")
    assert again.exit_code == 0
    assert flat(again.output) == "hint 1/3: one hint 2/3: two"
    assert "hint 3/3" in mllab("hint", "tiny_lab").output  # --all revealed nothing new


def test_submit_broken_then_fixed_updates_status(mllab, tmp_path):
    mllab("start", "tiny_lab")
    failed = mllab("submit", "tiny_lab", "--json")
    report = json.loads(failed.output)
    assert failed.exit_code == 1 and report["verdict"] == "fail"
    assert report["checks"][0]["metric"] == "accuracy" and not report["checks"][0]["passed"]
    assert all(run["metrics"]["accuracy"] < 0.9 for run in report["runs"])
    assert _status(mllab) == "attempted"

    copy = tmp_path / "ws" / "tiny_lab.py"
    copy.write_text(FIX.read_text())
    passed = mllab("submit", "tiny_lab")
    assert passed.exit_code == 0
    assert "verdict: pass" in passed.output and "debrief" in passed.output
    assert _status(mllab) == "passed"
    assert copy.read_text() == FIX.read_text()  # grading never touches the learner's file


def flat(output: str) -> str:
    """``output`` with every run of whitespace as one space: lines wrap at any width."""
    return " ".join(output.split())


def _status(mllab) -> str:
    rows = json.loads(mllab("list", "--json").output)
    return next(row["status"] for row in rows if row["id"] == "tiny_lab")


@pytest.mark.parametrize("name, code, words", [
    ("syntax_error", 2, "syntax-error"),
    ("exception", 2, "ZeroDivisionError"),
    ("nan_predictions", 2, "NaN"),
])
def test_submit_problem_files_exit_2_with_a_reason(mllab, name, code, words):
    result = mllab("submit", "tiny_lab", "--file", str(SUBMISSIONS / f"{name}.py"))
    assert result.exit_code == code
    assert words in flat(result.output) and "next step:" in result.output
    assert "Traceback (most recent call last)" not in result.output



@pytest.mark.parametrize("deep", ["-" * 100_000 + "1", "x" + ".y" * 200_000])
def test_a_file_too_deep_to_compile_is_a_syntax_error_not_a_grader_fault(mllab, tmp_path,
                                                                          deep):
    """compile() raises MemoryError or RecursionError on 100,000 nested operators: it was
    ``internal-error`` (never charged, regraded forever); Python could not import it either."""
    file = tmp_path / "deep.py"
    file.write_text((SUBMISSIONS / "honest.py").read_text() + f"\n_z = {deep}\n")
    result = mllab("submit", "tiny_lab", "--file", str(file))
    assert result.exit_code == 2 and "syntax-error" in flat(result.output), result.output
    assert "Traceback (most recent call last)" not in result.output

def test_submit_without_a_copy_says_how_to_start(mllab):
    result = mllab("submit", "tiny_lab")
    assert result.exit_code == 2 and "mllab start tiny_lab" in flat(result.output)


def test_reset_restores_broken_copy_and_keeps_edits(mllab, tmp_path):
    mllab("start", "tiny_lab")
    copy = tmp_path / "ws" / "tiny_lab.py"
    copy.write_text("my work\n")
    result = mllab("reset", "tiny_lab")
    assert result.exit_code == 0 and "saved in" in result.output
    assert copy.read_bytes() == labs.get("tiny_lab").broken_file.read_bytes()
    (backup,) = (tmp_path / "ws" / ".backups").iterdir()
    assert backup.read_text() == "my work\n"


def test_quick_resets_keep_every_backup(mllab, tmp_path):
    mllab("start", "tiny_lab")
    copy = tmp_path / "ws" / "tiny_lab.py"
    for attempt in ("first try\n", "second try\n", "third try\n"):
        copy.write_text(attempt)
        assert mllab("reset", "tiny_lab").exit_code == 0
    backups = (tmp_path / "ws" / ".backups").iterdir()
    assert sorted(b.read_text() for b in backups) == ["first try\n", "second try\n", "third try\n"]


def test_validate_checks_broken_fixes_and_non_fixes(mllab):
    result = mllab("validate", "tiny_lab", "--json")
    rows = json.loads(result.output)["rows"]
    assert result.exit_code == 0
    assert {(row["role"], row["verdict"]) for row in rows} == {
        ("broken", "fail"), ("fix", "pass"), ("non-fix", "fail")}
    assert all(row["ok"] for row in rows)


def test_validate_draws_random_seed_pairs_that_a_draw_number_repeats(mllab):
    first = json.loads(mllab("validate", "tiny_lab", "--seeds", "3", "--json").output)
    again = json.loads(mllab("validate", "tiny_lab", "--seeds", "3", "--draw", str(first["draw"]),
                             "--json").output)
    assert first["seed_pairs"] == again["seed_pairs"] and len(first["seed_pairs"]) == 3
    assert len({seed for pair in first["seed_pairs"] for seed in pair}) == 6
    assert [row["values"] for row in first["rows"]] == [row["values"] for row in again["rows"]]
    (margin,) = first["margins"]  # tiny_lab gates one metric
    worst_fix = min(v for row in first["rows"] if row["role"] == "fix"
                    for v in row["values"]["accuracy"])
    assert margin["worst_fix"] == worst_fix and margin["fix_margin"] == round(worst_fix - 0.9, 4)
    assert margin["stopped_margin"] > 0 and margin["stopped_file"]


def test_validate_flags_a_lab_whose_fix_does_not_pass(mllab, tmp_path, monkeypatch):
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    fixes = course / "labs" / "tiny_lab" / "fixes"
    (fixes / "both_features.py").write_bytes((SUBMISSIONS / "baseline.py").read_bytes())
    monkeypatch.setenv(labs.COURSES_VAR, str(course))
    result = mllab("validate", "tiny_lab")
    assert result.exit_code == 1 and "NO" in result.output


def test_run_shows_the_team_output_from_a_clone(tmp_path):
    """``python cli.py ...`` works from a clone, and ``run`` executes the learner's copy."""
    env = {"MLLAB_WORKSPACE": str(tmp_path), labs.COURSES_VAR: str(COURSE), "PATH": "/usr/bin:/bin"}
    cli = [sys.executable, str(ROOT / "cli.py")]
    subprocess.run(cli + ["start", "tiny_lab"], env=env, check=True, capture_output=True)
    done = subprocess.run(cli + ["run", "tiny_lab", "--device", "cpu", "--seed", "3"], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "tiny accuracy 0.7" in done.stdout


def test_list_does_not_import_torch_or_sklearn():
    probe = ("import sys; from mllab.cli import main\n"
             "try:\n    main(['list'])\nexcept SystemExit:\n    pass\n"
             "print('LOADED', [m for m in ('torch', 'sklearn', 'pandas', 'matplotlib') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert "LOADED []" in done.stdout, done.stdout + done.stderr


def test_every_command_has_help(mllab):
    for command in main.commands:
        result = mllab(command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output
