"""Grading a whole class: same lab and settings for everyone, results kept as they come.

``plan_class`` reads the class folder (``FOLDER/<student>.py`` or
``FOLDER/<student>/<lab>.py``), refusing hostile entries, and keeps results an earlier
run already wrote; ``grade_class`` grades the rest, ``jobs`` at a time, each student in a
grading process of its own, and writes ``OUT/<student>/results.json`` (Gradescope),
``OUT/<student>/report.json`` (mllab's report) and ``OUT/gradebook.csv`` the moment a
result is known, each file replaced atomically.

Without a secret, every student is graded on the same seed pairs, derived from one class
seed drawn the first time and kept in ``OUT/.class-seed`` (a hidden name: no student's
folder can take it): byte-identical files get identical metrics, and a rerun grades the
students left on the same data.

Why a process per student and not a thread: ``sandbox.run`` makes its process the
subreaper of its runs and counts every child of that process that it did not start
itself as an orphan of its run; two runs in one process would kill and reap each
other's processes. One grading per process also bounds what a grader fault can take
down: one student, marked for regrade.
"""

from __future__ import annotations

import ctypes
import hashlib
import hmac
import json
import os
import pickle
import re
import secrets
import signal
import stat
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import suppress
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from mllab.graders import gradebook
from mllab.graders.engine import INTERNAL_HINT, Options, draw_seed_pairs, grade, with_floor
from mllab.graders.report import Report
from mllab.labs import Lab, load

MAX_SUBMISSION_BYTES = 2**20
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
GRADEBOOK = "gradebook.csv"
RESULTS = "results.json"  # Gradescope's format
REPORT = "report.json"  # mllab's report, with what was graded and how
CLASS_SEED = ".class-seed"  # the class seed, when grading without a secret
REFUSED_HINT = ("Submit one regular file of your own: FOLDER/<student>.py or "
                "FOLDER/<student>/{lab}.py (no links, no special files).")


@dataclass(frozen=True)
class Entry:
    """One student's submission as found: the bytes to grade, or why it is refused."""

    student: str
    found: str  # where, relative to the class folder (for people)
    source: bytes = b""
    refused: str = ""  # one line, when the entry is not graded

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source).hexdigest()


# ------------------------------------------------------------------ the class folder


def class_entries(folder: Path, lab_id: str, skip: Path | None = None) -> list[Entry]:
    """Every student's entry in ``folder``, by name; hidden names and ``skip`` are ignored.

    Entries are never followed: a symbolic link, a file with other hard links (it may be
    a classmate's file or one outside the folder), a special file, or a student with two
    submissions is refused, so no two students can share a file and nothing outside the
    folder is read. The bytes are read once, here; grading uses this copy.
    """
    found: dict[str, list[Entry]] = {}
    skipped = os.stat(skip) if skip and skip.exists() else None
    for item in sorted(os.scandir(folder), key=lambda item: item.name):
        if item.name.startswith("."):
            continue
        info = item.stat(follow_symlinks=False)
        if skipped and (info.st_dev, info.st_ino) == (skipped.st_dev, skipped.st_ino):
            continue
        entry = _entry(Path(item.path), info, lab_id)
        if entry:
            found.setdefault(entry.student, []).append(entry)
    return [entries[0] if len(entries) == 1 else
            _refused(student, entries[0].found,
                     f"two submissions ({' and '.join(e.found for e in entries)}); keep one")
            for student, entries in sorted(found.items())]


def _entry(path: Path, info: os.stat_result, lab_id: str) -> Entry | None:
    """The entry ``path`` stands for, or None when it is no submission at all."""
    name = path.name
    if stat.S_ISDIR(info.st_mode):
        return _folder_entry(path, lab_id)
    if stat.S_ISLNK(info.st_mode) and (name.endswith(".py") or path.is_dir()):
        return _refused(name.removesuffix(".py"), name,
                        f"{name} is a symbolic link; submit the file itself")
    if not name.endswith(".py"):
        return None
    return _read(name.removesuffix(".py"), path, info, name)


def _folder_entry(path: Path, lab_id: str) -> Entry | None:
    target = path / f"{lab_id}.py"
    found = f"{path.name}/{target.name}"
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        others = sorted(p.name for p in path.glob("*.py"))
        if not others:
            return None  # not a student's folder
        return _refused(path.name, f"{path.name}/",
                        f"{path.name}/ holds no {target.name} (found: {', '.join(others)})")
    except OSError as exc:
        return _refused(path.name, found, f"cannot read {found}: {exc.strerror}")
    if stat.S_ISLNK(info.st_mode):
        return _refused(path.name, found, f"{found} is a symbolic link; submit the file itself")
    return _read(path.name, target, info, found)


def _read(student: str, path: Path, info: os.stat_result, found: str) -> Entry:
    """The file's bytes, read without following links, or a refusal."""
    if not stat.S_ISREG(info.st_mode):
        return _refused(student, found, f"{found} is not a regular file")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        return _refused(student, found, f"cannot read {found}: {exc.strerror}")
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)  # the file opened, not the name looked at before
        if not stat.S_ISREG(info.st_mode):
            return _refused(student, found, f"{found} is not a regular file")
        if info.st_nlink > 1:
            return _refused(student, found, f"{found} has {info.st_nlink} hard links: it may "
                            "be another student's file or one outside the class folder")
        source = fh.read(MAX_SUBMISSION_BYTES + 1)
    if len(source) > MAX_SUBMISSION_BYTES:
        return _refused(student, found, f"{found} is larger than "
                        f"{MAX_SUBMISSION_BYTES // 2**20} MiB")
    return Entry(student, found, source)


def _refused(student: str, found: str, why: str) -> Entry:
    return Entry(student, found, refused=f"{gradebook.REFUSED}: {why}")


def output_folders(students: list[str]) -> dict[str, str]:
    """Student -> folder name under OUT: the name itself when it is a plain one, else a
    readable stand-in; names that would clash (equal but for case or Unicode normal form,
    as on case-blind file systems, or a name chosen to equal a classmate's stand-in) get a
    suffix, until none clashes: no two students ever share a folder (and results.json)."""
    def plain(name: str) -> str:  # bounded: the folder's files add their own names to it
        if name.isprintable() and len(name.encode("utf-8", "surrogateescape")) <= 120 and \
                not name.casefold().startswith("gradebook") and name not in (".", "..") and \
                "/" not in name:
            return name
        return _readable(name) + "-" + _digest(name)

    names = {student: plain(student) for student in students}
    for attempt in range(4):
        clashing = _clashing(names)
        if not clashing:
            return names
        for student in clashing:
            salt = f"{attempt}:" if attempt else ""  # the first suffix as before (resumes)
            names[student] = f"{names[student]}-{_digest(salt + student)}"
    # names chosen to clash round after round: every student's full digest, unique
    return {student: f"{_readable(student)}-{hashlib.sha256(_utf8(student)).hexdigest()}"
            for student in students}


def _readable(name: str) -> str:
    return re.sub(r"[^\w.@+-]", "_", name)[:60]


def _clashing(names: dict[str, str]) -> list[str]:
    """The students whose folder name another's equals on a case-blind, normalising file
    system."""
    seen: dict[str, list[str]] = {}
    for student, name in names.items():
        seen.setdefault(unicodedata.normalize("NFC", name).casefold(), []).append(student)
    return [student for group in seen.values() if len(group) > 1 for student in group]


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _digest(text: str) -> str:
    return hashlib.sha256(_utf8(text)).hexdigest()[:8]


# ------------------------------------------------------------------ the plan


@dataclass
class ClassPlan:
    """What ``grade_class`` will do: who is graded now and whose earlier result stands."""

    lab: Lab
    out: Path
    options: Options
    entries: list[Entry]
    folders: dict[str, str]  # student -> folder name under ``out``
    todo: list[Entry] = field(default_factory=list)  # to grade in a grading process
    reports: dict[str, Report] = field(default_factory=dict)  # known already
    kept: list[str] = field(default_factory=list)  # graded by an earlier run, kept
    key: str = ""  # what the results depend on besides the files (``grading_key``)
    class_seed: int | None = None  # every student's seed pairs come from it (no secret)


class ClassFolderError(Exception):
    """``OUT`` holds something grade-class cannot use; the message is one line."""


def plan_class(lab: Lab, folder: Path, out: Path, options: Options,
               force: bool = False, grade_unchanged: bool = False) -> ClassPlan:
    """Read ``folder`` and ``out``: refused entries are judged now, and so is the starter
    file handed in unchanged (a fail marked ``unchanged``, 0 points; graded like any other
    file with ``grade_unchanged``); results an earlier run wrote for the same file, lab and
    settings are kept (unless ``force``), the rest is to grade. ``internal-error`` results
    are always graded again. Without a secret (or seed pairs given), every student gets
    the seed pairs of the class seed in ``out``, drawn now if there is none yet
    (``grade_class`` writes it before anything else)."""
    starter = lab.broken_file.read_bytes()
    out = out.resolve()
    options = with_floor(options)  # one sandbox for the whole class, decided before anyone
    # a class folder or gradebook kept in the course: no run reads a classmate's file
    options = replace(options, hidden=(*options.hidden, str(folder.resolve()), str(out)))
    entries = class_entries(folder, lab.id, skip=out)
    class_seed = None
    if not options.verified and not options.seed_pairs:
        class_seed = _class_seed(out)
        if class_seed is None:
            class_seed = draw_seed_pairs(0)[0]
        pairs = draw_seed_pairs(options.count or len(lab.seeds), class_seed)[1]
        options = replace(options, seed_pairs=pairs)
    plan = ClassPlan(lab, out, options, entries, output_folders([e.student for e in entries]),
                     key=grading_key(lab, options), class_seed=class_seed)
    for entry in entries:
        if entry.refused:
            plan.reports[entry.student] = Report(
                lab=lab.id, file=entry.found, verdict="error", reason=entry.refused,
                hint=REFUSED_HINT.format(lab=lab.id), mode=_mode(options), isolation="not run",
                seconds=0.0)
            continue
        if not grade_unchanged and gradebook.same_as_starter(entry.source, starter):
            plan.reports[entry.student] = Report(
                lab=lab.id, file=entry.found, verdict="fail",
                reason=f"{gradebook.UNCHANGED}: {entry.found} is the starter file as given "
                       f"(not graded)", hint=f"Fix the starter file of {lab.id}, then "
                       "hand it in.", mode=_mode(options), isolation="not run", seconds=0.0)
            continue
        earlier = None if force else _earlier(plan, entry)
        if earlier:
            plan.reports[entry.student] = earlier
            plan.kept.append(entry.student)
        else:
            plan.todo.append(entry)
    return plan


def _class_seed(out: Path) -> int | None:
    """The class seed an earlier run wrote in ``out``; None when there is none."""
    path = out / CLASS_SEED
    try:
        with open(path, "rb") as fh:
            text = fh.read(100).decode("ascii", "replace").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ClassFolderError(f"cannot read {path}: {exc.strerror}") from None
    if not (text.isdigit() and text.isascii() and len(text) <= 20):
        raise ClassFolderError(f"{path} holds no class seed (one whole number): restore it, "
                               "or delete it to draw a new one (every student is then graded "
                               "again, on new data)")
    return int(text)


def grading_key(lab: Lab, options: Options) -> str:
    """What a result depends on besides the file: the lab's grading files and the
    options, the secret only as a keyed digest of a fixed text (it reveals no seed)."""
    digest = hashlib.sha256(lab_digest(lab).encode())
    secret = options.secret and hmac.new(options.secret.encode(), b"mllab grade-class",
                                         "sha256").hexdigest()
    settings = {**asdict(options), "secret": secret, "hidden": None}  # paths: not the grading
    digest.update(json.dumps(settings, sort_keys=True, default=repr).encode())
    return digest.hexdigest()


def lab_digest(lab: Lab) -> str:
    """A digest of the lab's grading files (``lab.toml`` and its Python files)."""
    digest = hashlib.sha256()
    for path in sorted(lab.folder.glob("*.py")) + [lab.folder / "lab.toml"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _mode(options: Options) -> str:
    return "verified" if options.secret else "local"


def _earlier(plan: ClassPlan, entry: Entry) -> Report | None:
    """The result an earlier run stored for this very file and grading, if any."""
    try:
        stored = json.loads((plan.out / plan.folders[entry.student] / REPORT).read_text())
        if (stored["sha256"], stored["graded_with"]) != (entry.sha256, plan.key):
            return None
        report = Report.from_dict(stored["report"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    # an unchanged starter is judged afresh (``grade_unchanged`` may have changed)
    return None if report.verdict == "internal-error" or gradebook.unchanged(report) \
        else report


# ------------------------------------------------------------------ grading


OnResult = Callable[[str, Report], None]


def grade_class(plan: ClassPlan, jobs: int = 1,
                on_result: OnResult = lambda student, report: None,
                backend: str = "local", address: str | None = None) -> dict[str, Report]:
    """Grade ``plan.todo``, ``jobs`` at a time (``backend`` "local": grading processes on
    this machine; "ray": tasks on the Ray cluster at ``address``, see ``ray_backend``),
    writing each student's files as soon as the result is known; returns every student's
    report. One student's crash, hang or grader fault never stops the others."""
    entries = {entry.student: entry for entry in plan.entries}
    if plan.class_seed is not None and not (plan.out / CLASS_SEED).exists():
        _write(plan.out / CLASS_SEED, f"{plan.class_seed}\n".encode())
    for student, report in list(plan.reports.items()):
        _store(plan, entries[student], report)
    for entry in plan.todo:
        _write(_graded_copy(plan, entry), entry.source)
    if backend == "ray":
        from mllab.graders.ray_backend import grade_on_ray

        graded = grade_on_ray(plan, address, jobs)
    else:
        graded = _grade_here(plan, jobs)
    for entry, report in graded:
        report = replace(report, file=str(_graded_copy(plan, entry)))
        _store(plan, entry, report)
        on_result(entry.student, report)
    return dict(sorted(plan.reports.items()))


def _grade_here(plan: ClassPlan, jobs: int) -> Iterator[tuple[Entry, Report]]:
    """(entry, report) for each student to grade, in the order they finish."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        running = {pool.submit(grade_file, plan.lab, _graded_copy(plan, entry), plan.options):
                   entry for entry in plan.todo}
        try:
            for future in as_completed(running):
                yield running[future], future.result()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _graded_copy(plan: ClassPlan, entry: Entry) -> Path:
    """Where the bytes read from the class folder are kept, and graded from (under the
    student's own file name when it is a plain, short one)."""
    name = Path(entry.found).name
    if not name.isprintable() or len(name.encode("utf-8", "surrogateescape")) > 120:
        name = "submission.py"
    return plan.out / plan.folders[entry.student] / name


def _store(plan: ClassPlan, entry: Entry, report: Report) -> None:
    """Write the student's results.json and report.json, then the gradebook, atomically."""
    folder = plan.out / plan.folders[entry.student]
    _write(folder / RESULTS, json.dumps(gradebook.gradescope_results(plan.lab, report),
                                        indent=2).encode())
    stored = {"student": entry.student, "found": entry.found, "sha256": entry.sha256,
              "graded_with": plan.key, "score": gradebook.score(plan.lab, report),
              "max_score": plan.lab.points, "report": report.to_dict()}
    _write(folder / REPORT, json.dumps(stored, indent=2).encode())
    plan.reports[entry.student] = report
    _write(plan.out / GRADEBOOK, gradebook.gradebook_csv(plan.lab, plan.reports).encode())


def _write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` at once: a reader (or a killed run) sees the old file
    or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def grade_file(lab: Lab, file: Path, options: Options) -> Report:
    """``grade(lab, file, options)`` in a fresh grading process (``work``), so that runs
    never share a process; a failure of that process is an ``internal-error``."""
    try:
        return _grade_in_process(lab, file, options)
    except Exception as exc:  # noqa: BLE001 - e.g. no process could be started
        return internal_error(lab, file.name, options, f"{type(exc).__name__}: {exc}")


def _grade_in_process(lab: Lab, file: Path, options: Options) -> Report:
    seeds = len(options.seed_pairs or ()) or options.count or len(lab.seeds)
    deadline = seeds * ((options.timeout_s or lab.timeout_s) + 30) + 60
    # The job (and any secret in it) travels on stdin, never in argv or the environment.
    env = {name: value for name, value in os.environ.items() if name != "MLLAB_SECRET"}
    proc = subprocess.Popen(_worker_argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    try:
        job = (os.getpid(), lab.folder, file, options)
        out, err = proc.communicate(pickle.dumps(job), timeout=deadline)
    except subprocess.TimeoutExpired:
        proc.terminate()  # lets the worker kill its sandboxed runs on the way out
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
        return internal_error(lab, file.name, options, f"grading took longer than {deadline:g}s")
    try:
        return Report.from_dict(json.loads(out))
    except (ValueError, KeyError, TypeError):
        last = (err.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
        return internal_error(lab, file.name, options, f"the grading process failed "
                              f"(exit {proc.returncode}): {last[:300]}")


def internal_error(lab: Lab, file: str, options: Options, why: str) -> Report:
    """The report for a student mllab could not grade: no score, marked for regrade."""
    return Report(lab=lab.id, file=file, verdict="internal-error", reason=f"grader fault: {why}",
                  hint=INTERNAL_HINT, mode=_mode(options), isolation="unknown", seconds=0.0)


# A grading process loads mllab from this checkout, installed or not (as child.py does).
_WORKER = ("import importlib.util as u, sys; root = sys.argv[1]; "
           "spec = u.spec_from_file_location('mllab', root + '/__init__.py', "
           "submodule_search_locations=[root]); "
           "sys.modules['mllab'] = m = u.module_from_spec(spec); spec.loader.exec_module(m); "
           "from mllab.graders.batch import work; work()")


def _worker_argv() -> list[str]:
    return [sys.executable, "-c", _WORKER, str(PACKAGE_ROOT)]


def work() -> None:
    """A grading process: grade the job on stdin (parent pid, lab folder, file, options),
    print the report as JSON. SIGTERM, also sent when the parent dies, ends it through the
    sandbox's clean-up, so a killed ``grade-class`` leaves no grading behind."""
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    parent, lab_folder, file, options = pickle.loads(sys.stdin.buffer.read())  # our parent's
    if os.getppid() != parent:
        sys.exit("the grading process outlived grade-class")
    report = grade(load(lab_folder), file, options)
    sys.stdout.write(json.dumps(report.to_dict()))
