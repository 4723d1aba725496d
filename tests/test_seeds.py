"""Which data a grading uses: fresh seeds on every local grading (printed, recorded, and
replayed exactly by `--seeds`), and one data set for a whole class graded without a secret."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mllab.cli import main
from mllab.graders.batch import CLASS_SEED
from mllab.graders.engine import draw_seed_pairs
from mllab.graders.report import SEED_LIMIT, parse_seed_pairs, seed_pairs_text

# Trains on a random fifth of its rows (numpy's global generator, which each run seeds
# with its library seed): its metrics depend on the training, evaluation *and* library
# seed, so equal metrics mean the same grading.
RANDOM_SUBSET = '''import numpy as np


def train(X, y):
    keep = np.random.permutation(len(X))[:60]
    design = np.c_[X[keep], np.ones(len(keep))]
    weights, *_ = np.linalg.lstsq(design, 2 * y[keep] - 1, rcond=None)
    return weights


def predict(model, X):
    return (np.c_[X, np.ones(len(X))] @ model > 0).astype(int)
'''


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def graded(report: dict) -> list:
    """What a grading measured, seed by seed."""
    return [(run["seed"], run["verdict"], run["metrics"]) for run in report["runs"]]


def test_each_local_grading_draws_fresh_seeds_and_seeds_replays_one_exactly(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("MLLAB_WORKSPACE", str(tmp_path / "ws"))
    file = tmp_path / "random_subset.py"
    file.write_text(RANDOM_SUBSET)
    first, second = (json.loads(invoke("submit", "tiny_lab", "--file", str(file),
                                       "--json").output) for _ in range(2))
    assert len(first["seed_pairs"]) == 3 and first["mode"] == "local"
    assert first["seed_pairs"] != second["seed_pairs"]  # new data on every grading

    seeds = seed_pairs_text(first["seed_pairs"])
    replay = json.loads(invoke("submit", "tiny_lab", "--file", str(file), "--seeds", seeds,
                               "--json").output)
    assert replay["seed_pairs"] == first["seed_pairs"]
    assert graded(replay) == graded(first) and replay["checks"] == first["checks"]

    shown = invoke("submit", "tiny_lab", "--file", str(file), "--seeds", seeds).output
    assert f"seeds: {seeds} (--seeds with them replays this grading)" in shown
    with sqlite3.connect(tmp_path / "ws" / ".mllab.sqlite") as db:
        recorded = [row[0] for row in db.execute("SELECT seeds FROM attempts ORDER BY at")]
    assert recorded == [seeds, seed_pairs_text(second["seed_pairs"]), seeds, seeds]


def test_seeds_that_are_not_pairs_are_one_line_of_usage(tmp_path, monkeypatch):
    monkeypatch.setenv("MLLAB_WORKSPACE", str(tmp_path / "ws"))
    for bad in ("12", "1:2:3", "1:x", "-1:2", f"1:{SEED_LIMIT}", "1:2," * 101):
        result = invoke("submit", "tiny_lab", "--file", str(tmp_path / "none.py"), "--seeds", bad)
        assert result.exit_code == 2 and "Invalid value for '--seeds'" in result.output, bad
        assert "Traceback" not in result.output


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, SEED_LIMIT - 1), st.integers(0, SEED_LIMIT - 1)),
                min_size=1, max_size=100))
def test_seed_pairs_read_back_as_written(pairs):
    assert parse_seed_pairs(seed_pairs_text(pairs)) == tuple(pairs)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300) | st.from_regex(r"[0-9: ,]{0,80}", fullmatch=True))
def test_any_seeds_text_is_pairs_or_a_value_error(text):
    try:
        pairs = parse_seed_pairs(text)
    except ValueError as exc:
        assert "\n" not in str(exc)
        return
    assert pairs and all(0 <= seed < SEED_LIMIT for pair in pairs for seed in pair)


def class_grading(folder: Path, out: Path, *args: str) -> dict:
    result = invoke("grade-class", "tiny_lab", str(folder), "--out", str(out), "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_class_without_a_secret_is_graded_on_one_data_set_kept_for_reruns(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for student in ("ann", "ben"):  # byte-identical files, each a file of its own
        (folder / f"{student}.py").write_text(RANDOM_SUBSET)
    out = tmp_path / "out"
    first = class_grading(folder, out)
    ann, ben = (first["students"][who]["report"] for who in ("ann", "ben"))
    assert graded(ann) == graded(ben) and ann["checks"] == ben["checks"]

    class_seed = int((out / CLASS_SEED).read_text())
    assert first["class_seed"] == class_seed
    assert ann["seed_pairs"] == [list(pair) for pair in draw_seed_pairs(3, class_seed)[1]]

    resumed = class_grading(folder, out)  # nothing changed: both results kept
    assert resumed["students"] == first["students"]
    forced = class_grading(folder, out, "--force")  # graded again, on the class's data
    assert int((out / CLASS_SEED).read_text()) == class_seed
    assert graded(forced["students"]["ann"]["report"]) == graded(ann)

    other = class_grading(folder, tmp_path / "other-out")  # another class: other data
    assert other["class_seed"] != class_seed
    assert other["students"]["ann"]["report"]["seed_pairs"] != ann["seed_pairs"]


def test_a_class_seed_that_is_not_a_number_is_one_line(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ann.py").write_text(RANDOM_SUBSET)
    out = tmp_path / "out"
    out.mkdir()
    (out / CLASS_SEED).write_text("not a seed\n")
    result = invoke("grade-class", "tiny_lab", str(folder), "--out", str(out))
    assert result.exit_code == 2 and "holds no class seed" in result.output
    assert "Traceback" not in result.output and not (out / "ann").exists()
