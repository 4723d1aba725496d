"""The steps of ``mllab interview``'s commands (docs/interview.md): the open round and its
clock, the price of a hint or a diagnosis, grading the round's copy, the root-cause
question and the score card. The round's state and scoring live in ``interview``."""

from __future__ import annotations

import contextlib
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

import click
from rich.text import Text

from mllab import labs
from mllab.learner import interview as iv
from mllab.learner.diagnosis import diagnosis, show_record
from mllab.learner.loop import graded
from mllab.learner.running import require_compiles, resolve_device, run_script
from mllab.learner.workspace import Workspace, locate, ready_labs
from mllab.ui import render
from mllab.ui.render import inert
from mllab.ui.terminal import console, fail, say


def start_round(ws: Workspace, lab, level: str | None, minutes: int, as_json: bool) -> None:
    """Begin a round on ``lab`` (else one drawn among those not passed), start the clock and
    say what the round offers."""
    if lab is None:
        course = ready_labs()
        status = {i: p.status for i, p in ws.progress([x.id for x in course]).items()}
        drawn = {state.lab for _, state in iv.rounds(ws.root)}
        lab = iv.draw(course, status, drawn, level, random.SystemRandom())
    elif lab.interview is None:
        fail(f"{lab.id} has no [interview] table in its lab.toml, so it cannot be a round")
    folder, state = iv.start(ws.root, lab, minutes, time.time())
    if as_json:
        click.echo(json.dumps({"round": state.id, "file": str(folder / iv.COPY),
                               "minutes": minutes, "seconds_left": minutes * 60,
                               "brief": lab.interview.brief}, indent=2))
        return
    console.rule(Text(f"interview round {state.id}: {minutes} minutes, the clock is running",
                      style="bold"))
    console.print(render.labelled("interviewer:", Text(inert(lab.interview.brief, 2000, 5))))
    say(f"\nyour copy of the team's code: {folder / iv.COPY}\n"
        f"  mllab interview run        run the team's script (free)\n"
        f"  mllab interview submit     grade your copy (free; the last graded one counts)\n"
        f"  mllab interview hint       the next hint (-{iv.RUBRIC.hint} points)\n"
        f"  mllab interview diagnose   what we notice in a traced run "
        f"(-{iv.RUBRIC.diagnosis} points)\n"
        f"  mllab interview status     time left\n"
        f"  mllab interview finish     the root-cause question, then your score")
    r = iv.RUBRIC
    say(f"score: a passing fix {r.fix}, the right root cause {r.cause}, an explanation of 2-4 "
        f"sentences {r.explanation}, time bonus up to {r.time} (max {r.max_score})", style="dim")


def show_status(workspace: str | None, as_json: bool) -> None:
    """Time left, the file to edit, and what the round has used."""
    folder, state, lab = open_round(workspace)
    now, last, rubric = time.time(), state.final_submission(), iv.RUBRIC
    info = {"round": state.id, "file": str(folder / iv.COPY), "phase": state.phase(now),
            "seconds_left": round(state.seconds_left(now)), "minutes": state.minutes,
            "submissions": len(state.submissions), "last_verdict": last.verdict if last else None,
            "hints": state.used("hint"), "hints_left": len(lab.hints) - state.used("hint"),
            "hint_cost": rubric.hint, "diagnoses": state.used("diagnose"),
            "diagnosis_cost": rubric.diagnosis}
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    say(f"round {state.id}: {iv.clock(info['seconds_left'])} left of {state.minutes:g} minutes "
        f"({info['phase']})\nfile: {info['file']}\n"
        f"submissions: {info['submissions']} (last: {info['last_verdict'] or '-'}) · "
        f"hints: {info['hints']} (-{rubric.hint} each, {info['hints_left']} left) · "
        f"diagnoses: {info['diagnoses']} (-{rubric.diagnosis} each)")


def run_copy(workspace: str | None, device: str, seed: int) -> int:
    """Run the team's script on the round's copy, as ``mllab run`` does; its exit code."""
    folder, state, lab = open_round(workspace, working=True)
    path = folder / iv.COPY
    require_compiles(path)
    code = run_script(path, resolve_device(device), seed)
    note(folder, "run", f"exit {code}")
    return code


def diagnose_copy(workspace: str | None, device: str, yes: bool) -> None:
    """What one traced run of the round's copy shows, once its price is taken."""
    from mllab.graders.observe import ObserveError

    folder, state, lab = open_round(workspace, working=True)
    path = folder / iv.COPY
    require_compiles(path)
    pay("a diagnosis", iv.RUBRIC.diagnosis, state.used("diagnose"), yes)
    try:
        record = diagnosis(lab, path, resolve_device(device))
    except ObserveError as exc:  # not charged: nothing was noticed
        fail(f"your code did not run to the end, so there is nothing to diagnose: {exc}")
    note(folder, "diagnose")
    show_record(lab, path, None, record, png=folder / "curves.png")


def take_hint(workspace: str | None, yes: bool, show_all: bool) -> None:
    """The next hint once its price is taken, or (free) those already taken."""
    folder, state, lab = open_round(workspace, working=not show_all)
    taken, total = state.used("hint"), len(lab.hints)
    if show_all or taken >= total:
        for number in range(1, taken + 1):
            console.print(render.hint(number, total, lab.hints[number - 1]))
        if not taken or taken >= total:
            say("no hints taken yet" if not taken else f"that was every hint ({total})")
        return
    pay("a hint", iv.RUBRIC.hint, taken, yes)
    number = note(folder, "hint").used("hint")
    console.print(render.hint(number, total, lab.hints[min(number, total) - 1]))


def submit_copy(workspace: str | None, device: str, as_json: bool, quiet: bool) -> int:
    """Grade the round's copy as ``mllab submit`` does and keep it in the round; the exit
    code."""
    folder, state, lab = open_round(workspace, working=True, quiet=as_json)
    started = time.time()
    report = graded(lab, folder / iv.COPY, device, quiet=as_json or quiet)
    kept = iv.submission_of(report, started)
    note(folder, "submit", report.verdict, submissions=lambda r: r.submissions + (kept,))
    shown = unnamed(report, state)
    if as_json:
        click.echo(json.dumps(shown.to_dict(), indent=2))
    else:
        render.report(console, shown)
        if report.verdict == "pass":
            say("passed: `mllab interview finish` ends the round with the root-cause question")
    return report.exit_code


def show_cause_list(ws: Workspace) -> None:
    """The root-cause list of the open (else the last) round, once it may be shown; after
    the round, with the learner's answer and the real cause marked."""
    found = iv.open_round(ws.root) or next(reversed(iv.rounds(ws.root)), None)
    if found is None:
        fail("no interview round yet; `mllab interview start` begins one")
    folder, state = found
    last = state.final_submission()
    if state.fix_closed_at is None and not (last and last.verdict == "pass"):
        fail("the cause list opens once a submission passes (`mllab interview submit`) or the "
             "work on the fix ends (`mllab interview finish`, or `--give-up`)")
    lab = iv.lab_of(state, labs.all_labs())
    options, real = iv.cause_list(state, lab, labs.all_labs())
    done = state.finished_at is not None
    show_causes(options, state.cause if done else None, real if done else None)


def finish_round(workspace: str | None, cause: int | None, explanation_file: str | None,
                 give_up: bool, device: str, as_json: bool) -> None:
    """End the round: the fix closed (graded now if nothing was), the root-cause question
    (asked on a terminal), then the score card and the debrief."""
    folder, state, lab = open_round(workspace)
    everything = labs.all_labs()
    options, _ = iv.cause_list(state, lab, everything)
    if cause is not None and cause > len(options):
        fail(f"--cause must be a number from 1 to {len(options)}")
    explanation = _explanation(explanation_file)
    if state.fix_closed_at is None:
        state = _close_fix(folder, state, lab, device, give_up, quiet=as_json)
    if cause is None and not give_up:
        if as_json:
            click.echo(json.dumps({"phase": "answering", "causes": options}, indent=2))
            return
        if not sys.stdin.isatty():
            show_causes(options)
            say("answer with `mllab interview finish --cause N --explanation-file PATH`")
            return
        cause, explanation = _asked(options)
    state = iv.update(folder, lambda r: iv.finish(r, lab, everything, cause, explanation,
                                                  time.time()))
    with contextlib.suppress(OSError):
        (folder / iv.EXPLANATION).write_text(state.explanation + "\n")
    card = iv.ScoreCard(**state.card)
    if as_json:
        click.echo(json.dumps({**card.to_dict(), "interview_questions":
                               list(lab.interview_questions)}, indent=2))
        return
    iv.show_card(console, card)
    console.print(Text("\nanswer these aloud before you read the debrief:", style="bold"))
    for question in lab.interview_questions:
        say(f"  - {question}")
    render.debrief(console, lab)


def _asked(options: list[str]) -> tuple[int, str]:
    """The cause's number and the explanation, asked on the terminal."""
    show_causes(options)
    cause = click.prompt("the root cause (its number)", type=click.IntRange(1, len(options)))
    say("explain it in two to four sentences (an empty line ends):")
    explanation = "\n".join(iter(lambda: click.prompt("", default="", show_default=False,
                                                       prompt_suffix="> "), ""))
    return cause, explanation


def open_round(workspace: str | None, working: bool = False, quiet: bool = False):
    """(folder, state, lab) of the open round; with ``working``, only while the work on the
    fix goes on and the clock has time left (said, unless ``quiet``). Stops with one line
    otherwise."""
    found = iv.open_round(locate(workspace))
    if found is None:
        fail("no interview round in progress; `mllab interview start` begins one")
    folder, state = found
    phase = state.phase(time.time())
    if working and phase == "time-up":
        fail(f"time is up ({state.minutes:g} minutes): `mllab interview finish` ends the round; "
             "your last graded submission counts")
    if working and phase == "answering":
        fail("the work on the fix is over: answer with `mllab interview finish --cause N "
             "--explanation-file PATH` (`mllab interview causes` lists the causes)")
    if working and not quiet:
        say(f"round {state.id}: {iv.clock(state.seconds_left(time.time()))} left", style="dim")
    return folder, state, iv.lab_of(state, labs.all_labs())


def note(folder: Path, tool: str, text: str = "", **changes):
    """Record that ``tool`` was used now (with ``changes`` to the round); the new state."""
    action = iv.Action(time.time(), tool, text)
    return iv.update(folder, lambda r: replace(r, actions=r.actions + (action,), **{
        key: value(r) for key, value in changes.items()}))


def pay(what: str, cost: int, taken: int, yes: bool) -> None:
    """Show the price of a hint or a diagnosis; return once the learner takes it."""
    price = f"{what} costs {cost} points of your score ({taken} taken so far)"
    if yes:
        say(price, style="dim")
    elif not sys.stdin.isatty():
        fail(f"{price}; add --yes to take it")
    elif not click.confirm(f"{price}. Take it?", default=False):
        say("not taken")
        sys.exit(0)


def unnamed(report, state):
    """``report`` as the round shows it: the round instead of the lab's id, and no advice
    after a fail (that is what a hint is for)."""
    return replace(report, lab=f"round {state.id}",
                   hint="" if report.verdict == "fail" else report.hint)


def show_causes(options: list[str], picked: int | None = None, real: int | None = None):
    """The numbered cause list; once the round is over, the learner's pick and the real one."""
    for number, text in enumerate(options, start=1):
        marks = [m for m, on in (("your answer", number == picked), ("the real cause",
                                                                      number == real)) if on]
        shown = inert(text, 1000, 3) + (f"  <- {', '.join(marks)}" if marks else "")
        console.print(render.labelled(f"{number:>3}.", Text(shown), "bold"))


def _explanation(file: str | None) -> str:
    if file is None:
        return ""
    try:
        return sys.stdin.read() if file == "-" else Path(file).read_text()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read the explanation from {file}: {getattr(exc, 'strerror', exc)}")


def _close_fix(folder: Path, state, lab, device: str, give_up: bool, quiet: bool):
    """End the work on the fix: graded now when nothing was (a file changed after the clock
    ran out counts as late), or given up. The new state."""
    now = time.time()
    if give_up or state.final_submission() is not None:
        return iv.update(folder, lambda r: replace(r, gave_up=give_up, fix_closed_at=now))
    path, late = folder / iv.COPY, False
    with contextlib.suppress(OSError):  # a missing copy is graded as missing, not late
        late = now >= state.deadline and path.stat().st_mtime >= state.deadline
    if not quiet:
        say("no graded submission yet: grading your copy now")
    report = graded(lab, path, device, quiet=quiet)
    if not quiet:
        render.report(console, unnamed(report, state))
    kept = iv.submission_of(report, now, late=late)
    return note(folder, "submit", report.verdict, fix_closed_at=lambda r: now,
                submissions=lambda r: r.submissions + (kept,))
