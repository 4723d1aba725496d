"""``grade(lab, file) -> Report``: the grading pipeline for one submission.

For each seed: the lab builds fresh data (``make_split``, in this process); each of
the seed's *stages* runs in a fresh sandboxed process (``child.py`` calls the lab's
``harness.py`` with the learner's module and the inputs this process chose); this
process keeps only the arrays each stage was declared to return, and scores them
against labels no stage ever saw (``measure``). Seeds stop early once the verdict
is clear; one left-tail seed is tolerated by default.

The trust boundary: everything in a stage's process (the learner's code *and* the
lab's harness beside it) is assumed hostile. Only the arrays it returned from the
inputs chosen here are evidence; every metric and invariant is computed here.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import math
import os
import pickle
import re
import secrets
import shutil
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from mllab.graders import sandbox
from mllab.graders.outputs import (InvalidOutput, Outputs, read_outputs, read_regular_file,
                                   read_status)
from mllab.graders.report import (ERROR_KINDS, PROBLEMS, UNSCORED, VERDICTS, CheckResult,
                                  Report, SeedRun, counted, metric_text, significant)
from mllab.labs import Lab

CHILD_SCRIPT = Path(__file__).resolve().parent / "child.py"
PROGRESS_NAME = "progress"  # where child.py writes the step and loss of its training
INTERNAL_HINT = "This is a fault in mllab, not in your code; please report it."


@dataclass(frozen=True)
class Carry:
    """An input that is an array an earlier stage of the same seed returned.

    ``change``, when given, runs here in the grading process and returns the value
    passed on instead: ``change(array, outputs)``, ``outputs`` being every array kept
    so far (e.g. a network's weights with one layer re-initialised by the grader).
    It raises ``InvalidOutput`` for arrays it cannot use.
    """

    output: str
    change: Callable[[Any, Outputs], Any] | None = None


@dataclass(frozen=True)
class Stage:
    """One fresh sandboxed process: ``harness.<entry>(submission, **inputs, device, seed)``.

    ``inputs`` are values the grading process chose (or ``Carry`` of an earlier stage's
    output); of what the harness returns, only the arrays named in ``outputs`` are kept
    (``None``: any name, for a lab with a single stage), under the names in ``keep_as``
    if given: two runs that must look alike to the submission (same entry, same output
    names) can still be told apart here. Stages share nothing else: no memory, no
    files, so one call cannot see or remember another. The grading process times each
    stage's process from outside (``outputs.seconds(name)`` in ``measure``).
    """

    name: str
    inputs: dict[str, Any]
    outputs: tuple[str, ...] | None = None
    entry: str = "harness"
    keep_as: tuple[str, ...] | None = None  # names the outputs are kept under (default: theirs)
    # a grader-chosen file run instead of the learner's, in the same sandbox and under the
    # same load (e.g. a reference to time the learner's runs against); its failure is the
    # grader's own
    submission: Path | None = None


@dataclass(frozen=True)
class Split:
    """One seed's data: ``train`` and ``eval`` go to the submission, ``truth`` never does.

    ``stages`` lists the fresh runs this seed needs; empty means one stage, ``harness(
    submission, train=..., eval=...)``. ``truth`` may hold anything ``measure`` needs
    (labels, which probe is which): it stays in the grading process.
    """

    truth: Any
    train: Any = None
    eval: Any = None
    stages: tuple[Stage, ...] = ()

    def plan(self) -> tuple[Stage, ...]:
        return self.stages or (Stage("main", {"train": self.train, "eval": self.eval}),)


@dataclass(frozen=True)
class Options:
    device: str = "auto"  # auto | cpu | cuda
    timeout_s: float | None = None  # per sandboxed run (a seed may take several); None = the lab's
    count: int | None = None  # seed pairs per grading; None = as many as lab.toml's ``seeds``
    # (training, evaluation) seeds, for a grading that must be repeatable (a replay with
    # `--seeds`, a class's seeds, calibration, tests): overrides ``count``. Left out, local
    # grading draws fresh pairs from the operating system's randomness every time.
    seed_pairs: tuple[tuple[int, int], ...] | None = None
    early_stop: bool = True
    secret: str | None = None  # set for "verified" grading: hidden training and test data
    # verified grading where the secret must not travel (a Ray worker): the (training,
    # evaluation, library) seeds the driver derived from it, one triple per seed
    seed_plan: tuple[tuple[int, int, int], ...] | None = None
    allow_weak_isolation: bool = False  # verified grading on a sandbox that misses items
    # set for every student of a class (``with_floor``): who runs the learner's code,
    # "unprivileged" or "grader", decided once with ``isolation``; a floor, never lowered
    run_as: str | None = None
    # what a run must not see besides the answer key, where it lies inside a folder runs
    # read (the course): a class's submissions and gradebook, the secret's file
    hidden: tuple[str, ...] = ()

    @property
    def verified(self) -> bool:
        """Graded on seeds derived from a secret (here or by the driver)."""
        return bool(self.secret or self.seed_plan)
    isolation: str | None = None  # None = the strongest available
    author: bool = False  # the lab's author grades: a grader fault names its file and line
    # seeds graded at once, each in a sandbox of its own (``parallel_runs``): the same runs
    # and report as one at a time, only sooner
    workers: int = 1


Progress = Callable[[str], None]


def grade(lab: Lab, file: Path, options: Options = Options(),
          progress: Progress = lambda message: None) -> Report:
    """Grade ``file`` for ``lab``; never raises (a grader fault is ``internal-error``)."""
    started = time.monotonic()
    sandbox.remove_stale_run_folders()
    isolation = options.isolation or sandbox.available_isolation()[0]
    below = options.run_as and sandbox.below_floor(isolation, options.run_as == "unprivileged")
    base = dict(lab=lab.id, file=str(file), mode="verified" if options.verified else "local",
                isolation=sandbox.describe(isolation),
                verified=options.verified and not sandbox.weaknesses(isolation))
    if below:  # never a silently weaker sandbox: not graded, not charged, regraded later
        return Report(verdict="internal-error", reason=f"grader fault: {below}",
                      hint=INTERNAL_HINT, seconds=round(time.monotonic() - started, 2), **base)
    try:
        pairs = _seed_pairs(lab, options)
        if not options.verified:  # what `--seeds` needs to repeat this grading exactly
            base["seed_pairs"] = tuple(pairs)
        problem = _precheck(file)
        if problem:
            return Report(verdict="error", reason=problem[0], hint=problem[1], seconds=0.0,
                          **base)
        runs = _run_seeds(lab, file, options, pairs, isolation, progress)
        return _summarize(lab, runs, base, time.monotonic() - started)
    except Exception as exc:  # noqa: BLE001 - the grader's own bugs end here, labelled as such
        where = _lab_frame(lab, exc) if options.author else None
        return Report(verdict="internal-error", reason=f"grader fault: {type(exc).__name__}: "
                      f"{exc}" + (f" ({where})" if where else ""), hint=INTERNAL_HINT,
                      seconds=time.monotonic() - started, **base)


def _lab_frame(lab: Lab, exc: BaseException) -> str | None:
    """"FILE, line N: CODE" of the innermost frame of ``exc`` in the lab's own code (its
    grading.py, say), for its author; None when the fault is not there."""
    import traceback

    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if Path(frame.filename).resolve().is_relative_to(lab.folder.resolve())]
    if not frames:
        return None
    frame = frames[-1]
    return f"{frame.filename}, line {frame.lineno}" + (f": {frame.line}" if frame.line else "")


def with_floor(options: Options) -> Options:
    """``options`` for every grading of a class: the isolation level and who runs the
    learner's code, decided here once, before the first student; a grading that cannot
    hold them is an ``internal-error``, never a weaker sandbox."""
    isolation = options.isolation or sandbox.available_isolation()[0]
    return replace(options, isolation=isolation,
                   run_as="unprivileged" if sandbox.unprivileged(isolation) else "grader")


def _precheck(file: Path) -> tuple[str, str] | None:
    """A (reason, hint) for a file that cannot even be compiled, else None."""
    try:
        source = file.read_bytes()
    except OSError as exc:
        return f"cannot read {file}: {exc.strerror}", "Run `mllab start LAB` to get a copy."
    try:
        compile(source, str(file), "exec", dont_inherit=True)
    except SyntaxError as exc:
        return (f"syntax-error: {file.name}:{exc.lineno}: {exc.msg}",
                "Fix the syntax error; `python -m py_compile FILE` shows it too.")
    except ValueError as exc:
        return f"syntax-error: {file.name}: {exc}", "Save the file as plain UTF-8 text."
    except (MemoryError, RecursionError):  # Python itself could not import it either
        return (f"syntax-error: {file.name}: nested too deeply for Python to compile",
                "Split the deeply nested expression into steps.")
    return None


def draw_seed_pairs(count: int,
                    draw: int | None = None) -> tuple[int, tuple[tuple[int, int], ...]]:
    """``count`` random (training, evaluation) seed pairs derived from ``draw``.

    A new ``draw`` is chosen from the operating system's randomness when none is given;
    the same ``draw`` gives the same pairs back. Each seed has 31 bits, so that a run can
    seed its libraries with its training seed (numpy's legacy seeding takes 32 bits).
    """
    draw = secrets.randbits(48) if draw is None else draw

    def derived(index: int, role: str) -> int:
        digest = hashlib.sha256(f"{draw}:{index}:{role}".encode()).digest()
        return int.from_bytes(digest[:4], "little") >> 1

    return draw, tuple((derived(i, "train"), derived(i, "eval")) for i in range(count))


def _seed_pairs(lab: Lab, options: Options) -> list[tuple[int, int]]:
    """(training seed, evaluation seed) per run: the pairs given, else fresh ones on every
    local grading (no one can rebuild the data beforehand), else derived from the secret."""
    if options.seed_pairs:
        return list(options.seed_pairs)
    if options.seed_plan:
        return [(train, evaluation) for train, evaluation, _ in options.seed_plan]
    count = options.count or len(lab.seeds)
    if options.secret is None:
        return list(draw_seed_pairs(count)[1])
    return [(_derived(options, lab, index, "train"), _derived(options, lab, index, "eval"))
            for index in range(count)]


def without_secret(lab: Lab, options: Options) -> Options:
    """``options`` for a grading elsewhere (a Ray worker) that must not hold the secret: the
    same seeds, derived here, and no secret. Grading with the result is grading with
    ``options``."""
    if not options.secret:
        return options
    plan = tuple((train, evaluation, _child_seed(lab, train, options))
                 for train, evaluation in _seed_pairs(lab, options))
    return replace(options, secret=None, seed_plan=plan)


def _derived(options: Options, lab: Lab, *parts, bits: int = 64) -> int:
    """A ``bits``-bit number from the secret; nothing short of the secret predicts it."""
    text = ":".join(str(p) for p in (options.secret, lab.id, *parts))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little") >> (64 - bits)


def _child_seed(lab: Lab, train_seed: int, options: Options) -> int:
    """The seed a run seeds its libraries with: the training seed when grading locally
    (a function of the pair, so a replay with the same pairs is the same grading; it says
    nothing of the evaluation seed); for verified grading an independent 32-bit draw that
    reveals nothing of the data seeds (32 bits: numpy's legacy seeding and scikit-learn
    accept no more)."""
    if options.seed_plan:
        return {train: child for train, _, child in options.seed_plan}[train_seed]
    return train_seed if options.secret is None else _derived(options, lab, train_seed,
                                                              "child", bits=32)


def parallel_runs(lab: Lab) -> int:
    """Runs of ``lab`` at once on this machine: one per usable core, fewer when memory
    would not hold what each run may hold: its memory budget, and its folder, /tmp and
    /dev/shm (tmpfs, in memory, counted in no process's size: the tiny lab's 600 MiB budget
    is 1,412 MiB with them)."""
    cores = len(os.sched_getaffinity(0))
    try:
        with open("/proc/meminfo") as fh:
            available_kb = next(int(line.split()[1]) for line in fh
                                if line.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError):
        return cores
    limits = lab_limits(lab, Options())
    per_run_mb = limits.memory_mb + 2 * limits.scratch_mb + (limits.disk_mb or 0)
    return max(1, min(cores, available_kb // 1024 // max(per_run_mb, 1)))


def _next_round(lab: Lab, options: Options, runs: list[SeedRun], left: int) -> int:
    """How many seeds to start at once: as many as must run before the verdict can be
    clear (with early stop: before ``tolerated_failures + 1`` fails or enough passes), at
    most ``options.workers``. So the runs, and the report, are those of seeds graded one
    at a time."""
    size = min(max(1, options.workers), left)
    if options.early_stop:
        fails = sum(r.verdict == "fail" for r in runs)
        total = len(runs) + left
        size = min(size, lab.tolerated_failures + 1 - fails,
                   total - lab.tolerated_failures - (len(runs) - fails))
    return max(1, size)


def _run_seeds(lab: Lab, file: Path, options: Options, pairs: list[tuple[int, int]],
               isolation: str, progress: Progress) -> list[SeedRun]:
    """Each seed's runs, in order, stopping as soon as the verdict is clear. Up to
    ``options.workers`` seeds run at once, each on a runner (a run server) of its own."""
    grading = lab.grading()
    runs: list[SeedRun] = []
    key = lab.targets[0] if lab.targets else None  # the metric each seed's line shows
    cancelled = threading.Event()
    todo = list(enumerate(pairs, start=1))
    workers = _next_round(lab, options, [], len(pairs))  # no later round starts more

    def one(index: int, pair: tuple[int, int], runner: sandbox.Runner) -> SeedRun:
        def shown(message: str) -> None:
            if cancelled.is_set():
                raise sandbox.Cancelled
            progress(f"seed {index}/{len(pairs)}: {message}")

        shown("training and predicting")
        run = _run_seed(lab, grading, file, *pair, options, runner, shown)
        if options.verified:  # the report names seed 1, 2, ...: a derived seed stays unknown
            run = replace(run, seed=index)
        measured = f", {key.label} {metric_text(run.metrics[key.metric])}" \
            if key and key.metric in run.metrics else ""
        shown(f"{run.verdict}{measured} ({run.seconds:.1f}s)")
        return run

    with ThreadPoolExecutor(max_workers=workers) as pool, contextlib.ExitStack() as stack:
        try:
            progress(f"starting {counted(workers, 'sandbox', 'sandboxes')}" +
                     (" (seeds run at once)" if workers > 1 else ""))
            runners = list(pool.map(stack.enter_context, [
                _runner(lab, file, options, isolation, cancelled) for _ in range(workers)]))
            while todo:
                size = _next_round(lab, options, runs, len(todo))
                started = [pool.submit(one, index, pair, runner)
                           for (index, pair), runner in zip(todo[:size], runners)]
                todo = todo[size:]
                for future in started:
                    run = future.result()
                    runs.append(run)
                    if run.verdict in UNSCORED:  # the runs after it are not part of the report
                        return runs
                fails = sum(r.verdict == "fail" for r in runs)
                if options.early_stop and (fails > lab.tolerated_failures or len(runs) - fails
                                           >= len(pairs) - lab.tolerated_failures):
                    break
        finally:
            cancelled.set()  # a seed still running (Ctrl-C, an unscored seed) ends at its next poll
    return runs


def _child_env(workdir: Path) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(workdir),
           "TMPDIR": str(workdir), "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
           "MPLBACKEND": "Agg"}
    # One CPU thread per run: lab-sized models gain little from more, and on a busy
    # machine (a class graded in parallel, CI) OpenMP/BLAS threads fighting over the
    # cores made runs 10-25x slower and verdicts flip to timeout.
    env.update(dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1"))
    for name in ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _run_seed(lab: Lab, grading, file: Path, train_seed: int, eval_seed: int,
              options: Options, runner: sandbox.Runner, progress: Progress) -> SeedRun:
    """Run every stage of one seed, each in a fresh sandbox; score what they returned.

    Only this process declares ``internal-error``, from its own evidence: when a run
    reports a fault of the harness, or its outputs break ``measure``, the lab's first
    reference fix goes through the same stages on the same data; if it comes out clean,
    the fault was the submission's doing.
    """
    split: Split = grading.make_split(train_seed, eval_seed)
    job = {"seed": _child_seed(lab, train_seed, options), "device": options.device,
           "harness": str(lab.harness_file), "required": list(lab.required)}
    outcome = _stages(file, split, job, runner, progress)
    common = dict(seed=train_seed, seconds=round(outcome.seconds, 2),
                  peak_memory_mb=outcome.peak_memory_mb, log=outcome.log)
    problem = outcome.problem
    if problem and problem[0] == "internal-error" and not outcome.grader_fault and \
            _reference_is_fine(lab, grading, split, job, options, runner):
        problem = ("error", "runtime-error", "the grading harness failed while running your "
                   f"code ({problem[2].splitlines()[0][:300]}); the lab's reference fix runs "
                   "cleanly on the same data",
                   "Leave the modules, builtins and files the grader uses alone, and return "
                   "from your functions.")
    if problem:
        verdict, detail, reason, hint = problem
        return SeedRun(verdict=verdict, metrics={}, detail=detail, reason=reason, hint=hint,
                       **common)
    try:
        metrics = _measured(grading, outcome, split.truth)
    except InvalidOutput as exc:
        return SeedRun(verdict="invalid-output", metrics={}, reason=exc.message, hint=exc.hint,
                       **common)
    except Exception as exc:  # noqa: BLE001 - whose fault: the reference fix decides
        if not _reference_is_fine(lab, grading, split, job, options, runner):
            raise
        reason = f"your outputs could not be scored: {type(exc).__name__}: {exc}"
        return SeedRun(verdict="invalid-output", metrics={}, reason=reason.splitlines()[0][:300],
                       hint="Return numbers of a sensible size (probabilities, labels, or values "
                            "in the data's units).", **common)
    passed = all(t.passes(metrics[t.metric]) for t in lab.targets)
    return SeedRun(verdict="pass" if passed else "fail", metrics=metrics,
                   device=outcome.device, **common)


def lab_limits(lab: Lab, options: Options) -> sandbox.Limits:
    """The budget of each of the lab's sandboxed runs."""
    # a run's own folder (tmpfs, counted in no process's memory) holds half its memory budget
    return sandbox.Limits(timeout_s=options.timeout_s or lab.timeout_s, memory_mb=lab.memory_mb,
                          disk_mb=min(1024, lab.memory_mb // 2))


@dataclass
class _Outcome:
    """What a seed's stages left: the kept outputs, or the problem that stopped them."""

    kept: dict[str, bytes]
    problem: tuple[str, str, str, str] | None = None
    grader_fault: bool = False  # the problem came from a run of a grader-chosen file
    stage_seconds: dict[str, float] = field(default_factory=dict)  # timed from outside
    seconds: float = 0.0
    peak_memory_mb: float = 0.0
    log: str = ""
    device: str = ""


def _runner(lab: Lab, file: Path, options: Options, isolation: str,
            cancelled: threading.Event | None = None) -> sandbox.Runner:
    """Where the runs of ``file`` happen: ``child.py`` in the sandbox, seeing the Python
    environment, mllab and the lab's course, minus the answer key. A run server imports
    what ``file`` and the lab's harness import (of the lab stack) before the first run."""
    readable = (Path(sys.prefix), Path(sys.base_prefix), CHILD_SCRIPT.parents[1],
                lab.folder.parent.parent)
    limits = lab_limits(lab, options)
    serving = [str(limits.scratch_mb), ",".join(_imports(file) | _imports(lab.harness_file))]

    def command(verb: str, path: str) -> list[str]:
        return [sys.executable, "-I", str(CHILD_SCRIPT), verb, path,
                *(serving if verb == "serve" else ())]

    hidden = _answer_key(lab, file) + tuple(
        Path(path) for path in options.hidden
        if any(Path(path).resolve().is_relative_to(root.resolve()) for root in readable)
        and os.path.lexists(path))
    return sandbox.Runner(lab.id, command, lambda workdir: _child_env(Path(workdir)), limits,
                          isolation, readable, hidden=hidden, cancelled=cancelled)


def _imports(file: Path) -> set[str]:
    """The absolute module names ``file`` imports (empty if it cannot be parsed)."""
    try:
        tree = ast.parse(file.read_bytes())
    except (OSError, SyntaxError, ValueError, MemoryError, RecursionError):
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return {name for name in names if all(part.isidentifier() for part in name.split("."))}


def _stages(file: Path, split: Split, job: dict, runner: sandbox.Runner,
            progress: Progress = lambda message: None) -> _Outcome:
    """Run ``split``'s stages in turn, each in a fresh sandbox, until one cannot be scored."""
    stages = split.plan()
    outcome = _Outcome(kept={})  # output name -> .npy bytes, held in this process only
    for number, stage in enumerate(stages, start=1):
        if len(stages) > 1:
            progress(f"run {number}/{len(stages)}: {stage.name}")
        try:
            inputs = {key: _carried(outcome.kept, value) for key, value in stage.inputs.items()}
        except InvalidOutput as exc:  # what an earlier run returned cannot be carried on
            outcome.problem = ("invalid-output", "", exc.message, exc.hint)
            break
        shown = f"run {number}/{len(stages)}: {stage.name}" if len(stages) > 1 else "training"
        child, status, outcome.problem = _run_stage(runner, stage.submission or file, stage,
                                                    inputs, job, outcome.kept,
                                                    lambda step: progress(f"{shown}, {step}"))
        if stage.name in outcome.stage_seconds:
            raise ValueError(f"two stages are called '{stage.name}'")  # a lab author's slip
        outcome.stage_seconds[stage.name] = child.submission_seconds or child.seconds
        if outcome.problem and stage.submission:
            outcome.grader_fault = True
            outcome.problem = ("internal-error", "", f"the grader's own run '{stage.name}' "
                               f"failed: {outcome.problem[2]}"[:2000], INTERNAL_HINT)
        outcome.seconds += child.seconds
        outcome.peak_memory_mb = max(outcome.peak_memory_mb, child.peak_memory_mb)
        outcome.log = child.log
        if outcome.problem:
            break
        outcome.device = str(status.get("device", ""))[:20]
    return outcome


def _carried(kept: dict[str, bytes], value: Any) -> Any:
    """``value``, or for a ``Carry`` the array an earlier stage returned (parsed here)."""
    if not isinstance(value, Carry):
        return value
    array = Outputs(kept).raw_array(value.output)
    return value.change(array, Outputs(kept)) if value.change else array


def _keep_outputs(outdir: Path, names: tuple[str, ...] | None, kept: dict[str, bytes],
                  keep_as: tuple[str, ...] | None = None) -> None:
    """Read the stage's declared outputs into ``kept`` (bounded, no links, no pickle)."""
    found = read_outputs(outdir, names)
    names = tuple(found) if names is None else names
    for name, kept_as in zip(names, keep_as or names, strict=True):
        if kept_as in kept:
            raise ValueError(f"two stages return '{kept_as}'")  # a lab author's slip
        if name in found:  # else measure() names what is missing, in the learner's terms
            kept[kept_as] = found[name]


def _run_stage(runner: sandbox.Runner, file: Path, stage: Stage, inputs: dict, job: dict,
               kept: dict[str, bytes], progress: Progress = lambda message: None):
    """Run ``stage`` in a fresh sandboxed process and add its outputs to ``kept``.

    Returns (ChildRun, status, problem): ``problem`` is (verdict, detail, reason, hint)
    when the run could not be scored, else None.
    """
    with runner.folder() as workdir:
        shutil.copyfile(file, workdir / "submission.py")
        with open(workdir / "inputs.pkl", "wb") as fh:
            pickle.dump(inputs, fh)  # written here, read by the child: never the other way round
        (workdir / "job.json").write_text(json.dumps(
            {"entry": stage.entry, "shown_as": file.name, **job}))
        child = runner.run(workdir, _training_shown(workdir / PROGRESS_NAME, progress))
        status = read_status(workdir / "status.json")
        problem = _problem(child, status, runner.limits)
        if problem is None:
            try:
                _keep_outputs(workdir / "out", stage.outputs, kept, stage.keep_as)
            except InvalidOutput as exc:
                problem = ("invalid-output", "", exc.message, exc.hint)
        return child, status, problem


TRAINING_LINE = re.compile(rb"step ([0-9]{1,12}) loss (-?[0-9.e+-]{1,16}|nan|-?inf)\s*")


def _training_shown(path: Path, progress: Progress) -> Callable[[], None]:
    """A poll that shows the step and loss a run last wrote to ``path`` (learner-written:
    only two numbers matching a strict pattern are shown, nothing is kept), at most once a
    second, so that a log gets one line per second at most."""
    last = {"raw": b"", "at": -1.0}

    def poll() -> None:
        if time.monotonic() - last["at"] < 1:
            return
        try:
            raw = read_regular_file(path, 64)
        except InvalidOutput:
            return
        match = TRAINING_LINE.fullmatch(raw)
        try:  # the pattern lets through what float() refuses ("-", "1e", "..")
            shown = match and f"step {int(match[1])}, loss {metric_text(float(match[2]))}"
        except ValueError:
            return
        if shown and raw != last["raw"]:
            last.update(raw=raw, at=time.monotonic())
            progress(shown)
    return poll


def _measured(grading, outcome: _Outcome, truth) -> dict[str, float]:
    """The lab's metrics of the kept outputs (and the stages' times); ValueError if one is
    not finite."""
    metrics = grading.measure(Outputs(outcome.kept, outcome.stage_seconds), truth)
    if not all(math.isfinite(value) for value in metrics.values()):
        raise ValueError(f"a metric is not a finite number: {metrics}")
    return metrics


def _reference_is_fine(lab: Lab, grading, split: Split, job: dict, options: Options,
                       runner: sandbox.Runner) -> bool:
    """Whether the lab's first reference fix goes through the same stages on the same data
    and is scored cleanly: the grading process's own evidence that a failure it saw was the
    submission's doing."""
    fixes = lab.fixes()
    if not fixes:
        return False
    with _runner(lab, fixes[0], options, runner.isolation, runner.cancelled) as reference:
        outcome = _stages(fixes[0], split, job, reference)
    if outcome.problem:
        return False
    try:
        _measured(grading, outcome, split.truth)
    except Exception:  # noqa: BLE001 - any failure here is the grader's own
        return False
    return True


def _answer_key(lab: Lab, file: Path) -> tuple[Path, ...]:
    """What a run of ``file`` must not see in the folders it reads: the lab's grading code,
    reference fixes and non-fixes (fixes and non-fixes see each other: they import one
    another), the grader-chosen files its stages run (``reference/``: a run gets its own
    copy), every other lab, the data generators, git history. Of the lab only
    ``harness.py`` (and its texts) stays readable to a learner's file."""
    roots = {CHILD_SCRIPT.parents[1], lab.folder.parent.parent}
    key = [lab.folder / "fixes", lab.folder / "non_fixes"]
    hidden = [] if any(file.resolve().is_relative_to(k.resolve()) for k in key) else key
    hidden += [lab.folder / "grading.py", lab.folder / "reference"]
    hidden += [folder for root in roots for folder in sorted((root / "labs").glob("*/"))
               if (folder / "lab.toml").exists() and folder.resolve() != lab.folder.resolve()]
    hidden += [root / name for root in roots
               for name in (".git", "datasets", "instructor/skeleton")]
    return tuple(path for path in hidden if path.exists())


def _problem(child: sandbox.ChildRun, status: dict | None,
             limits: sandbox.Limits) -> tuple[str, str, str, str] | None:
    """(verdict, detail, reason, hint) when the run could not be scored, else None."""
    if not child.started and (status is None or child.stopped_for):
        return ("internal-error", "", f"the sandboxed run never reached your code (exit "
                f"{child.returncode}, {child.stopped_for or 'no status'}): {child.log[-300:]}",
                INTERNAL_HINT)
    if child.stopped_for == "timeout":
        return ("timeout", "", f"still running after {limits.timeout_s:g}s; stopped",
                "Look for an endless loop, or a training budget far above the original one.")
    if child.stopped_for == "memory":
        return ("memory-exceeded", "", f"used more than {limits.memory_mb} MiB of memory",
                "Train on batches, and avoid copying the data set or growing lists of tensors.")
    if child.stopped_for == "output":
        return ("output-limit", "", f"printed more than {limits.output_bytes} bytes",
                "Print a summary per epoch, not per step.")
    if child.stopped_for == "processes":
        return ("error", "too-many-tasks", f"started more than {limits.max_processes} "
                "processes", TASKS_HINT)
    capped = _capped(status)
    if capped:
        return capped
    if child.disk_full and (status is None or status["kind"] != "ok"):
        return ("error", "disk-full", f"filled its folder ({limits.disk_mb} MiB)", _CAPS[1][2])
    if status and status["kind"] == "internal-error":
        return ("internal-error", "", f"grader fault in the sandbox: {status.get('message')}"[:2000],
                INTERNAL_HINT)
    if status and status["kind"] != "ok":
        kind = status["kind"]
        verdict = "error" if kind in ERROR_KINDS else kind
        if verdict not in PROBLEMS:
            verdict, kind = "error", "runtime-error"
        return (verdict, kind if verdict == "error" else "", str(status.get("message", ""))[:2000],
                str(status.get("hint", ""))[:500])
    if child.signal_name:
        return ("crashed", child.signal_name, f"the process died from {child.signal_name}",
                "A crash in native code: check tensor shapes and dtypes, and os.abort/kill calls.")
    if status is None:
        return ("error", "no-output", f"the process exited (code {child.returncode}) without "
                "finishing: nothing was graded",
                "Do not call os._exit() or exit the interpreter; return from your functions.")
    return None


TASKS_HINT = "Do not start processes or threads in a loop; use num_workers=0 if unsure."
# what a run's own error says when it hit a budget the kernel holds (the run may fake one,
# but only to its own cost): the task cap (RLIMIT_NPROC: fork or a thread refused), and
# the disk (its size-limited /tmp, or the largest file it may write)
_CAPS = (("too-many-tasks", ("can't start new thread", "[Errno 11]"), TASKS_HINT),
         ("disk-full", ("[Errno 28]", "[Errno 27]", "[Errno 122]"),
          "Keep what you write small: data stays in memory, checkpoints need not be saved."))


def _capped(status: dict | None) -> tuple[str, str, str, str] | None:
    """The learner-side verdict naming the cap a run's error came from, if any."""
    if not status or status.get("kind") != "runtime-error":
        return None
    message = str(status.get("message", ""))
    for detail, signs, hint in _CAPS:
        if any(sign in message for sign in signs):
            return ("error", detail, message[:2000], hint)
    return None


def _summarize(lab: Lab, runs: list[SeedRun], base: dict, seconds: float) -> Report:
    problem = min((r for r in runs if r.verdict in UNSCORED),
                  key=lambda r: VERDICTS.index(r.verdict), default=None)
    if problem:
        reason = problem.reason.splitlines()[0] if problem.reason else problem.verdict
        if problem.detail:
            reason = f"{problem.detail}: {reason}"
        return Report(verdict=problem.verdict, reason=reason, hint=problem.hint,
                      seconds=round(seconds, 2), runs=tuple(runs), **base)
    checks = tuple(_check(target, runs, lab.tolerated_failures) for target in lab.targets)
    shown = {name: significant(float(statistics.median(r.metrics[name] for r in runs)))
             for name in lab.shown}
    failed_seeds = sum(r.verdict == "fail" for r in runs)
    failed = [c for c in checks if not c.passed]
    common = dict(checks=checks, shown=shown, runs=tuple(runs), seconds=round(seconds, 2), **base)
    if failed:
        first = failed[0]
        # the seeds' values beside their median: a median of counts (2 and 3 stands) is 2.5
        each = ", ".join(metric_text(v) for v in first.values)
        reason = (f"{first.label}: {metric_text(first.median)} (target {first.target}), "
                  + ("on its only seed" if len(runs) == 1 else
                     f"median of {len(runs)} seeds ({each})"))
        return Report(verdict="fail", reason=reason, hint=first.advice, **common)
    if failed_seeds > lab.tolerated_failures:
        worst_check = max(checks, key=lambda c: c.misses)
        reason = (f"{failed_seeds} of {len(runs)} seeds missed a target "
                  f"(at most {lab.tolerated_failures} may)")  # failed_seeds >= 2 here
        return Report(verdict="fail", reason=reason, hint=worst_check.advice, **common)
    met = "the 1 check" if len(checks) == 1 else f"all {len(checks)} checks"
    reason = f"{met} met on {len(runs) - failed_seeds} of {counted(len(runs), 'seed')}"
    return Report(verdict="pass", reason=reason, hint="", **common)


def _check(target, runs: list[SeedRun], tolerated: int) -> CheckResult:
    """Judged on the values measured; rounded (to significant digits) only for showing."""
    measured = [float(r.metrics[target.metric]) for r in runs]
    median = float(statistics.median(measured))
    misses = sum(not target.passes(v) for v in measured)
    return CheckResult(metric=target.metric, label=target.label, target=target.describe(),
                       values=tuple(map(significant, measured)), median=significant(median),
                       passed=target.passes(median) and misses <= tolerated, misses=misses,
                       shortfall=significant(target.shortfall(median)), advice=target.advice)
