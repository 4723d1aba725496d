"""``mllab grade-class``: a class's submissions graded for one lab, with progress as each
result comes in, the gradebook written, and a summary (or JSON) at the end."""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import click

from mllab.ui import render
from mllab.ui.terminal import console, fail


@dataclass(frozen=True)
class ClassOptions:
    """How ``grade-class`` grades a class: its options, as the verb received them (the
    defaults are the verb's)."""

    out: str | None = None  # None = FOLDER-LAB-grades beside FOLDER
    jobs: int | None = None  # None = ``engine.parallel_runs``
    force: bool = False  # grade again students already graded in ``out``
    backend: str = "local"  # local | ray
    address: str | None = None  # the Ray cluster's (None = a local Ray instance)
    secret: str | None = None  # set for verified grading
    secret_file: str | None = None  # where the secret was read from: hidden from the runs
    allow_weak_isolation: bool = False
    device: str = "auto"
    timeout: float | None = None  # seconds per sandboxed run; None = the lab's
    partial_credit: str | None = None  # None = the lab's policy
    grade_unchanged: bool = False  # grade the starter handed in unchanged like any file
    as_json: bool = False


def grade_class(lab, folder: str, options: ClassOptions = ClassOptions()) -> int:
    """Grade FOLDER's submissions for ``lab`` as ``options`` say; the exit code: 3 when
    someone could not be graded (a rerun regrades them), else 0."""
    from mllab.graders import Options, parallel_runs, sandbox
    from mllab.graders.batch import (CLASS_SEED, GRADEBOOK, RESULTS, ClassFolderError,
                                     plan_class)
    from mllab.graders.batch import grade_class as grade_all
    from mllab.graders.gradebook import score, summarize
    from mllab.graders.report import counted
    from mllab.graders.ray_backend import RayUnavailable

    missing = sandbox.weaknesses(sandbox.available_isolation()[0])
    if options.secret and missing and not options.allow_weak_isolation:
        fail(f"verified grading needs a sandbox no submission can get out of: install "
             f"bubblewrap (`apt-get install bubblewrap`; as a normal user, user namespaces must "
             f"be allowed) or pass --allow-weak-isolation to grade anyway (every report then "
             f"says verified: false). Missing: {'; '.join(missing)}")
    if options.partial_credit:
        lab = replace(lab, partial_credit=options.partial_credit)
    folder = Path(folder).resolve()
    out_dir = Path(options.out) if options.out else \
        folder.parent / f"{folder.name}-{lab.id}-grades"
    grading = Options(device=options.device, secret=options.secret, timeout_s=options.timeout,
                      allow_weak_isolation=options.allow_weak_isolation,
                      hidden=(str(Path(options.secret_file).resolve()),)
                      if options.secret_file else ())
    try:
        plan = plan_class(lab, folder, out_dir, grading, force=options.force,
                          grade_unchanged=options.grade_unchanged)
        if not plan.entries:
            fail(f"no submissions in {folder}: expected <student>.py or <student>/{lab.id}.py")
        if plan.class_seed is not None and not options.as_json:
            console.print(f"class seed {plan.class_seed} ({plan.out / CLASS_SEED}): every "
                          "student is graded on the same data", markup=False, highlight=False,
                          soft_wrap=True, style="dim")
        if plan.kept and not options.as_json:
            console.print(f"{counted(len(plan.kept), 'student')} already graded in {plan.out} keep their "
                          "result (--force grades them again)", markup=False, highlight=False,
                          soft_wrap=True)
        with _class_progress(len(plan.todo), quiet=options.as_json) as advance:
            reports = grade_all(plan, options.jobs or parallel_runs(lab), on_result=advance,
                                backend=options.backend, address=options.address)
    except KeyboardInterrupt:
        graded = sum(r.verdict != "internal-error" for r in plan.reports.values())
        fail(f"interrupted (Ctrl-C): {graded} of {len(plan.entries)} results are kept in "
             f"{plan.out}; run the same command again to grade the other "
             f"{len(plan.entries) - graded}")
    except OSError as exc:
        fail(f"{exc.filename or out_dir}: {exc.strerror or exc}")
    except (RayUnavailable, ClassFolderError) as exc:
        fail(str(exc))
    summary = summarize(lab, reports)
    if options.as_json:
        click.echo(json.dumps({
            "gradebook": str(plan.out / GRADEBOOK), "class_seed": plan.class_seed,
            "summary": asdict(summary),
            "students": {who: {"score": score(lab, r), "max_score": lab.points,
                               "report": r.to_dict()} for who, r in reports.items()}},
            indent=2))
    else:
        console.print(render.class_table(lab, reports, console.width))
        render.class_summary(console, lab, summary)
        console.print(f"gradebook: {plan.out / GRADEBOOK}; per student: "
                      f"{plan.out}/<student>/{RESULTS}", markup=False, highlight=False,
                      soft_wrap=True)
    return 3 if summary.regrade else 0


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


def read_secret(given: str | None, on_command_line: bool, file: str | None,
                ask: bool) -> str | None:
    """The secret from --secret-file, --ask-secret or --secret (else $MLLAB_SECRET); two of
    them on one command line are a usage error."""
    if on_command_line + (file is not None) + ask > 1:
        fail("give the secret one way only: --secret, --secret-file or --ask-secret")
    if file is not None:
        try:
            lines = Path(file).read_text().splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"cannot read the secret from {file}: {exc}")
        given = lines[0] if lines else ""
    elif ask:
        given = click.prompt("secret", hide_input=True, err=True)
    if given is not None and not given.strip():
        fail("the secret is empty")
    return given
