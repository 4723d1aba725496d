"""The ``mllab`` command line: the learner's loop (list, show, start, run, hint, submit, watch,
debrief, solution, progress, reset) and the instructor's (validate, new, grade-class).

Each command parses its arguments, calls one library function and renders the
result; the work lives in ``labs``, ``graders`` and ``workspace``. A learner's
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

import contextlib
import json
import signal
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path
from types import SimpleNamespace

try:
    import click
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from mllab import labs
    from mllab.ui import render
    from mllab.ui.render import inert
    from mllab.learner.workspace import Workspace, WorkspaceError, easiest_first, locate, suggested_next
except ImportError as _missing:  # `python cli.py` from a clone without the dependencies
    sys.exit(f"mllab: {_missing.name or _missing} is not installed; install mllab and its "
             f"dependencies first: python3 -m venv .venv && .venv/bin/pip install -e . "
             f"(in {Path(__file__).resolve().parent}), then .venv/bin/mllab or "
             f".venv/bin/python cli.py")

# Into a pipe or a file, lines are written whole (no wrapping, no cropping): a diff or a
# log line stays as it is; a terminal gets text wrapped at word boundaries.
console = Console(soft_wrap=not sys.stdout.isatty())
errors = Console(stderr=True, soft_wrap=not sys.stderr.isatty())


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


def _learner_file(ws: Workspace, lab, file: str | None, command: str) -> Path:
    """``--file`` if given, else the learner's copy in the workspace; exits with one line
    when it is missing or unreadable."""
    path = ws.require_copy(lab) if file is None else Path(file).resolve()
    if not path.is_file():
        _fail(f"no such file: {path}; without --file, `mllab {command} {lab.id}` uses your "
              "workspace copy")
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror}")
    return path


def _require_compiles(path: Path) -> None:
    """Exit with one line when ``path`` is not valid Python (what ``run`` would crash on)."""
    try:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        _fail(f"syntax error in {path.name}, line {exc.lineno}: {exc.msg}")
    except ValueError as exc:  # e.g. null bytes: not a text file
        _fail(f"{path.name} is not a Python source file: {exc}")


def _device(requested: str) -> str:
    """``cpu`` or ``cuda``: ``auto`` resolved on this machine; exits when ``cuda`` is asked
    for on a machine without one."""
    if requested == "cpu":
        return "cpu"
    if _cuda_available():
        return "cuda"
    if requested == "cuda":
        _fail("this machine has no CUDA device (PyTorch sees no GPU); use --device cpu")
    return "cpu"


def _cuda_available() -> bool:
    """Asked in a child process, so that the CLI itself never imports torch; without a GPU
    driver's device files (NVIDIA, or ROCm's /dev/kfd) the answer is no, without asking."""
    if not any(Path(p).exists() for p in ("/dev/nvidiactl", "/dev/nvidia0", "/dev/kfd")):
        return False
    probe = "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"
    return subprocess.call([sys.executable, "-c", probe], stderr=subprocess.DEVNULL) == 0


def _foreground(argv: list[str], cwd: Path, live: Path | None = None) -> int:
    """Run ``argv`` attached to this terminal; return its exit code.

    Ctrl-C reaches only this process (the child starts with SIGINT ignored), which then
    stops the child with SIGTERM: no traceback from deep inside a library, no process left.
    With ``live`` (a file the child writes "step N loss X" to), the child's output is
    passed through line by line above a live line showing its training step and loss.
    """
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by the child
    try:
        if live is None:
            child = subprocess.Popen(argv, cwd=cwd)
        else:
            child = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     env={**os.environ, "MLLAB_PROGRESS": str(live),
                                          "PYTHONUNBUFFERED": "1"})
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        if live is None:
            return child.wait()
        return _with_live_training(child, live)
    except KeyboardInterrupt:
        child.terminate()
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise


def _with_live_training(child: subprocess.Popen, progress_file: Path) -> int:
    """Show ``child``'s output as it comes, under a live line with the training step and
    loss it last wrote to ``progress_file``; return its exit code."""
    import threading

    from mllab.graders.engine import TRAINING_LINE
    from mllab.graders.report import metric_text

    with Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False),
                  TimeElapsedColumn(), console=console, transient=True) as live:
        task = live.add_task("training")

        def passed_through() -> None:
            for raw in iter(child.stdout.readline, b""):
                shown = raw.decode("utf-8", "replace").rstrip("\r\n").split("\r")[-1]
                live.console.print(Text(inert(shown, limit=1000, lines=1)))

        reader = threading.Thread(target=passed_through, daemon=True)
        reader.start()
        while child.poll() is None:
            try:
                match = TRAINING_LINE.fullmatch(progress_file.read_bytes()[:64])
            except OSError:
                match = None
            if match:
                live.update(task, description=f"training: step {int(match[1])}, "
                                              f"loss {metric_text(float(match[2]))}")
            time.sleep(0.25)
        reader.join(timeout=5)
    return child.returncode


@contextlib.contextmanager
def _status(message: str, quiet: bool):
    """Yield a ``status`` whose ``update(step)`` shows where a long task is: on a terminal, a
    live line (spinner, step, elapsed time); elsewhere (a log, CI) one plain line per step;
    nothing when ``quiet`` (JSON on stdout, ``--quiet``). Colours follow ``NO_COLOR``."""
    if quiet:
        yield SimpleNamespace(update=lambda step: None)
    elif not console.is_terminal:
        yield SimpleNamespace(update=lambda step: console.print(
            Text(f"{message}: {inert(step, lines=1)}", style="dim")))
    else:
        with Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False),
                      TimeElapsedColumn(), console=console, transient=True) as live:
            task = live.add_task(message)
            yield SimpleNamespace(update=lambda step: live.update(
                task, description=f"{message}: {inert(step, lines=1)}"))


def _say(text: str, style: str = "") -> None:
    """Print ``text`` as written (no markup), wrapped at word boundaries."""
    console.print(Text(text, style=style))


def _warn(message: str) -> None:
    errors.print(render.labelled("warning:", inert(message, limit=1000, lines=1), "yellow"))


def _fail(message: str, code: int = 2):
    """End the command with ``message``: one line on stderr, or, for a command asked for
    ``--json``, a JSON object on stdout (a script reading it gets JSON either way)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.params.get("as_json"):
        click.echo(json.dumps({"error": message, "exit_code": code}))
    else:
        errors.print(render.labelled("error:", inert(message, limit=1000, lines=1), "red"))
    sys.exit(code)


class _Group(click.Group):
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


def _ready_labs(drafts: bool = False) -> list:
    """Every lab a learner may see, easiest first. Drafts (skeleton text left, or not yet
    validated on 20 seeds: ``Lab.validated``) only with ``drafts``; skeleton text never."""
    from mllab.instructor.scaffold import placeholders

    return easiest_first(tuple(lab for lab in labs.all_labs() if not placeholders(lab)
                               and (drafts or lab.validated)))


@main.command("list")
@workspace_option
@click.option("--drafts", is_flag=True,
              help="Also list labs not yet validated on 20 seeds (for their authors).")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def list_labs(workspace, drafts, as_json):
    """List the labs, easiest first, and your progress on each."""
    course = _ready_labs(drafts)
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
    course = _ready_labs()
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
    path = _learner_file(_workspace(workspace), lab, file, "run")
    _require_compiles(path)
    resolved = _device(device)
    code = _run_script(path, resolved, seed)
    if code == 0 and not no_diagnose:
        _noticed_after(lab, path, _workspace(workspace), resolved, "what we noticed comes from a second, traced run "
                       "of your functions on one seed of the lab's data")
    sys.exit(code)


def _run_script(path: Path, device: str, seed: int) -> int:
    """Run ``path``'s script the way the team does, attached to this terminal (a live line
    with the training step and loss on one); its exit code."""
    from mllab.graders.engine import CHILD_SCRIPT

    _say(f"running {path} on {device}, seed {seed}", style="dim")
    try:
        with tempfile.TemporaryDirectory(prefix="mllab-run-") as scratch:
            live = Path(scratch) / "progress" if console.is_terminal else None
            return _foreground([sys.executable, str(CHILD_SCRIPT), "run", str(path),
                                "--device", device, "--seed", str(seed)], cwd=path.parent,
                               live=live)
    except KeyboardInterrupt:
        _fail(f"interrupted (Ctrl-C): stopped the run of {path.name}")


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
@file_option("Diagnose")
@device_option
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def diagnose(lab, workspace, file, device, as_json):
    """Run your copy once and say what looks wrong in the run (never how to fix it)."""
    from mllab.graders.observe import ObserveError

    ws = _workspace(workspace)
    path = _learner_file(ws, lab, file, "diagnose")
    _require_compiles(path)
    try:
        record = _diagnosis(lab, path, _device(device), quiet=as_json)
    except ObserveError as exc:
        _fail(f"your code did not run to the end, so there is nothing to diagnose: {exc}")
    if as_json:
        from mllab.graders.diagnose import checked, diagnose

        click.echo(json.dumps({"lab": lab.id, "file": str(path), "checked": checked(record),
                               "findings": [asdict(f) for f in diagnose(record)]}, indent=2))
    else:
        _show_record(lab, path, ws, record)


def _diagnosis(lab, path: Path, device: str, quiet: bool = False, seed: int = 0):
    """The record of one traced run of ``path`` on one seed of the lab's data; raises
    ``ObserveError`` when the learner's code fails."""
    from mllab.graders.observe import observe

    try:
        with _status(f"diagnosing {path.name}", quiet=quiet) as status:
            status.update("one traced run on one seed of the lab's data")
            return observe(lab, path, device, seed=seed)
    except KeyboardInterrupt:
        _fail(f"interrupted (Ctrl-C): stopped diagnosing {path.name}")


def _show_record(lab, path: Path, ws, record, png: Path | None = None) -> None:
    """What we noticed in a traced run, then the lab's curves of it, as one-line plots
    and a PNG (``png``, else in the workspace; a folder we cannot write costs only the PNG)."""
    from mllab.graders.curves import curves, write_png
    from mllab.graders.diagnose import checked, diagnose

    render.noticed(console, diagnose(record), checked(record))
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


def _noticed_after(lab, path: Path, ws, device: str, why: str, seed: int = 0) -> None:
    """The "what we noticed" section and the curves at the end of ``run`` or a failing
    ``submit``: a second, traced run; advisory, so a failure of it is one warning, never
    the exit code."""
    from mllab.graders.observe import ObserveError

    _say(f"\n{why}; `mllab diagnose {lab.id}` repeats it", style="dim")
    try:
        _show_record(lab, path, ws, _diagnosis(lab, path, device, seed=seed))
    except ObserveError as exc:
        _warn(f"nothing to diagnose: the traced run stopped: {exc}")


def _seed_pairs(text: str | None) -> tuple[tuple[int, int], ...] | None:
    """`--seeds TRAIN:EVAL,...` read, or a usage error of one line."""
    from mllab.graders.report import parse_seed_pairs

    try:
        return None if text is None else parse_seed_pairs(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _authored(lab) -> bool:
    """Whether this account wrote ``lab`` (`mllab new` remembered its course): its author
    sees where a fault in the lab's own code is; a learner sees only "internal-error"."""
    from mllab.instructor.scaffold import known_courses

    return lab.folder.parents[1] in known_courses()


def _worst_seed(lab, report) -> tuple[int, int]:
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


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
@click.option("--all", "show_all", is_flag=True, help="List again the hints already shown.")
def hint(lab, workspace, show_all):
    """Show the next hint (each call reveals one more)."""
    ws = _workspace(workspace)
    total = len(lab.hints)
    if show_all:
        shown = ws.hints_shown(lab.id)
        for number in range(1, shown + 1):
            console.print(render.hint(number, total, lab.hints[number - 1]))
        if not shown:
            _say(f"no hints shown yet for {lab.id}; `mllab hint {lab.id}` shows the first")
        return
    _next_hint(ws, lab)


def _next_hint(ws: Workspace, lab) -> None:
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
    _say(f"no more hints: {seen}. {answer[0].upper()}{answer[1:]}.")


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
    ws = _workspace(workspace)
    path = _learner_file(ws, lab, file, "submit")
    result = _graded(lab, path, device, timeout, quiet=as_json or quiet, seed_pairs=seed_pairs)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        render.report(console, result)
    try:
        ws.record(lab.id, path, result.verdict, result.reason, result.seconds,
                  result.seed_pairs)
    except WorkspaceError as exc:  # the verdict above stands; only the history misses it
        _warn(f"this attempt was not recorded: {exc}")
    if result.verdict == "pass" and not as_json:
        _after_pass(ws, lab)
    elif result.verdict == "fail" and not as_json:
        number, seed = _worst_seed(lab, result)
        _noticed_after(lab, path, ws, _device(device), "the grade failed, so we traced one more run "
                       f"of your functions on the training data of its worst seed (seed "
                       f"{number}/{len(result.runs)}, data seed {seed}; not part of the grade)",
                       seed=seed)
    sys.exit(result.exit_code)


def _graded(lab, path: Path, device: str, timeout: float | None = None, quiet: bool = False,
            seed_pairs: tuple[tuple[int, int], ...] | None = None):
    """The ``Report`` of grading ``path`` for ``lab``, as ``submit`` grades (a live line
    while it runs unless ``quiet``); Ctrl-C ends the command, nothing recorded."""
    from mllab.graders import Options, grade

    if device == "cuda":
        _device(device)
    try:
        with _status(f"grading {path.name}", quiet=quiet) as status:
            return grade(lab, path, Options(device=device, timeout_s=timeout, seed_pairs=seed_pairs,
                                            author=_authored(lab)),
                         progress=status.update)
    except KeyboardInterrupt:
        _fail("interrupted (Ctrl-C): grading stopped, nothing was recorded")


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
    from mllab.learner.watch import Commands, Grader, Session

    ws = _workspace(workspace)
    path = _learner_file(ws, lab, file, "watch")
    if device == "cuda":
        _device(device)
    grader = Grader(lab.id, path, device)

    def submitted(result) -> None:
        render.report(console, result)
        try:
            ws.record(lab.id, path, result.verdict, result.reason, result.seconds,
                      result.seed_pairs)
        except WorkspaceError as exc:
            _warn(f"this attempt was not recorded: {exc}")
        if result.verdict == "pass":
            _after_pass(ws, lab)

    def hinted() -> None:
        try:
            _next_hint(ws, lab)
        except WorkspaceError as exc:  # e.g. a read-only workspace: keep watching
            _warn(str(exc))

    stops = {number: signal.signal(number, _interrupt)
             for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        with Commands() as commands:
            Session(console, lab, path, grader, commands, poll, hinted, submitted).run()
    except KeyboardInterrupt as exc:
        _say(f"stopped watching ({exc.args[0] if exc.args else 'Ctrl-C'})", style="dim")
    finally:
        grader.cancel()
        for number, previous in stops.items():
            signal.signal(number, previous)


def _interrupt(signum, frame):
    """SIGTERM (or a closed terminal) stops ``watch`` the way Ctrl-C does."""
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _after_pass(ws: Workspace, lab) -> None:
    """The debrief the first time a lab passes; afterwards, where to find it."""
    if ws.happened(lab.id, "debrief"):
        _say(f"debrief: `mllab debrief {lab.id}` reopens it; `mllab solution {lab.id}` shows "
             "the reference fixes", style="dim")
        return
    render.debrief(console, lab)
    _say(f"`mllab solution {lab.id}` compares your fix with the reference fixes, "
         f"`mllab debrief {lab.id}` reopens this debrief, `mllab progress` suggests what next.",
         style="dim")
    with contextlib.suppress(WorkspaceError):  # unwritable: already warned; shown again next time
        ws.mark(lab.id, "debrief")


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
    names = [fix.stem for fix in lab.fixes()]
    if only is not None and only not in names:
        _fail(f"{lab.id} has no reference fix called {only!r}; its fixes: {', '.join(names)}")
    ws = _workspace(workspace)
    if not ws.unlocked(lab.id):
        if not give_up:
            _fail(f"the solution of {lab.id} opens once you pass it; `mllab hint {lab.id}` "
                  f"helps, and `mllab solution {lab.id} --give-up` shows it now (recorded as "
                  "giving up)")
        ws.mark(lab.id, "gave-up")
    render.solution(console, lab, only)


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
    from dataclasses import asdict

    from mllab.graders.validate import (CALIBRATED_SEEDS, WriteError, draw_seed_pairs,
                                        margins, write_calibration)
    from mllab.graders.validate import validate as validate_lab

    if write and (seeds or 0) < CALIBRATED_SEEDS:
        _fail(f"--write records a calibration: give --seeds {CALIBRATED_SEEDS} (or more)")
    chosen = lab_ids or labs.all_labs()
    pairs = None
    if seeds:
        draw, pairs = draw_seed_pairs(seeds, draw)
        if not as_json:
            console.print(f"[dim]{seeds} random seed pairs, draw {draw} (repeat with --seeds "
                          f"{seeds} --draw {draw}): {list(pairs)}[/]", highlight=False)
    rows, found = [], []
    with _status("validating", quiet=as_json) as status:
        for lab in chosen:
            lab_rows = validate_lab(lab, pairs, device, progress=status.update)
            rows += lab_rows
            found += margins(lab, lab_rows)
    notes = [f"{lab.id} has no [interview] table in its lab.toml, so `mllab interview` never "
             "draws it (docs/interview.md)" for lab in chosen if lab.interview is None]
    if as_json:
        click.echo(json.dumps({"draw": draw, "seed_pairs": pairs, "rows": [asdict(r) for r in rows],
                               "margins": [asdict(m) for m in found], "notes": notes}, indent=2))
    else:
        console.print(render.validation_table(rows))
        console.print(render.margin_table(found))
        if not write:
            console.print("\n[dim]measured distributions (`--write` records them in each "
                          "lab.toml):[/]")
            console.print(render.calibration_toml(rows), highlight=False, markup=False)
        for note in notes:
            _say(f"note: {note}", style="yellow")
    if write:
        for lab in chosen:
            try:
                _say(f"wrote the calibration of {lab.id} into "
                     f"{write_calibration(lab, rows, found, seeds, draw)}")
            except WriteError as exc:
                _warn(str(exc))
        if not as_json:
            _say("run `mllab validate` again to check the lab with its calibration")
    sys.exit(0 if all(row.ok for row in rows) else 1)


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


@contextlib.contextmanager
def _class_progress(total: int, quiet: bool):
    """A callback ``(student, report)`` for each result: a progress bar on a terminal,
    one plain line each otherwise, nothing when ``quiet``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from mllab.graders.gradebook import printable

    if quiet or not total:
        yield lambda student, report: None
    elif not console.is_terminal:
        done = iter(range(1, total + 1))
        yield lambda student, report: console.print(Text(
            f"[{next(done)}/{total}] {printable(student)}: {report.verdict} "
            f"({report.seconds:.1f}s)"), soft_wrap=True)
    else:
        with Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), TextColumn("{task.description}", markup=False),
                      console=console, transient=True) as progress:
            task = progress.add_task("", total=total)
            yield lambda student, report: progress.update(
                task, advance=1, description=f"last: {printable(student)}: {report.verdict}")


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
    from dataclasses import asdict

    from mllab.graders import Options, sandbox
    from mllab.graders.batch import (CLASS_SEED, GRADEBOOK, RESULTS, ClassFolderError,
                                     default_jobs, plan_class)
    from mllab.graders.batch import grade_class as grade_all
    from mllab.graders.gradebook import score, summarize
    from mllab.graders.report import counted
    from mllab.graders.ray_backend import RayUnavailable

    secret = _secret(secret, secret_file, ask_secret)
    missing = sandbox.weaknesses(sandbox.available_isolation()[0])
    if secret and missing and not allow_weak_isolation:
        _fail(f"verified grading needs a sandbox no submission can get out of: install "
              f"bubblewrap (`apt-get install bubblewrap`; as a normal user, user namespaces must "
              f"be allowed) or pass --allow-weak-isolation to grade anyway (every report then "
              f"says verified: false). Missing: {'; '.join(missing)}")
    if partial_credit:
        lab = replace(lab, partial_credit=partial_credit)
    folder = Path(folder).resolve()
    out_dir = Path(out) if out else folder.parent / f"{folder.name}-{lab.id}-grades"
    options = Options(device=device, secret=secret, timeout_s=timeout,
                      allow_weak_isolation=allow_weak_isolation)
    try:
        plan = plan_class(lab, folder, out_dir, options, force=force,
                          grade_unchanged=grade_unchanged)
        if not plan.entries:
            _fail(f"no submissions in {folder}: expected <student>.py or <student>/{lab.id}.py")
        if plan.class_seed is not None and not as_json:
            console.print(f"class seed {plan.class_seed} ({plan.out / CLASS_SEED}): every "
                          "student is graded on the same data", markup=False, highlight=False,
                          soft_wrap=True, style="dim")
        if plan.kept and not as_json:
            console.print(f"{counted(len(plan.kept), 'student')} already graded in {plan.out} keep their "
                          "result (--force grades them again)", markup=False, highlight=False,
                          soft_wrap=True)
        with _class_progress(len(plan.todo), quiet=as_json) as advance:
            reports = grade_all(plan, jobs or default_jobs(lab), on_result=advance,
                                backend=backend, address=address)
    except KeyboardInterrupt:
        graded = sum(r.verdict != "internal-error" for r in plan.reports.values())
        _fail(f"interrupted (Ctrl-C): {graded} of {len(plan.entries)} results are kept in "
              f"{plan.out}; run the same command again to grade the other "
              f"{len(plan.entries) - graded}")
    except OSError as exc:
        _fail(f"{exc.filename or out_dir}: {exc.strerror or exc}")
    except (RayUnavailable, ClassFolderError) as exc:
        _fail(str(exc))
    summary = summarize(lab, reports)
    if as_json:
        click.echo(json.dumps({
            "gradebook": str(plan.out / GRADEBOOK), "class_seed": plan.class_seed,
            "summary": asdict(summary),
            "students": {who: {"score": score(lab, r), "max_score": lab.points,
                               "report": r.to_dict()} for who, r in reports.items()}},
            indent=2))
    else:
        console.print(render.class_table(lab, reports))
        render.class_summary(console, lab, summary)
        console.print(f"gradebook: {plan.out / GRADEBOOK}; per student: "
                      f"{plan.out}/<student>/{RESULTS}", markup=False, highlight=False,
                      soft_wrap=True)
    sys.exit(3 if summary.regrade else 0)


def _secret(given: str | None, file: str | None, ask: bool) -> str | None:
    """The secret from --secret-file, --ask-secret or --secret (else $MLLAB_SECRET); two of
    them on one command line are a usage error."""
    on_command_line = click.get_current_context().get_parameter_source("secret") == \
        click.core.ParameterSource.COMMANDLINE
    if on_command_line + (file is not None) + ask > 1:
        _fail("give the secret one way only: --secret, --secret-file or --ask-secret")
    if file is not None:
        try:
            lines = Path(file).read_text().splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            _fail(f"cannot read the secret from {file}: {exc}")
        given = lines[0] if lines else ""
    elif ask:
        given = click.prompt("secret", hide_input=True, err=True)
    if given is not None and not given.strip():
        _fail("the secret is empty")
    return given


# ------------------------------------------------------------------ interview (docs/interview.md)


@main.group(cls=_Group)
def interview():
    """A timed mock debugging round on a lab you have not seen.

    Start one with `mllab interview start`; docs/interview.md has the rubric."""


yes_option = click.option("--yes", is_flag=True, help="Take it without asking (the price is "
                          "still shown).")


def _round(workspace: str | None, working: bool = False, quiet: bool = False):
    """(folder, state, lab) of the open round; with ``working``, only while the work on the
    fix goes on and the clock has time left (said, unless ``quiet``). Exits with one line
    otherwise."""
    from mllab.learner import interview as iv

    found = iv.open_round(locate(workspace))
    if found is None:
        _fail("no interview round in progress; `mllab interview start` begins one")
    folder, state = found
    phase = state.phase(time.time())
    if working and phase == "time-up":
        _fail(f"time is up ({state.minutes:g} minutes): `mllab interview finish` ends the round; "
              "your last graded submission counts")
    if working and phase == "answering":
        _fail("the work on the fix is over: answer with `mllab interview finish --cause N "
              "--explanation-file PATH` (`mllab interview causes` lists the causes)")
    if working and not quiet:
        _say(f"round {state.id}: {iv.clock(state.seconds_left(time.time()))} left", style="dim")
    return folder, state, iv.lab_of(state, labs.all_labs())


def _note(folder: Path, tool: str, note: str = "", **changes):
    """Record that ``tool`` was used now (with ``changes`` to the round); the new state."""
    from dataclasses import replace

    from mllab.learner.interview import Action, update

    action = Action(time.time(), tool, note)
    return update(folder, lambda r: replace(r, actions=r.actions + (action,), **{
        key: value(r) for key, value in changes.items()}))


def _pay(what: str, cost: int, taken: int, yes: bool) -> None:
    """Show the price of a hint or a diagnosis; return once the learner takes it."""
    price = f"{what} costs {cost} points of your score ({taken} taken so far)"
    if yes:
        _say(price, style="dim")
    elif not sys.stdin.isatty():
        _fail(f"{price}; add --yes to take it")
    elif not click.confirm(f"{price}. Take it?", default=False):
        _say("not taken")
        sys.exit(0)


def _unnamed(report, state):
    """``report`` as the round shows it: the round instead of the lab's id, and no advice
    after a fail (that is what a hint is for)."""
    from dataclasses import replace

    return replace(report, lab=f"round {state.id}",
                   hint="" if report.verdict == "fail" else report.hint)


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
    import random

    from mllab.learner import interview as iv

    ws = _workspace(workspace)
    if lab is None:
        course = _ready_labs()
        status = {i: p.status for i, p in ws.progress([x.id for x in course]).items()}
        drawn = {state.lab for _, state in iv.rounds(ws.root)}
        lab = iv.draw(course, status, drawn, level, random.SystemRandom())
    elif lab.interview is None:
        _fail(f"{lab.id} has no [interview] table in its lab.toml, so it cannot be a round")
    folder, state = iv.start(ws.root, lab, minutes, time.time())
    if as_json:
        click.echo(json.dumps({"round": state.id, "file": str(folder / iv.COPY),
                               "minutes": minutes, "seconds_left": minutes * 60,
                               "brief": lab.interview.brief}, indent=2))
        return
    console.rule(Text(f"interview round {state.id}: {minutes} minutes, the clock is running",
                      style="bold"))
    console.print(render.labelled("interviewer:", Text(inert(lab.interview.brief, 2000, 5))))
    _say(f"\nyour copy of the team's code: {folder / iv.COPY}\n"
         f"  mllab interview run        run the team's script (free)\n"
         f"  mllab interview submit     grade your copy (free; the last graded one counts)\n"
         f"  mllab interview hint       the next hint (-{iv.RUBRIC.hint} points)\n"
         f"  mllab interview diagnose   what we notice in a traced run "
         f"(-{iv.RUBRIC.diagnosis} points)\n"
         f"  mllab interview status     time left\n"
         f"  mllab interview finish     the root-cause question, then your score")
    r = iv.RUBRIC
    _say(f"score: a passing fix {r.fix}, the right root cause {r.cause}, an explanation of 2-4 "
         f"sentences {r.explanation}, time bonus up to {r.time} (max {r.max_score})", style="dim")


@interview.command("status")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def interview_status(workspace, as_json):
    """Time left, the file to edit, and what the round has used."""
    from mllab.learner.interview import COPY, RUBRIC, clock

    folder, state, lab = _round(workspace)
    now, last = time.time(), state.final_submission()
    info = {"round": state.id, "file": str(folder / COPY), "phase": state.phase(now),
            "seconds_left": round(state.seconds_left(now)), "minutes": state.minutes,
            "submissions": len(state.submissions), "last_verdict": last.verdict if last else None,
            "hints": state.used("hint"), "hints_left": len(lab.hints) - state.used("hint"),
            "hint_cost": RUBRIC.hint, "diagnoses": state.used("diagnose"),
            "diagnosis_cost": RUBRIC.diagnosis}
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    _say(f"round {state.id}: {clock(info['seconds_left'])} left of {state.minutes:g} minutes "
         f"({info['phase']})\nfile: {info['file']}\n"
         f"submissions: {info['submissions']} (last: {info['last_verdict'] or '-'}) · "
         f"hints: {info['hints']} (-{RUBRIC.hint} each, {info['hints_left']} left) · "
         f"diagnoses: {info['diagnoses']} (-{RUBRIC.diagnosis} each)")


@interview.command("run")
@workspace_option
@device_option
@click.option("--seed", type=int, default=0, show_default=True)
def interview_run(workspace, device, seed):
    """Run the team's script on your copy, as `mllab run` does (free)."""
    from mllab.learner.interview import COPY

    folder, state, lab = _round(workspace, working=True)
    path = folder / COPY
    _require_compiles(path)
    code = _run_script(path, _device(device), seed)
    _note(folder, "run", f"exit {code}")
    sys.exit(code)


@interview.command("diagnose")
@workspace_option
@device_option
@yes_option
def interview_diagnose(workspace, device, yes):
    """What we notice in one traced run of your copy (costs points)."""
    from mllab.graders.observe import ObserveError
    from mllab.learner.interview import COPY, RUBRIC

    folder, state, lab = _round(workspace, working=True)
    path = folder / COPY
    _require_compiles(path)
    _pay("a diagnosis", RUBRIC.diagnosis, state.used("diagnose"), yes)
    try:
        record = _diagnosis(lab, path, _device(device))
    except ObserveError as exc:  # not charged: nothing was noticed
        _fail(f"your code did not run to the end, so there is nothing to diagnose: {exc}")
    _note(folder, "diagnose")
    _show_record(lab, path, None, record, png=folder / "curves.png")


@interview.command("hint")
@workspace_option
@yes_option
@click.option("--all", "show_all", is_flag=True, help="List again the hints already taken (free).")
def interview_hint(workspace, yes, show_all):
    """The next hint (costs points; the price is shown first)."""
    from mllab.learner.interview import RUBRIC

    folder, state, lab = _round(workspace, working=not show_all)
    taken, total = state.used("hint"), len(lab.hints)
    if show_all or taken >= total:
        for number in range(1, taken + 1):
            console.print(render.hint(number, total, lab.hints[number - 1]))
        if not taken or taken >= total:
            _say("no hints taken yet" if not taken else f"that was every hint ({total})")
        return
    _pay("a hint", RUBRIC.hint, taken, yes)
    number = _note(folder, "hint").used("hint")
    console.print(render.hint(number, total, lab.hints[min(number, total) - 1]))


@interview.command("submit")
@workspace_option
@device_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", is_flag=True, help="No progress while grading, only the report.")
def interview_submit(workspace, device, as_json, quiet):
    """Grade your copy as `mllab submit` does (free)."""
    from mllab.learner.interview import COPY, submission_of

    folder, state, lab = _round(workspace, working=True, quiet=as_json)
    started = time.time()
    report = _graded(lab, folder / COPY, device, quiet=as_json or quiet)
    kept = submission_of(report, started)
    _note(folder, "submit", report.verdict, submissions=lambda r: r.submissions + (kept,))
    shown = _unnamed(report, state)
    if as_json:
        click.echo(json.dumps(shown.to_dict(), indent=2))
    else:
        render.report(console, shown)
        if report.verdict == "pass":
            _say("passed: `mllab interview finish` ends the round with the root-cause question")
    sys.exit(report.exit_code)


def _show_causes(options: list[str], picked: int | None = None, real: int | None = None):
    """The numbered cause list; once the round is over, the learner's pick and the real one."""
    for number, text in enumerate(options, start=1):
        marks = [m for m, on in (("your answer", number == picked), ("the real cause",
                                                                      number == real)) if on]
        shown = inert(text, 1000, 3) + (f"  <- {', '.join(marks)}" if marks else "")
        console.print(render.labelled(f"{number:>3}.", Text(shown), "bold"))


@interview.command("causes")
@workspace_option
def interview_causes(workspace):
    """The root-cause list (after a pass, or once the fix has ended).

    After the round, it marks your answer and the real cause."""
    from mllab.learner import interview as iv

    ws = _workspace(workspace)
    found = iv.open_round(ws.root) or next(reversed(iv.rounds(ws.root)), None)
    if found is None:
        _fail("no interview round yet; `mllab interview start` begins one")
    folder, state = found
    last = state.final_submission()
    if state.fix_closed_at is None and not (last and last.verdict == "pass"):
        _fail("the cause list opens once a submission passes (`mllab interview submit`) or the "
              "work on the fix ends (`mllab interview finish`, or `--give-up`)")
    lab = iv.lab_of(state, labs.all_labs())
    options, real = iv.cause_list(state, lab, labs.all_labs())
    done = state.finished_at is not None
    _show_causes(options, state.cause if done else None, real if done else None)


def _explanation(file: str | None) -> str:
    if file is None:
        return ""
    try:
        return sys.stdin.read() if file == "-" else Path(file).read_text()
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read the explanation from {file}: {getattr(exc, 'strerror', exc)}")


def _close_fix(folder: Path, state, lab, device: str, give_up: bool, quiet: bool):
    """End the work on the fix: graded now when nothing was (a file changed after the clock
    ran out counts as late), or given up. The new state."""
    from dataclasses import replace

    from mllab.learner.interview import COPY, submission_of, update

    now = time.time()
    if give_up or state.final_submission() is not None:
        return update(folder, lambda r: replace(r, gave_up=give_up, fix_closed_at=now))
    path, late = folder / COPY, False
    with contextlib.suppress(OSError):  # a missing copy is graded as missing, not late
        late = now >= state.deadline and path.stat().st_mtime >= state.deadline
    if not quiet:
        _say("no graded submission yet: grading your copy now")
    report = _graded(lab, path, device, quiet=quiet)
    if not quiet:
        render.report(console, _unnamed(report, state))
    kept = submission_of(report, now, late=late)
    return _note(folder, "submit", report.verdict, fix_closed_at=lambda r: now,
                 submissions=lambda r: r.submissions + (kept,))


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
    from mllab.learner import interview as iv

    folder, state, lab = _round(workspace)
    everything = labs.all_labs()
    options, _ = iv.cause_list(state, lab, everything)
    if cause is not None and cause > len(options):
        _fail(f"--cause must be a number from 1 to {len(options)}")
    explanation = _explanation(explanation_file)
    if state.fix_closed_at is None:
        state = _close_fix(folder, state, lab, device, give_up, quiet=as_json)
    if cause is None and not give_up:
        if as_json:
            click.echo(json.dumps({"phase": "answering", "causes": options}, indent=2))
            return
        if not sys.stdin.isatty():
            _show_causes(options)
            _say("answer with `mllab interview finish --cause N --explanation-file PATH`")
            return
        _show_causes(options)
        cause = click.prompt("the root cause (its number)", type=click.IntRange(1, len(options)))
        _say("explain it in two to four sentences (an empty line ends):")
        explanation = "\n".join(iter(lambda: click.prompt("", default="", show_default=False,
                                                           prompt_suffix="> "), ""))
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
        _say(f"  - {question}")
    render.debrief(console, lab)


if __name__ == "__main__":
    main()
