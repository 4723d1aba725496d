"""The lab registry: every folder ``labs/<id>/`` with a ``lab.toml`` is a lab.

Labs live in *courses*: a folder holding ``labs/<id>/`` and ``broken_models/<id>.py``.
The built-in course is this package; instructors add their own with
``MLLAB_COURSES`` (folders separated by ``os.pathsep``), and every course ``mllab new``
wrote into is remembered, nothing else to edit.

Reading the registry only parses TOML and Markdown, so ``mllab list`` stays fast
and never imports torch. A lab's Python (``grading.py``) is loaded on demand.
"""

from __future__ import annotations

import importlib.util
import math
import os
import tomllib
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from types import ModuleType

BUILTIN_COURSE = Path(__file__).resolve().parent.parent
COURSES_VAR = "MLLAB_COURSES"

OPERATORS = (">=", "<=", "between")
# how a fail scores in a gradebook: the points of the checks its medians met, nothing, or
# the points of the checks it met on every seed (graders/gradebook.py)
PARTIAL_CREDIT = ("per-check", "all-or-nothing", "minimum")


class LabError(Exception):
    """A lab folder is malformed, or an id names no lab."""


@dataclass(frozen=True)
class Target:
    """One graded check: a metric the parent computes and the bound it must meet."""

    metric: str
    op: str
    value: float | tuple[float, float]
    label: str
    advice: str  # the single most useful next step when this check fails
    points: float = 1.0  # the check's share of the lab's points in a gradebook

    def passes(self, measured: float) -> bool:
        if self.op == ">=":
            return measured >= self.value
        if self.op == "<=":
            return measured <= self.value
        low, high = self.value
        return low <= measured <= high

    def describe(self) -> str:
        if self.op == "between":
            return f"{self.value[0]:g} .. {self.value[1]:g}"
        return f"{self.op} {self.value:g}"

    def shortfall(self, measured: float) -> float:
        """How far ``measured`` is from meeting the target (0 when it passes)."""
        if self.op == ">=":
            return max(0.0, self.value - measured)
        if self.op == "<=":
            return max(0.0, measured - self.value)
        low, high = self.value
        return max(0.0, low - measured, measured - high)


@dataclass(frozen=True)
class Interview:
    """What ``mllab interview`` needs of a lab (its ``[interview]`` table): a neutral
    ``brief`` (the team, the task, "it doesn't work as expected": never the symptom), the
    real root ``cause`` in one line, and ``tempting_causes`` of the same symptom that are
    wrong for this lab."""

    brief: str
    cause: str
    tempting_causes: tuple[str, ...]


@dataclass(frozen=True)
class Lab:
    """Everything the CLI and the grader need to know about one lab."""

    id: str
    title: str
    difficulty: str
    topics: tuple[str, ...]
    summary: str
    interview_questions: tuple[str, ...]
    required: tuple[str, ...]  # names the learner's file must define
    targets: tuple[Target, ...]
    shown: tuple[str, ...]  # metrics reported but never gated (e.g. accuracy)
    hints: tuple[str, ...]
    seeds: tuple[int, ...]
    tolerated_failures: int  # seeds allowed to miss a target (the left tail)
    timeout_s: float
    memory_mb: int
    folder: Path
    calibration: dict  # file stem -> metric -> [mean, min, max] over many seeds
    points: float = 100.0  # a pass's score in a gradebook; a fail scores its met checks' points
    curves: tuple[str, ...] = ()  # what `run` and `diagnose` plot (graders/curves.py)
    interview: Interview | None = None  # None: `mllab interview` never draws the lab
    partial_credit: str = "per-check"  # how a fail scores: one of PARTIAL_CREDIT

    @property
    def broken_file(self) -> Path:
        return self.folder.parent.parent / "broken_models" / f"{self.id}.py"

    @property
    def scenario(self) -> str:
        return (self.folder / "scenario.md").read_text()

    @property
    def debrief(self) -> str:
        return (self.folder / "debrief.md").read_text()

    def fixes(self) -> list[Path]:
        """Reference fixes: each must pass."""
        return sorted((self.folder / "fixes").glob("*.py"))

    def non_fixes(self) -> list[Path]:
        """Tempting changes that do not fix the problem: each must fail."""
        return sorted((self.folder / "non_fixes").glob("*.py"))

    @property
    def validated(self) -> bool:
        """Whether ``[calibration]`` measures the broken file and every fix and non-fix (what
        ``mllab validate ID --seeds 20 --write`` records); a lab that is not is a draft."""
        files = [self.broken_file, *self.fixes(), *self.non_fixes()]
        return all(path.stem in self.calibration for path in files)

    @property
    def harness_file(self) -> Path:
        """The lab's only code that runs in the sandbox, beside the learner's (untrusted)."""
        return self.folder / "harness.py"

    def grading(self) -> ModuleType:
        """Import the lab's ``grading.py`` (data, stages, metrics: grading process only)."""
        return load_module(self.folder / "grading.py", f"mllab.labs.{self.id}.grading")


def load_module(path: Path, name: str) -> ModuleType:
    """Import a Python file by path under ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CURVE_NAMES = ("loss", "gradients", "precision_recall", "roc", "paths", "fit", "samples")  # graders/curves.py


def _curves(raw, where: str) -> tuple[str, ...]:
    unknown = [name for name in raw if name not in CURVE_NAMES]
    if unknown:
        raise ValueError(f"{where}: unknown curves {unknown}; known: {', '.join(CURVE_NAMES)}")
    return tuple(raw)


def _interview(raw: dict | None, where: str) -> Interview | None:
    if raw is None:
        return None
    tempting = raw["tempting_causes"]
    texts = [raw["brief"], raw["cause"], *(tempting if isinstance(tempting, list) else [0])]
    if not all(isinstance(text, str) and text.strip() for text in texts):
        raise ValueError(f"{where}: [interview] brief, cause and tempting_causes must be text")
    if len(raw["tempting_causes"]) < 2:
        raise ValueError(f"{where}: [interview] needs at least two tempting_causes")
    return Interview(raw["brief"].strip(), raw["cause"].strip(),
                     tuple(text.strip() for text in raw["tempting_causes"]))


def _choice(value, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise ValueError(f"{where} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _target(raw: dict, where: str) -> Target:
    op = raw.get("op")
    if op not in OPERATORS:
        raise LabError(f"{where}: target op must be one of {OPERATORS}, got {op!r}")
    value = tuple(raw["value"]) if op == "between" else float(raw["value"])
    return Target(raw["metric"], op, value, raw.get("label", raw["metric"]), raw["advice"],
                  float(raw.get("points", math.nan)))


def _shared_points(targets: list[Target], total: float | None,
                   where: str) -> tuple[float, tuple[Target, ...]]:
    """(the lab's points, its targets with their own points): checks without ``points``
    share what the others leave of ``[grading] points`` (default 100) equally."""
    given = [t.points for t in targets if not math.isnan(t.points)]
    if any(p < 0 for p in given) or (total is not None and total <= 0):
        raise LabError(f"{where}: points must be positive")
    unset = len(targets) - len(given)
    if total is None:
        total = sum(given) if not unset and given else 100.0
    left = total - sum(given)
    if left < -1e-9 or (not unset and abs(left) > 1e-9):
        raise LabError(f"{where}: the targets' points add up to {sum(given):g}, "
                       f"not [grading] points = {total:g}")
    share = left / unset if unset else 0.0
    return total, tuple(t if not math.isnan(t.points) else replace(t, points=share)
                        for t in targets)


def load(folder: Path) -> Lab:
    """Read the lab in ``folder`` (its ``lab.toml``), raising ``LabError`` if malformed:
    the message names the file by its full path, and the line where there is one."""
    where = str(folder / "lab.toml")
    try:
        raw = tomllib.loads((folder / "lab.toml").read_text())
        grading = raw["grading"]
        points, targets = _shared_points([_target(t, where) for t in grading["targets"]],
                                         grading.get("points"), where)
        lab = Lab(
            id=folder.name,
            title=raw["title"],
            difficulty=raw["difficulty"],
            topics=tuple(raw["topics"]),
            summary=raw["summary"],
            interview_questions=tuple(raw["interview_questions"]),
            required=tuple(grading["required"]),
            targets=targets,
            shown=tuple(grading.get("shown", ())),
            hints=tuple(raw["hints"]),
            seeds=tuple(grading["seeds"]),
            tolerated_failures=int(grading.get("tolerated_failures", 1)),
            timeout_s=float(grading["timeout_s"]),
            memory_mb=int(grading.get("memory_mb", 4096)),
            folder=folder,
            calibration=raw.get("calibration", {}),
            points=points,
            curves=_curves(raw.get("curves", []), where),
            interview=_interview(raw.get("interview"), where),
            partial_credit=_choice(grading.get("partial_credit", "per-check"),
                                   PARTIAL_CREDIT, f"{where}: [grading] partial_credit"),
        )
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise LabError(f"{where}: {type(exc).__name__}: {exc}") from exc
    missing = [name for name in ("scenario.md", "debrief.md", "grading.py", "harness.py")
               if not (folder / name).is_file()]
    missing += [] if lab.broken_file.is_file() else [f"its broken file {lab.broken_file}"]
    if missing:
        raise LabError(f"lab {lab.id} ({folder}) lacks {', '.join(missing)}")
    for path in (folder / "grading.py", folder / "harness.py"):
        try:  # a syntax error is found here, without importing (and so without torch)
            compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        except SyntaxError as exc:
            raise LabError(f"{path}, line {exc.lineno}: {exc.msg}") from None
        except (OSError, ValueError) as exc:
            raise LabError(f"{path}: {exc}") from None
    return lab


def courses() -> list[Path]:
    """The built-in course, each folder named in ``$MLLAB_COURSES``, then those ``new`` wrote."""
    from mllab.instructor.scaffold import known_courses

    extra = [Path(p).resolve() for p in os.environ.get(COURSES_VAR, "").split(os.pathsep) if p]
    return list(dict.fromkeys([BUILTIN_COURSE, *extra, *known_courses()]))


def all_labs() -> tuple[Lab, ...]:
    """Every well-formed lab of every course, sorted by id (see ``problems``)."""
    return _labs_of(tuple(courses()))[0]


def problems() -> tuple[str, ...]:
    """One line per lab left out of ``all_labs``: malformed, or an id an earlier course
    (the built-in one first) already has. One bad lab never hides the others."""
    return _labs_of(tuple(courses()))[1]


@cache
def _labs_of(roots: tuple[Path, ...]) -> tuple[tuple[Lab, ...], tuple[str, ...]]:
    found: dict[str, Lab] = {}
    left_out: list[str] = []
    for root in roots:
        for folder in sorted(p.parent for p in root.glob("labs/*/lab.toml")):
            if folder.name in found:
                left_out.append(f"{folder} left out: {found[folder.name].folder} is already "
                                f"called {folder.name!r}")
                continue
            try:
                found[folder.name] = load(folder)
            except LabError as exc:
                left_out.append(f"lab {folder.name} left out: {exc}")
    return tuple(sorted(found.values(), key=lambda lab: lab.id)), tuple(left_out)


def ids() -> list[str]:
    return [lab.id for lab in all_labs()]


def get(lab_id: str) -> Lab:
    """Return the lab called ``lab_id`` or raise ``LabError`` naming the closest ids."""
    import difflib

    for lab in all_labs():
        if lab.id == lab_id:
            return lab
    broken = [line for line in problems() if line.startswith(f"lab {lab_id} left out: ")]
    if broken:
        raise LabError(broken[0].replace(" left out: ", " cannot be used: ", 1))
    close = difflib.get_close_matches(lab_id.replace("-", "_"), ids(), n=3, cutoff=0.6)
    if close:
        raise LabError(f"no lab called {lab_id!r}; did you mean {' or '.join(close)}?")
    raise LabError(f"no lab called {lab_id!r}; known labs: {', '.join(ids()) or 'none'}")
