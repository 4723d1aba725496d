"""Seeds graded at once (``Options.workers``): the same runs, and so the same report, as
one seed at a time, only sooner; Ctrl-C or a settled verdict ends the others."""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from dataclasses import replace

import pytest

from mllab.graders import Options, engine, grade
from mllab.graders.report import SeedRun

from conftest import SUBMISSIONS


def _graded(lab, monkeypatch, verdicts: list[str], options: Options) -> list[int]:
    """The seeds ``_run_seeds`` ran, in order, when seed ``i`` comes out ``verdicts[i]``;
    no sandbox: each seed's run is this table, and at most ``options.workers`` overlap."""
    running, most = [0], [0]
    lock = threading.Lock()

    def run_seed(lab, grading, file, train_seed, eval_seed, options, runner, progress):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        with lock:
            running[0] -= 1
        return SeedRun(seed=train_seed, verdict=verdicts[train_seed], metrics={}, seconds=0)

    monkeypatch.setattr(engine, "_run_seed", run_seed)
    monkeypatch.setattr(engine, "_runner", lambda *args: contextlib.nullcontext(object()))
    pairs = [(i, i) for i in range(len(verdicts))]
    runs = engine._run_seeds(lab, SUBMISSIONS / "honest.py", options, pairs, "bwrap",
                             lambda message: None)
    assert most[0] <= max(1, options.workers)
    return [run.seed for run in runs]


@pytest.mark.parametrize("tolerated", [0, 1, 2])
def test_seeds_at_once_run_exactly_the_seeds_one_at_a_time_would(tiny_lab, monkeypatch,
                                                                 tolerated):
    lab = replace(tiny_lab, tolerated_failures=tolerated)
    for count in (1, 2, 4):
        for verdicts in itertools.product(("pass", "fail", "error"), repeat=count):
            for early_stop in (True, False):
                one = _graded(lab, monkeypatch, list(verdicts), Options(early_stop=early_stop))
                for workers in (2, 3, 8):
                    at_once = _graded(lab, monkeypatch, list(verdicts),
                                      Options(early_stop=early_stop, workers=workers))
                    assert at_once == one, (verdicts, early_stop, workers)


def test_a_passing_fix_runs_its_two_deciding_seeds_at_once(tiny_lab, monkeypatch):
    starts = []
    original = engine._run_seed

    def timed(*args, **kwargs):
        starts.append(time.monotonic())
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "_run_seed", timed)
    pairs = ((11, 12), (13, 14), (15, 16))
    alone = grade(tiny_lab, SUBMISSIONS / "honest.py", Options(seed_pairs=pairs))
    starts.clear()
    together = grade(tiny_lab, SUBMISSIONS / "honest.py", Options(seed_pairs=pairs, workers=2))
    assert together.verdict == alone.verdict == "pass"
    assert [(r.seed, r.verdict, r.metrics) for r in together.runs] == \
        [(r.seed, r.verdict, r.metrics) for r in alone.runs]
    assert len(starts) == 2 and abs(starts[1] - starts[0]) < 1.0  # started together
