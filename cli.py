"""The ``mllab`` command line: the learner's loop (list, show, start, run, hint, submit, watch,
debrief, solution, progress, reset) and the instructor's (validate, new, grade-class).

Each command parses its arguments and calls one library function: the learner's side
lives in ``learner/``, the instructor's in ``instructor/``, what a terminal shows in
``ui/``, labs and grading in ``labs`` and ``graders``. A learner's
ordinary mistake (a missing file, an unwritable workspace, Ctrl-C) ends in one
line on stderr and exit code 2, never in a traceback.
"""

from __future__ import annotations

if __package__ in (None, ""):  # `python cli.py ...` from a clone: import this folder as mllab
    import importlib.util
    import sys
    from pathlib import Path

    _root = Path(__file__).resolve().parent
    _spec = importlib.util.spec_from_file_location(
        "mllab", _root / "__init__.py", submodule_search_locations=[str(_root)])
    sys.modules["mllab"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["mllab"])

import json
import sys
from dataclasses import asdict
from pathlib import Path

try:
    import click
    from rich.text import Text

    from mllab import labs
    from mllab.learner.workspace import (Workspace, WorkspaceError, locate, ready_labs,
                                         suggested_next)
    from mllab.ui import render
    from mllab.ui.render import inert
    from mllab.ui.terminal import Stop, console, errors
    from mllab.ui.terminal import say as _say
    from mllab.ui.terminal import warn as _warn
except ImportError as _missing:  # `python cli.py` from a clone without the dependencies
    sys.exit(f"mllab: {_missing.name or _missing} is not installed; install mllab and its "
             f"dependencies first: python3 -m venv .venv && .venv/bin/pip install -e . "
             f"(in {Path(__file__).resolve().parent}), then .venv/bin/mllab or "
             f".venv/bin/python cli.py")

class LabId(click.ParamType):
    """A lab id, completed from the registry and checked against it."""

    name = "lab"

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(i) for i in labs.ids() if i.startswith(incomplete)]

    def convert(self, value, param, ctx):
        from mllab.instructor.scaffold import placeholders

        try:
            lab = labs.get(value)
        except labs.LabError as exc:
            self.fail(str(exc), param, ctx)
        left = placeholders(lab) if ctx is None or ctx.command.name != "validate" else []
        if left:  # skeleton text never reaches a learner
            self.fail(f"{lab.id} is still being written ({len(left)} placeholder"
                      f"{'s' * (len(left) != 1)} left, e.g. "
                      f"{left[0]}); `mllab validate {lab.id}` lists them", param, ctx)
        return lab


LAB = LabId()
MAX_SEED = 2**31 - 1  # a grading draws 31-bit seeds; team scripts add small offsets, and numpy's
# legacy seeding stops at 2**32 - 1
TIMEOUT = click.FloatRange(1, 24 * 3600)  # seconds per sandboxed run
workspace_option = click.option(
    "--workspace", type=click.Path(file_okay=False), default=None,
    help="Workspace folder (default: $MLLAB_WORKSPACE, else ./mllab-work).")
device_option = click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]),
                             default="auto", show_default=True, help="Where to train.")


def file_option(verb: str):
    """``--file PATH``: the learner's file to use instead of the workspace copy."""
    return click.option("--file", "file", type=click.Path(dir_okay=False), default=None,
                        help=f"{verb} this file instead of your workspace copy.")


def _workspace(path: str | None) -> Workspace:
    return Workspace(locate(path))


def _fail(message: str, code: int = 2):
    """End the command with ``message``: one line on stderr, or, for a command asked for
    ``--json``, a JSON object on stdout (a script reading it gets JSON either way)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.params.get("as_json"):
        click.echo(json.dumps({"error": message, "exit_code": code}))
    else:
        errors.print(render.labelled("error:", inert(message, limit=1000, lines=1), "red"))
    sys.exit(code)


class _Command(click.Command):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Stop as stop:  # raised by library code where the problem is found
            _fail(str(stop), stop.code)


class _Group(click.Group):
    command_class = _Command

    def invoke(self, ctx):
        try:
            for problem in labs.problems():  # one bad lab is left out; the others work
                _warn(problem)
            return super().invoke(ctx)
        except labs.LabError as exc:  # a malformed lab folder: the course's fault, not yours
            _fail(str(exc), code=3)
        except WorkspaceError as exc:  # missing copy, unwritable or misplaced workspace
            _fail(str(exc))
        except KeyboardInterrupt:
            _fail("interrupted (Ctrl-C)")


@click.group(cls=_Group)
@click.version_option(package_name="mllab")
def main():
    """Hands-on ML debugging labs: run a broken training setup, fix it, get it graded."""


@main.command("list")
@workspace_option
@click.option("--drafts", is_flag=True,
              help="Also list labs not yet validated on 20 seeds (for their authors).")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def list_labs(workspace, drafts, as_json):
    """List the labs, easiest first, and your progress on each."""
    course = ready_labs(drafts)
    progress = _workspace(workspace).progress([lab.id for lab in course])
    if as_json:
        click.echo(json.dumps([{"id": lab.id, "title": lab.title, "difficulty": lab.difficulty,
                                "topics": list(lab.topics), "status": progress[lab.id].status,
                                "draft": not lab.validated} for lab in course], indent=2))
        return
    console.print(render.lab_table(course, progress, console.width))
    ready = [lab for lab in course if lab.validated]  # a draft is never suggested
    console.print(render.course_summary(course, progress, suggested_next(ready, progress)))


@main.command()
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def progress(workspace, as_json):
    """Your progress per lab (attempts, hints, first pass, time) and the lab to do next."""
    course = ready_labs()
    mine = _workspace(workspace).progress([lab.id for lab in course])
    suggested = suggested_next(course, mine)
    from mllab.learner.interview import rounds, rounds_table

    finished = [state for _, state in rounds(locate(workspace)) if state.finished_at]
    if as_json:
        click.echo(json.dumps({"labs": [{**asdict(mine[lab.id]), "difficulty": lab.difficulty,
                                         "hints_total": len(lab.hints)} for lab in course],
                               "next": suggested.id if suggested else None,
                               "interviews": [state.card for state in finished]}, indent=2))
        return
    console.print(render.progress_table(course, mine))
    console.print(render.course_summary(course, mine, suggested))
    if finished:
        console.print(rounds_table(finished))


@main.command()
@click.argument("lab", type=LAB)
def show(lab):
    """Show a lab's scenario: what the team sees, the targets, the rules."""
    render.show_lab(console, lab)


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
@click.option("--force", is_flag=True, help="Replace an edited copy (a backup is kept).")
def start(lab, workspace, force):
    """Copy a lab's broken setup into your workspace."""
    copy, backup = _workspace(workspace).start(lab, force=force)
    if backup:
        _say(f"your previous edits are saved in {backup}")
    console.print(Text.assemble(("ready: ", "green"), str(copy)))
    _say(f"\nnext steps:\n"
         f"  mllab show {lab.id}      read the scenario\n"
         f"  mllab run {lab.id}       watch the symptom\n"
         f"  (edit {copy.name})\n"
         f"  mllab submit {lab.id}    get it graded\n"
         f"  mllab hint {lab.id}      when you are stuck")


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
@file_option("Run")
@device_option
@click.option("--seed", type=click.IntRange(0, MAX_SEED), default=0, show_default=True,
              help="The data's seed.")
@click.option("--no-diagnose", is_flag=True, help="Skip the traced second run ('what we noticed').")
def run(lab, workspace, file, device, seed, no_diagnose):
    """Run your copy the way the team would, so the symptom shows, then say what we noticed."""
    from mllab.learner.running import run as run_copy

    sys.exit(run_copy(lab, _workspace(workspace), file, device, seed, no_diagnose))


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
@file_option("Diagnose")
@device_option
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def diagnose(lab, workspace, file, device, as_json):
    """Run your copy once and say what looks wrong in the run (never how to fix it)."""
    from mllab.learner.diagnosis import diagnose as diagnose_copy

    diagnose_copy(lab, _workspace(workspace), file, device, as_json)


def _seed_pairs(text: str | None) -> tuple[tuple[int, int], ...] | None:
    """`--seeds TRAIN:EVAL,...` read, or a usage error of one line."""
    from mllab.graders.report import parse_seed_pairs

    try:
        return None if text is None else parse_seed_pairs(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
@click.option("--all", "show_all", is_flag=True, help="List again the hints already shown.")
def hint(lab, workspace, show_all):
    """Show the next hint (each call reveals one more)."""
    from mllab.learner.loop import hint as show_hint

    show_hint(_workspace(workspace), lab, show_all)


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
@file_option("Grade")
@device_option
@click.option("--timeout", type=TIMEOUT, default=None,
              help="Seconds per sandboxed run (default: the lab's).")
@click.option("--seeds", "seed_pairs", default=None, metavar="TRAIN:EVAL,...",
              callback=lambda ctx, param, value: _seed_pairs(value),
              help="Repeat an earlier grading: the seeds it printed (each grading draws new ones).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", is_flag=True, help="No progress while grading, only the report.")
def submit(lab, workspace, file, device, timeout, seed_pairs, as_json, quiet):
    """Grade your fix. Exit 0 pass, 1 fail, 2 problem with your code, 3 grader fault.

    Each grading trains and evaluates on data drawn afresh from new seeds, and prints
    them; --seeds with those seeds repeats that grading exactly."""
    from mllab.learner.loop import submit as grade_copy

    sys.exit(grade_copy(lab, _workspace(workspace), file, device, timeout, seed_pairs, as_json,
                        quiet))


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
@file_option("Watch")
@device_option
@click.option("--poll", type=click.FloatRange(0.05, 60), default=0.5, show_default=True,
              help="Seconds between looks at the file.")
def watch(lab, workspace, file, device, poll):
    """Grade your copy again each time you save it.

    Each save starts a quick grade on one seed and, when that passes, the full grade
    `submit` does; saving again during a grade cancels it and starts over. Neither is
    recorded as an attempt: press s for a real submit (recorded, as `mllab submit` does),
    h for the next hint, q to quit. On a terminal single keys act at once; otherwise
    type one command per line. Ctrl-C also quits, with exit code 0.

    The file is looked at every --poll seconds and compared by content, so every editor
    and filesystem works (no change events are needed).
    """
    from mllab.learner.watch import watch as watch_copy

    watch_copy(lab, _workspace(workspace), file, device, poll)


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
def debrief(lab, workspace):
    """Reopen a lab's debrief: the cause, the fix and the lessons (after a pass)."""
    if not _workspace(workspace).unlocked(lab.id):
        _fail(f"the debrief of {lab.id} opens once you pass it (`mllab submit {lab.id}`), or "
              f"after `mllab solution {lab.id} --give-up`")
    render.debrief(console, lab)


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
@click.option("--give-up", is_flag=True,
              help="Show it before you pass (recorded as giving up in your progress).")
@click.option("--fix", "only", default=None, metavar="NAME",
              help="Only this reference fix (`> fix.diff` then applies with `git apply` in "
                   "your workspace).")
def solution(lab, workspace, give_up, only):
    """Show the reference fixes as diffs against the broken file (after a pass)."""
    from mllab.learner.loop import solution as show_solution

    show_solution(lab, workspace, give_up, only)


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
def reset(lab, workspace):
    """Restore the broken copy; your edits are backed up first."""
    copy, backup = _workspace(workspace).reset(lab)
    if backup:
        _say(f"your edits are saved in {backup}")
    _say(f"restored {copy}")


@main.command()
@click.argument("lab_ids", nargs=-1, type=LAB)
@click.option("--seeds", type=click.IntRange(1, 1000), default=None,
              help="Grade on N random (training, evaluation) seed pairs instead of the lab's "
                   "own seeds (e.g. 20 to calibrate).")
@click.option("--draw", type=click.IntRange(0, 2**48 - 1), default=None,
              help="Repeat an earlier --seeds run: the draw number it printed.")
@device_option
@click.option("--write", is_flag=True,
              help="With --seeds 20 or more: record the distributions and margins in each "
                   "lab's lab.toml (its [calibration] tables), which makes a draft a lab.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def validate(lab_ids, seeds, draw, device, write, as_json):
    """For instructors: broken files fail and reference fixes pass, on every seed."""
    from mllab.instructor.validating import validate as validate_labs

    sys.exit(validate_labs(lab_ids, seeds, draw, device, write, as_json))


@main.command()
@click.argument("lab_id")
@click.option("--course", type=click.Path(file_okay=False), default=".", show_default=True,
              help="Course folder to write into (it holds labs/ and broken_models/).")
@click.option("--template", type=click.Choice(["sklearn", "torch"]), default="sklearn",
              show_default=True, help="The skeleton's model: scikit-learn or PyTorch.")
def new(lab_id, course, template):
    """For instructors: write the skeleton of a new lab."""
    from mllab.instructor.scaffold import ScaffoldError, new_lab

    try:
        written = new_lab(Path(course).resolve(), lab_id, template)
    except ScaffoldError as exc:
        _fail(str(exc))
    console.print("\n".join(f"wrote {path}" for path in written), highlight=False)
    _say(f"\nThe skeleton already trains, fails for a planted reason (the broken file "
         f"reads 3 of 10 columns) and passes with its fix. Next: `mllab validate {lab_id}` "
         f"lists what is left (every FILL IN, a second fix), then `mllab validate {lab_id} "
         f"--seeds 20 --write` records the calibration; replace the planted bug with yours "
         f"(see docs/authoring.md). Until then it is a draft (`mllab list --drafts`). This "
         f"course is remembered: every mllab command finds {lab_id}, wherever it runs.")


@main.command("grade-class")
@click.argument("lab", type=LAB)
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Where the gradebook and each student's results go "
                   "(default: FOLDER-LAB-grades beside FOLDER).")
@click.option("--jobs", type=click.IntRange(1, 256), default=None,
              help="Submissions graded at once (default: one per usable core, as memory allows).")
@click.option("--force", is_flag=True, help="Grade again students already graded in --out.")
@click.option("--backend", type=click.Choice(["local", "ray"]), default="local",
              show_default=True, help="Where gradings run: processes on this machine, or Ray tasks "
                   "(pip install 'mllab[ray]').")
@click.option("--address", default=None,
              help="With --backend ray: the cluster's address (default: a local Ray instance).")
@click.option("--secret", envvar="MLLAB_SECRET", default=None,
              help="Grade 'verified': data and seeds derived from this secret (default: "
                   "$MLLAB_SECRET). Other users see a command line: prefer --secret-file.")
@click.option("--secret-file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Read the secret from this file (its first line).")
@click.option("--ask-secret", is_flag=True, help="Type the secret at a hidden prompt.")
@click.option("--allow-weak-isolation", is_flag=True,
              help="Grade with a secret even without bubblewrap; reports say verified: false.")
@device_option
@click.option("--timeout", type=TIMEOUT, default=None,
              help="Seconds per sandboxed run (default: the lab's).")
@click.option("--partial-credit", type=click.Choice(labs.PARTIAL_CREDIT), default=None,
              help="How a fail scores: the checks its medians met, nothing, or the checks met "
                   "on every seed (default: the lab's [grading] partial_credit, else per-check).")
@click.option("--grade-unchanged", is_flag=True,
              help="Grade the starter file handed in unchanged like any other file (by "
                   "default it is marked unchanged and scores 0).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary and every report as JSON.")
def grade_class(lab, folder, out, jobs, force, backend, address, secret, secret_file,
                ask_secret, allow_weak_isolation, device, timeout, partial_credit,
                grade_unchanged, as_json):
    """For instructors: grade FOLDER/<student>.py (or FOLDER/<student>/LAB.py) for LAB.

    Writes OUT/gradebook.csv and OUT/<student>/results.json (Gradescope's format) as each
    result comes in; a rerun keeps the results already there. Exit 0 once everyone is graded,
    whatever the verdicts; 3 when mllab could not grade someone (rerun to regrade them).
    """
    from mllab.instructor.class_grading import ClassOptions, read_secret
    from mllab.instructor.class_grading import grade_class as grade_all

    on_command_line = click.get_current_context().get_parameter_source("secret") == \
        click.core.ParameterSource.COMMANDLINE
    secret = read_secret(secret, on_command_line, secret_file, ask_secret)
    sys.exit(grade_all(lab, folder, ClassOptions(
        out=out, jobs=jobs, force=force, backend=backend, address=address, secret=secret,
        secret_file=secret_file, allow_weak_isolation=allow_weak_isolation, device=device,
        timeout=timeout, partial_credit=partial_credit, grade_unchanged=grade_unchanged,
        as_json=as_json)))


# ------------------------------------------------------------------ interview (docs/interview.md)


@main.group(cls=_Group)
def interview():
    """A timed mock debugging round on a lab you have not seen.

    Start one with `mllab interview start`; docs/interview.md has the rubric."""


yes_option = click.option("--yes", is_flag=True, help="Take it without asking (the price is "
                          "still shown).")


@interview.command("start")
@click.option("--lab", "lab", type=LAB, default=None,
              help="Practise this lab (default: one drawn among those you have not passed).")
@click.option("--level", type=click.Choice(["beginner", "intermediate", "advanced"]),
              default=None, help="Draw among the labs of this level only.")
@click.option("--minutes", type=click.IntRange(1, 24 * 60), default=45, show_default=True,
              help="Time allowed, wall clock, from now to `finish`.")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print the round as JSON.")
def interview_start(lab, level, minutes, workspace, as_json):
    """Begin a round: draw a lab, copy its code, start the clock."""
    from mllab.learner.rounds import start_round

    start_round(_workspace(workspace), lab, level, minutes, as_json)


@interview.command("status")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def interview_status(workspace, as_json):
    """Time left, the file to edit, and what the round has used."""
    from mllab.learner.rounds import show_status

    show_status(workspace, as_json)


@interview.command("run")
@workspace_option
@device_option
@click.option("--seed", type=int, default=0, show_default=True)
def interview_run(workspace, device, seed):
    """Run the team's script on your copy, as `mllab run` does (free)."""
    from mllab.learner.rounds import run_copy

    sys.exit(run_copy(workspace, device, seed))


@interview.command("diagnose")
@workspace_option
@device_option
@yes_option
def interview_diagnose(workspace, device, yes):
    """What we notice in one traced run of your copy (costs points)."""
    from mllab.learner.rounds import diagnose_copy

    diagnose_copy(workspace, device, yes)


@interview.command("hint")
@workspace_option
@yes_option
@click.option("--all", "show_all", is_flag=True, help="List again the hints already taken (free).")
def interview_hint(workspace, yes, show_all):
    """The next hint (costs points; the price is shown first)."""
    from mllab.learner.rounds import take_hint

    take_hint(workspace, yes, show_all)


@interview.command("submit")
@workspace_option
@device_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", is_flag=True, help="No progress while grading, only the report.")
def interview_submit(workspace, device, as_json, quiet):
    """Grade your copy as `mllab submit` does (free)."""
    from mllab.learner.rounds import submit_copy

    sys.exit(submit_copy(workspace, device, as_json, quiet))


@interview.command("causes")
@workspace_option
def interview_causes(workspace):
    """The root-cause list (after a pass, or once the fix has ended).

    After the round, it marks your answer and the real cause."""
    from mllab.learner.rounds import show_cause_list

    show_cause_list(_workspace(workspace))


@interview.command("finish")
@click.option("--cause", type=click.IntRange(min=1), default=None,
              help="The number of the root cause, as `mllab interview causes` lists it.")
@click.option("--explanation-file", type=click.Path(dir_okay=False), default=None,
              help="Your explanation of the cause, 2 to 4 sentences ('-': standard input).")
@click.option("--give-up", is_flag=True, help="Stop without a fix (recorded); ends the round.")
@workspace_option
@device_option
@click.option("--json", "as_json", is_flag=True, help="Print the score card as JSON.")
def interview_finish(cause, explanation_file, give_up, workspace, device, as_json):
    """End the round: the root-cause question, then your score card.

    Your copy is graded first if no submission was. On a terminal it asks for the cause and the explanation; elsewhere pass --cause N and
    --explanation-file PATH (without them the cause list is printed and the round waits).
    """
    from mllab.learner.rounds import finish_round

    finish_round(workspace, cause, explanation_file, give_up, device, as_json)


if __name__ == "__main__":
    main()
