"""``mllab diagnose`` and the "what we noticed" section after ``run`` and a failing
``submit``: one traced run of the learner's functions, what looks wrong in it (never how
to fix it), and the lab's curves of it."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from mllab.learner.running import learner_file, require_compiles, resolve_device
from mllab.learner.workspace import Workspace
from mllab.ui import render
from mllab.ui.terminal import console, fail, say, status, warn


def diagnose(lab, ws: Workspace, file: str | None, device: str, as_json: bool) -> None:
    """What one traced run of the learner's copy (or ``file``) shows: text and curves, or
    JSON."""
    from mllab.graders.observe import ObserveError

    path = learner_file(ws, lab, file, "diagnose")
    require_compiles(path)
    try:
        record = diagnosis(lab, path, resolve_device(device), quiet=as_json)
    except ObserveError as exc:
        fail(f"your code did not run to the end, so there is nothing to diagnose: {exc}")
    if as_json:
        from mllab.graders.diagnose import checked, diagnose as findings, modes_over_training

        click.echo(json.dumps({"lab": lab.id, "file": str(path), "checked": checked(record),
                               "findings": [asdict(f) for f in findings(record)],
                               "samples_over_training": [  # modes numbered from 1
                                   {"step": step, "modes_reached": [int(m) + 1 for m in modes]}
                                   for step, modes in modes_over_training(record)]}, indent=2))
    else:
        show_record(lab, path, ws, record)


def diagnosis(lab, path: Path, device: str, quiet: bool = False, seed: int = 0):
    """The record of one traced run of ``path`` on one seed of the lab's data; raises
    ``ObserveError`` when the learner's code fails."""
    from mllab.graders.observe import observe

    try:
        with status(f"diagnosing {path.name}", quiet=quiet) as shown:
            shown.update("one traced run on one seed of the lab's data")
            return observe(lab, path, device, seed=seed)
    except KeyboardInterrupt:
        fail(f"interrupted (Ctrl-C): stopped diagnosing {path.name}")


def show_record(lab, path: Path, ws, record, png: Path | None = None) -> None:
    """What we noticed in a traced run, then the lab's curves of it, as one-line plots
    and a PNG (``png``, else in the workspace; a folder we cannot write costs only the PNG)."""
    from mllab.graders.curves import curves, write_png
    from mllab.graders.diagnose import checked, diagnose as findings

    render.noticed(console, findings(record), checked(record))
    found = curves(record, lab.curves)
    if not found:
        return
    title = f"{path.name}, one traced run" if png else f"{lab.id}: {path.name}, one traced run"
    png, problem = png or ws.root / f"{lab.id}-curves.png", None
    try:
        write_png(found, png, title)
    except (OSError, RuntimeError, ValueError) as exc:
        png, problem = None, f"{type(exc).__name__}: {exc}"
    render.curves(console, found, png, problem)


def noticed_after(lab, path: Path, ws, device: str, why: str, seed: int = 0,
                  quiet: bool = False) -> None:
    """The "what we noticed" section and the curves at the end of ``run`` or a failing
    ``submit``: a second, traced run (no live line while it runs if ``quiet``); advisory,
    so a failure of it is one warning, never the exit code."""
    from mllab.graders.observe import ObserveError

    say(f"\n{why}; `mllab diagnose {lab.id}` repeats it", style="dim")
    try:
        show_record(lab, path, ws, diagnosis(lab, path, device, quiet=quiet, seed=seed))
    except ObserveError as exc:
        warn(f"nothing to diagnose: the traced run stopped: {exc}")


def worst_seed(lab, report) -> tuple[int, int]:
    """(its number from 1, its training seed) of the graded seed furthest from the first
    target missed."""
    failed = [check for check in report.checks if not check.passed] or list(report.checks)
    runs = [(number, run) for number, run in enumerate(report.runs, start=1)
            if failed and failed[0].metric in run.metrics]
    if not runs:
        return 1, lab.seeds[0]
    target = next(t for t in lab.targets if t.metric == failed[0].metric)
    number, run = max(runs, key=lambda item: target.shortfall(item[1].metrics[target.metric]))
    return number, run.seed
