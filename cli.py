"""The ``mllab`` command line: the learner's loop (list, show, start, run, hint, submit,
reset) and the instructor's (validate, new, grade-class).

Each command parses its arguments, calls one library function and renders the
result; the work lives in ``labs``, ``graders`` and ``workspace``.
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
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import click
from rich.console import Console

from mllab import labs, render
from mllab.workspace import Workspace, WorkspaceError, locate

console = Console()


class LabId(click.ParamType):
    """A lab id, completed from the registry and checked against it."""

    name = "lab"

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(i) for i in labs.ids() if i.startswith(incomplete)]

    def convert(self, value, param, ctx):
        from mllab.scaffold import placeholders

        try:
            lab = labs.get(value)
        except labs.LabError as exc:
            self.fail(str(exc), param, ctx)
        left = placeholders(lab) if ctx is None or ctx.command.name != "validate" else []
        if left:  # skeleton text never reaches a learner
            self.fail(f"{lab.id} is still being written ({len(left)} placeholder(s) left, e.g. "
                      f"{left[0]}); `mllab validate {lab.id}` lists them", param, ctx)
        return lab


LAB = LabId()
workspace_option = click.option(
    "--workspace", type=click.Path(file_okay=False), default=None,
    help="Workspace folder (default: $MLLAB_WORKSPACE, else ./mllab-work).")
device_option = click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]),
                             default="auto", show_default=True, help="Where to train.")


def _workspace(path: str | None) -> Workspace:
    return Workspace(locate(path))


def _learner_file(ws: Workspace, lab, file: str | None) -> Path:
    """``--file`` if given, else the learner's copy in the workspace (or a clear error)."""
    try:
        return Path(file).resolve() if file else ws.require_copy(lab)
    except WorkspaceError as exc:
        _fail(str(exc))


def _status(message: str, quiet: bool):
    """A live status line for people; a silent stand-in when printing JSON."""
    if quiet:
        return contextlib.nullcontext(SimpleNamespace(update=lambda message: None))
    return console.status(message)


def _fail(message: str, code: int = 2):
    console.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True)  # copyable
    sys.exit(code)


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except labs.LabError as exc:  # a malformed lab folder: the course's fault, not yours
            _fail(str(exc), code=3)


@click.group(cls=_Group)
@click.version_option(package_name="mllab")
def main():
    """Hands-on ML debugging labs: run a broken training setup, fix it, get it graded."""


@main.command("list")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def list_labs(workspace, as_json):
    """List the labs and your progress on each."""
    from mllab.scaffold import placeholders

    ws = _workspace(workspace)
    ready = tuple(lab for lab in labs.all_labs() if not placeholders(lab))  # no drafts
    statuses = {lab.id: ws.status(lab.id) for lab in ready}
    if as_json:
        click.echo(json.dumps([{"id": lab.id, "title": lab.title, "difficulty": lab.difficulty,
                                "topics": list(lab.topics), "status": statuses[lab.id]}
                               for lab in ready], indent=2))
        return
    console.print(render.lab_table(ready, statuses))


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
    try:
        copy, backup = _workspace(workspace).start(lab, force=force)
    except WorkspaceError as exc:
        _fail(str(exc))
    if backup:
        console.print(f"your previous edits are saved in {backup}", highlight=False)
    console.print(f"[green]ready:[/] {copy}\n\nnext steps:\n"
                  f"  mllab show {lab.id}      read the scenario\n"
                  f"  mllab run {lab.id}       watch the symptom\n"
                  f"  (edit {copy.name})\n"
                  f"  mllab submit {lab.id}    get it graded", highlight=False)


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
@click.option("--file", "file", type=click.Path(dir_okay=False), default=None,
              help="Run this file instead of your workspace copy.")
@device_option
@click.option("--seed", type=int, default=0, show_default=True)
def run(lab, workspace, file, device, seed):
    """Run your copy the way the team would, so the symptom shows."""
    from mllab.graders.engine import CHILD_SCRIPT

    path = _learner_file(_workspace(workspace), lab, file)
    resolved = device
    if device == "auto":
        resolved = "cuda" if _cuda_available() else "cpu"
    console.print(f"[dim]running {path} on {resolved}, seed {seed}[/]", highlight=False)
    code = subprocess.call([sys.executable, str(CHILD_SCRIPT), "run", str(path),
                            "--device", resolved, "--seed", str(seed)], cwd=path.parent)
    sys.exit(code)


def _cuda_available() -> bool:
    probe = "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"
    return subprocess.call([sys.executable, "-c", probe], stderr=subprocess.DEVNULL) == 0


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
def hint(lab, workspace):
    """Show the next hint (each call reveals one more)."""
    number, text = _workspace(workspace).next_hint(lab)
    console.print(f"[bold]hint {number}/{len(lab.hints)}:[/] {text}", highlight=False)


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
@click.option("--file", "file", type=click.Path(dir_okay=False), default=None,
              help="Grade this file instead of your workspace copy.")
@device_option
@click.option("--timeout", type=float, default=None, help="Seconds per seed (default: the lab's).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def submit(lab, workspace, file, device, timeout, as_json):
    """Grade your fix. Exit 0 pass, 1 fail, 2 problem with your code, 3 grader fault."""
    from mllab.graders import Options, grade

    ws = _workspace(workspace)
    path = _learner_file(ws, lab, file)
    with _status(f"grading {path.name}", quiet=as_json) as status:
        result = grade(lab, path, Options(device=device, timeout_s=timeout),
                       progress=status.update)
    ws.record(lab.id, path, result.verdict, result.reason, result.seconds)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        render.report(console, result)
        if result.verdict == "pass":
            render.debrief(console, lab)
    sys.exit(result.exit_code)


@main.command()
@click.argument("lab", type=LAB)
@workspace_option
def reset(lab, workspace):
    """Restore the broken copy; your edits are backed up first."""
    copy, backup = _workspace(workspace).reset(lab)
    if backup:
        console.print(f"your edits are saved in {backup}", highlight=False)
    console.print(f"restored {copy}", highlight=False)


@main.command()
@click.argument("lab_ids", nargs=-1, type=LAB)
@click.option("--seeds", type=int, default=None,
              help="Grade on N random (training, evaluation) seed pairs instead of the lab's "
                   "own seeds (e.g. 20 to calibrate).")
@click.option("--draw", type=int, default=None,
              help="Repeat an earlier --seeds run: the draw number it printed.")
@device_option
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def validate(lab_ids, seeds, draw, device, as_json):
    """For instructors: broken files fail and reference fixes pass, on every seed."""
    from dataclasses import asdict

    from mllab.graders.validate import draw_seed_pairs, margins
    from mllab.graders.validate import validate as validate_lab

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
    if as_json:
        click.echo(json.dumps({"draw": draw, "seed_pairs": pairs, "rows": [asdict(r) for r in rows],
                               "margins": [asdict(m) for m in found]}, indent=2))
    else:
        console.print(render.validation_table(rows))
        console.print(render.margin_table(found))
        console.print("\n[dim]measured distributions, for each lab.toml:[/]")
        console.print(render.calibration_toml(rows), highlight=False, markup=False)
    sys.exit(0 if all(row.ok for row in rows) else 1)


@main.command()
@click.argument("lab_id")
@click.option("--course", type=click.Path(file_okay=False), default=".", show_default=True,
              help="Course folder to write into (it holds labs/ and broken_models/).")
def new(lab_id, course):
    """For instructors: write the skeleton of a new lab."""
    from mllab.scaffold import ScaffoldError, new_lab

    try:
        written = new_lab(Path(course).resolve(), lab_id)
    except ScaffoldError as exc:
        _fail(str(exc))
    console.print("\n".join(f"wrote {path}" for path in written), highlight=False)
    console.print(f"\nThe skeleton already trains, fails for a planted reason (the broken file "
                  f"reads 3 of 10 columns) and passes with its fix. Next: `mllab validate "
                  f"{lab_id}` lists what is left (every FILL IN, a second fix, the calibration); "
                  f"replace the planted bug with yours (see docs/authoring.md). This course is "
                  f"remembered: every mllab command finds {lab_id}, wherever it runs.",
                  highlight=False)


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
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Submissions graded at once (default: one per usable core, as memory allows).")
@click.option("--force", is_flag=True, help="Grade again students already graded in --out.")
@click.option("--backend", type=click.Choice(["local", "ray"]), default="local",
              show_default=True, help="Where gradings run: processes on this machine, or Ray tasks "
                   "(pip install 'mllab[ray]').")
@click.option("--address", default=None,
              help="With --backend ray: the cluster's address (default: a local Ray instance).")
@click.option("--secret", envvar="MLLAB_SECRET", default=None,
              help="Grade 'verified': data and seeds derived from this secret "
                   "(default: $MLLAB_SECRET; without one, grading is 'local').")
@device_option
@click.option("--timeout", type=float, default=None, help="Seconds per seed (default: the lab's).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary and every report as JSON.")
def grade_class(lab, folder, out, jobs, force, backend, address, secret, device, timeout,
                as_json):
    """For instructors: grade FOLDER/<student>.py (or FOLDER/<student>/LAB.py) for LAB.

    Writes OUT/gradebook.csv and OUT/<student>/results.json (Gradescope's format) as each
    result comes in; a rerun keeps the results already there. Exit 0 once everyone is graded,
    whatever the verdicts; 3 when mllab could not grade someone (rerun to regrade them).
    """
    from dataclasses import asdict

    from mllab.graders import Options
    from mllab.graders.batch import GRADEBOOK, RESULTS, default_jobs, plan_class
    from mllab.graders.batch import grade_class as grade_all
    from mllab.graders.gradebook import score, summarize
    from mllab.graders.ray_backend import RayUnavailable

    folder = Path(folder).resolve()
    out_dir = Path(out) if out else folder.parent / f"{folder.name}-{lab.id}-grades"
    options = Options(device=device, secret=secret, timeout_s=timeout)
    try:
        plan = plan_class(lab, folder, out_dir, options, force=force)
        if not plan.entries:
            _fail(f"no submissions in {folder}: expected <student>.py or <student>/{lab.id}.py")
        if plan.kept and not as_json:
            console.print(f"{len(plan.kept)} student(s) already graded in {plan.out} keep their "
                          "result (--force grades them again)", markup=False, highlight=False,
                          soft_wrap=True)
        with _class_progress(len(plan.todo), quiet=as_json) as advance:
            reports = grade_all(plan, jobs or default_jobs(lab), on_result=advance,
                                backend=backend, address=address)
    except OSError as exc:
        _fail(f"{exc.filename or out_dir}: {exc.strerror or exc}")
    except RayUnavailable as exc:
        _fail(str(exc))
    summary = summarize(lab, reports)
    if as_json:
        click.echo(json.dumps({
            "gradebook": str(plan.out / GRADEBOOK), "summary": asdict(summary),
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


if __name__ == "__main__":
    main()
