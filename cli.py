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
        try:
            return labs.get(value)
        except labs.LabError as exc:
            self.fail(str(exc), param, ctx)


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
    ws = _workspace(workspace)
    statuses = {lab.id: ws.status(lab.id) for lab in labs.all_labs()}
    if as_json:
        click.echo(json.dumps([{"id": lab.id, "title": lab.title, "difficulty": lab.difficulty,
                                "topics": list(lab.topics), "status": statuses[lab.id]}
                               for lab in labs.all_labs()], indent=2))
        return
    console.print(render.lab_table(labs.all_labs(), statuses))


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
              help="Run seeds 0..N-1 instead of the lab's own (e.g. 20 to calibrate).")
@device_option
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def validate(lab_ids, seeds, device, as_json):
    """For instructors: broken files fail and reference fixes pass, on every seed."""
    from dataclasses import asdict

    from mllab.graders.validate import validate as validate_lab

    chosen = lab_ids or labs.all_labs()
    seed_list = tuple(range(seeds)) if seeds else None
    rows = []
    with _status("validating", quiet=as_json) as status:
        for lab in chosen:
            rows += validate_lab(lab, seed_list, device, progress=status.update)
    if as_json:
        click.echo(json.dumps([asdict(row) for row in rows], indent=2))
    else:
        console.print(render.validation_table(rows))
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
    console.print(f"\nnext: plant the bug, write fixes/ and non_fixes/, then "
                  f"`mllab validate {lab_id}` until it passes (see docs/authoring.md); a course "
                  f"outside mllab is found through ${labs.COURSES_VAR}.", highlight=False)


@main.command("grade-class")
@click.argument("lab", type=LAB)
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--secret", envvar="MLLAB_SECRET", default=None,
              help="Grade 'verified': data and seeds derived from this secret (default: "
                   "$MLLAB_SECRET). Other users see a command line: prefer --secret-file.")
@click.option("--secret-file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Read the secret from this file (its first line).")
@click.option("--ask-secret", is_flag=True, help="Type the secret at a hidden prompt.")
@click.option("--allow-weak-isolation", is_flag=True,
              help="Grade with a secret even without bubblewrap; reports say verified: false.")
@device_option
@click.option("--json", "as_json", is_flag=True, help="Print every report as JSON.")
def grade_class(lab, folder, secret, secret_file, ask_secret, allow_weak_isolation, device,
                as_json):
    """For instructors: grade FOLDER/<student>.py (or FOLDER/<student>/<lab>.py) for LAB."""
    from mllab.graders import Options, sandbox
    from mllab.graders.batch import class_submissions, grade_class as grade_all

    secret = _secret(secret, secret_file, ask_secret)
    isolation = sandbox.available_isolation()[0]
    missing = sandbox.weaknesses(isolation)
    if secret and missing and not allow_weak_isolation:
        _fail(f"verified grading needs a sandbox no submission can get out of; missing: "
              f"{'; '.join(missing)}. Install bubblewrap (`apt-get install bubblewrap`; as a "
              f"normal user, user namespaces must be allowed) or pass --allow-weak-isolation "
              f"to grade anyway (every report then says verified: false).")
    submissions = class_submissions(Path(folder), lab.id)
    if not submissions:
        _fail(f"no submissions in {folder}: expected <student>.py or <student>/{lab.id}.py")
    with _status("grading the class", quiet=as_json) as status:
        reports = grade_all(lab, submissions, Options(device=device, secret=secret),
                            progress=status.update)
    if as_json:
        click.echo(json.dumps({who: r.to_dict() for who, r in reports.items()}, indent=2))
        return
    console.print(render.class_table(lab, reports))
    if secret and missing:
        console.print(f"[yellow]not verified:[/] {'; '.join(missing)}", highlight=False)


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


if __name__ == "__main__":
    main()
