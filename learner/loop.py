"""The learner's loop after ``start``: hints, grading a copy (``submit``), recording the
attempt, and the debrief after a pass."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import click

from mllab.learner.running import learner_file, resolve_device
from mllab.learner.workspace import Workspace, WorkspaceError
from mllab.ui import render
from mllab.ui.terminal import console, fail, say, status, warn


def submit(lab, ws: Workspace, file: str | None, device: str, timeout: float | None,
           seed_pairs, as_json: bool, quiet: bool) -> int:
    """Grade the learner's copy (or ``file``), show and record the report, then the debrief
    after a pass or what a traced run of the worst seed noticed after a fail; the exit code."""
    from mllab.learner.diagnosis import noticed_after, worst_seed

    path = learner_file(ws, lab, file, "submit")
    result = graded(lab, path, device, timeout, quiet=as_json or quiet, seed_pairs=seed_pairs)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        render.report(console, result)
    record(ws, lab, path, result)
    if result.verdict == "pass" and not as_json:
        after_pass(ws, lab)
    elif result.verdict == "fail" and not as_json:
        number, seed = worst_seed(lab, result)
        noticed_after(lab, path, ws, resolve_device(device), "the grade failed, so we traced "
                      "one more run of your functions on the training data of its worst seed "
                      f"(seed {number}/{len(result.runs)}, data seed {seed}; not part of the "
                      "grade)", seed=seed, quiet=quiet)
    return result.exit_code


def graded(lab, path: Path, device: str, timeout: float | None = None, quiet: bool = False,
           seed_pairs: tuple[tuple[int, int], ...] | None = None):
    """The ``Report`` of grading ``path`` for ``lab``, as ``submit`` grades (a live line
    while it runs unless ``quiet``); Ctrl-C ends the command, nothing recorded."""
    from mllab.graders import Options, grade, parallel_runs

    if device == "cuda":
        resolve_device(device)
    try:
        with status(f"grading {path.name}", quiet=quiet) as shown:
            return grade(lab, path, Options(device=device, timeout_s=timeout,
                                            seed_pairs=seed_pairs, author=authored(lab),
                                            workers=parallel_runs(lab)),
                         progress=shown.update)
    except KeyboardInterrupt:
        fail("interrupted (Ctrl-C): grading stopped, nothing was recorded")


def authored(lab) -> bool:
    """Whether this account wrote ``lab`` (`mllab new` remembered its course): its author
    sees where a fault in the lab's own code is; a learner sees only "internal-error"."""
    from mllab.instructor.scaffold import known_courses

    return lab.folder.parents[1] in known_courses()


def record(ws: Workspace, lab, path: Path, result) -> None:
    """Keep a graded attempt in the learner's history; one warning when it cannot be kept."""
    try:
        ws.record(lab.id, path, result.verdict, result.reason, result.seconds,
                  result.seed_pairs)
    except WorkspaceError as exc:  # the verdict shown stands; only the history misses it
        warn(f"this attempt was not recorded: {exc}")


def after_pass(ws: Workspace, lab) -> None:
    """The debrief the first time a lab passes; afterwards, where to find it."""
    if ws.happened(lab.id, "debrief"):
        say(f"debrief: `mllab debrief {lab.id}` reopens it; `mllab solution {lab.id}` shows "
            "the reference fixes", style="dim")
        return
    render.debrief(console, lab)
    say(f"`mllab solution {lab.id}` compares your fix with the reference fixes, "
        f"`mllab debrief {lab.id}` reopens this debrief, `mllab progress` suggests what next.",
        style="dim")
    with contextlib.suppress(WorkspaceError):  # unwritable: already warned; shown again next time
        ws.mark(lab.id, "debrief")


def hint(ws: Workspace, lab, show_all: bool) -> None:
    """The next hint, or with ``show_all`` those already shown."""
    if not show_all:
        next_hint(ws, lab)
        return
    shown, total = ws.hints_shown(lab.id), len(lab.hints)
    for number in range(1, shown + 1):
        console.print(render.hint(number, total, lab.hints[number - 1]))
    if not shown:
        say(f"no hints shown yet for {lab.id}; `mllab hint {lab.id}` shows the first")


def next_hint(ws: Workspace, lab) -> None:
    """Reveal and show the next hint, or say there is none left and what comes next."""
    total = len(lab.hints)
    revealed = ws.next_hint(lab)
    if revealed:
        console.print(render.hint(revealed[0], total, revealed[1]))
        return
    seen = f"you have seen all {total} for {lab.id}; `mllab hint {lab.id} --all` lists them" \
        if total else f"{lab.id} has none"
    answer = (f"`mllab solution {lab.id}` shows the reference fixes" if ws.unlocked(lab.id)
              else f"`mllab solution {lab.id} --give-up` shows the reference fixes now "
                   "(recorded as giving up)")
    say(f"no more hints: {seen}. {answer[0].upper()}{answer[1:]}.")



def solution(lab, workspace: str | None, give_up: bool, only: str | None) -> None:
    """The reference fixes as diffs (all, or ``only`` one), once the lab is passed or given
    up (``give_up`` records that)."""
    from mllab.learner.workspace import locate

    names = [fix.stem for fix in lab.fixes()]
    if only is not None and only not in names:
        fail(f"{lab.id} has no reference fix called {only!r}; its fixes: {', '.join(names)}")
    ws = Workspace(locate(workspace))
    if not ws.unlocked(lab.id):
        if not give_up:
            fail(f"the solution of {lab.id} opens once you pass it; `mllab hint {lab.id}` "
                 f"helps, and `mllab solution {lab.id} --give-up` shows it now (recorded as "
                 "giving up)")
        ws.mark(lab.id, "gave-up")
    render.solution(console, lab, only)
