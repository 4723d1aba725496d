"""Readable at any width: wrapped whole at 80 columns on a terminal, plain and unwrapped
into a pipe or a file (a diff from `solution` applies with `git apply`), tiny values in
scientific notation, plural forms right."""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner
from rich.console import Console

from mllab.ui import render
from mllab.cli import main
from mllab.graders.report import counted, metric_text, significant

from conftest import SUBMISSIONS


@pytest.fixture
def mllab(tmp_path, monkeypatch):
    monkeypatch.setenv("MLLAB_WORKSPACE", str(tmp_path / "ws"))
    return lambda *args: CliRunner().invoke(main, list(args))


def test_a_solution_written_to_a_file_applies_with_git_apply(mllab, tmp_path):
    from mllab import labs
    from mllab.learner.solutions import complete_fix

    lab = labs.get("tiny_lab")
    assert mllab("start", "tiny_lab").exit_code == 0
    shown = mllab("solution", "tiny_lab", "--give-up", "--fix", "both_features")
    assert shown.exit_code == 0
    assert "─" not in shown.stdout  # no rule, no table: plain text
    diff = tmp_path / "fix.diff"
    diff.write_text(shown.stdout)
    ws = tmp_path / "ws"
    applied = subprocess.run(["git", "apply", str(diff)], cwd=ws, capture_output=True,
                             text=True)
    assert applied.returncode == 0, applied.stderr
    fixed = complete_fix(lab.broken_file, lab.fixes()[0], lab.id)
    assert (ws / "tiny_lab.py").read_text() == fixed
    assert mllab("solution", "tiny_lab", "--fix", "nope").exit_code == 2


def test_long_text_wraps_whole_on_a_terminal_and_stays_one_line_in_a_pipe():
    sentence = ("the rare class is 0.17% of the training labels; on fresh data the decisions "
                "reach accuracy 99.83% yet catch 3 of 524 rare cases, and so on " * 6).strip()
    terminal = Console(width=80, force_terminal=True, color_system=None, record=True)
    terminal.print(render.labelled("  class imbalance hidden by accuracy:", sentence))
    lines = terminal.export_text().splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert " ".join(" ".join(lines).split()).endswith(sentence.split()[-1])  # nothing cut
    assert "…" not in terminal.export_text()
    pipe = Console(width=80, force_terminal=False, soft_wrap=True, record=True)  # as cli.py
    pipe.print(render.labelled("warning:", sentence))
    assert pipe.export_text().strip() == f"warning: {sentence}"


def test_tiny_values_keep_their_digits():
    assert metric_text(significant(1e-5)) == "1e-05"
    assert significant(0.000123456) == 0.0001235


def test_plurals():
    assert counted(1, "check") == "1 check" and counted(2, "check") == "2 checks"
    assert counted(1, "reference fix", "reference fixes") == "1 reference fix"


def test_one_check_met_reads_right(tiny_lab):
    from mllab.graders import Options, grade

    report = grade(tiny_lab, SUBMISSIONS / "honest.py", Options(isolation="process-group"))
    assert report.reason.startswith("the 1 check met on 2 of 2 seeds"), report.reason


def test_markdown_into_a_pipe_keeps_every_list_item_whole():
    """A debrief's bullets were cut at 80 columns into a pipe (`... the squared n`)."""
    from mllab import labs

    lab = labs.get("gan_mode_collapse")
    pipe = Console(width=80, force_terminal=False, soft_wrap=True, record=True)  # as cli.py
    render.debrief(pipe, lab)
    render.show_lab(pipe, lab)
    def words(text):
        return " ".join(text.replace("*", "").replace("`", "").split())

    printed = words(pipe.export_text())
    items = [words(block.lstrip("-*# ")) for text in (lab.debrief, lab.scenario)
             for block in text.replace("\n- ", "\n\n- ").split("\n\n") if block.strip()]
    assert len(items) > 10
    for item in items:  # each paragraph and list item printed to its last word
        assert " ".join(item.split()[-6:]) in printed, item[:60]
