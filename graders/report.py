"""Grading results as data: per-seed runs, per-check results and the final report.

The same ``Report`` object is rendered for people (``render``) and serialized for
machines (``to_dict``); nothing is computed at render time.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

SCHEMA_VERSION = 1

# Highest precedence first (see shared/LABS.md).
VERDICTS = ("internal-error", "error", "timeout", "memory-exceeded", "crashed",
            "output-limit", "invalid-output", "fail", "pass")
PROBLEMS = frozenset(VERDICTS[1:7])  # the learner's code could not be graded
UNSCORED = frozenset(VERDICTS[:7])  # no metrics: a problem, or the grader's own fault

# Details the sandboxed side reports, and the verdict each belongs to.
ERROR_KINDS = ("syntax-error", "import-error", "missing-function", "bad-signature",
               "runtime-error", "no-output")

# Labs map a NaN, infinite or absurd metric to a cap of this size (exploding_gradients'
# MSE_CAP, data_leakage's clip): shown to people as "diverged", never as the cap.
DIVERGED_AT = 1e6


def metric_text(value: float, digits: int = 4) -> str:
    """``value`` for people: ``nan``, ``diverged`` (infinite or at a lab's cap), else ``%.4g``."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value) or abs(value) >= DIVERGED_AT:
        return "diverged"
    return f"{value:.{digits}g}"


def significant(value: float, digits: int = 4) -> float:
    """``value`` rounded to ``digits`` significant digits (1e-5 stays 1e-05, never 0)."""
    return float(f"{value:.{digits}g}")


def counted(count: int, word: str, plural: str | None = None) -> str:
    """"1 check", "2 checks" (``plural`` where adding an s is wrong)."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


def seeds_text(report: "Report") -> str:
    """The seeds a grade ran, numbered from 1 as its progress counts them ("1/3 pass
    (0.3s), 2/3 fail (0.4s)"), then, graded locally, the data seed of each (for `mllab run
    --seed N`); a verified grade keeps its data seeds to itself."""
    total = len(report.runs)
    shown = ", ".join(f"{number}/{total} {run.verdict} ({run.seconds:.1f}s)"
                      for number, run in enumerate(report.runs, start=1))
    if report.runs and report.mode != "verified":
        shown += f"; data {'seed' if total == 1 else 'seeds'} " + \
            ", ".join(str(run.seed) for run in report.runs)
    return shown or "-"


MAX_SEED_PAIRS = 100
SEED_LIMIT = 2**32  # a run seeds its libraries with its training seed: 32 bits at most


def seed_pairs_text(pairs) -> str:
    """``pairs`` as `--seeds` takes them: ``train:eval,train:eval,...``."""
    return ",".join(f"{train}:{evaluation}" for train, evaluation in pairs)


def parse_seed_pairs(text: str) -> tuple[tuple[int, int], ...]:
    """The pairs ``seed_pairs_text`` wrote; ValueError with one line for anything else."""
    items = [item.strip() for item in text.split(",")]
    if len(items) > MAX_SEED_PAIRS:
        raise ValueError(f"at most {MAX_SEED_PAIRS} seed pairs")
    pairs = []
    for item in items:
        parts = item.split(":")
        if len(parts) != 2 or not all(part.strip().isdigit() and part.strip().isascii()
                                      for part in parts):
            raise ValueError(f"{item[:40]!r} is not TRAIN:EVAL (two whole numbers, e.g. "
                             "1234:5678); the seeds a grading printed are already in this form")
        if any(len(part.strip()) > len(str(SEED_LIMIT)) for part in parts):
            raise ValueError(f"{item[:40]!r}: seeds are below {SEED_LIMIT}")
        pair = tuple(int(part) for part in parts)
        if max(pair) >= SEED_LIMIT:
            raise ValueError(f"{item[:40]!r}: seeds are below {SEED_LIMIT}")
        pairs.append(pair)
    return tuple(pairs)


def exit_code(verdict: str) -> int:
    """0 pass, 1 fail, 2 a problem with the learner's code, 3 the grader's own fault."""
    if verdict == "pass":
        return 0
    if verdict == "fail":
        return 1
    if verdict == "internal-error":
        return 3
    return 2


@dataclass(frozen=True)
class SeedRun:
    """One training run of the submission on one seed."""

    seed: int
    verdict: str  # pass / fail, or the problem that stopped the run
    metrics: dict[str, float]
    seconds: float
    peak_memory_mb: float = 0.0
    device: str = ""
    detail: str = ""  # error kind (syntax-error, ...) or signal name
    reason: str = ""
    hint: str = ""
    log: str = ""


@dataclass(frozen=True)
class CheckResult:
    """One target, measured on every seed that ran."""

    metric: str
    label: str
    target: str
    values: tuple[float, ...]
    median: float
    passed: bool
    misses: int  # seeds on which this check alone failed
    shortfall: float  # how far the median is from the target (0 when passed)
    advice: str  # the next step to take when it fails


@dataclass(frozen=True)
class Report:
    """The outcome of grading one submission for one lab."""

    lab: str
    file: str
    verdict: str
    reason: str  # one line
    hint: str  # the single most useful next step ("" on pass)
    mode: str  # "local" (learner's machine, not certified) or "verified"
    isolation: str
    seconds: float
    # a verdict no student can forge: graded with a secret, in a sandbox that is unprivileged,
    # sealed and hides the answer key (bubblewrap); False for local grading
    verified: bool = False
    checks: tuple[CheckResult, ...] = ()
    shown: dict[str, float] = field(default_factory=dict)  # reported, never gated
    runs: tuple[SeedRun, ...] = ()
    eval_seed_note: str = ""
    schema_version: int = SCHEMA_VERSION
    # local grading: every (training, evaluation) seed pair drawn, the seeds not run too;
    # `--seeds` with them repeats the grading exactly. Empty for verified grading, whose
    # seeds stay unknown (its runs are numbered 1, 2, ...)
    seed_pairs: tuple[tuple[int, int], ...] = ()

    @property
    def exit_code(self) -> int:
        return exit_code(self.verdict)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["exit_code"] = self.exit_code
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        """The report ``to_dict`` gave (raises KeyError/TypeError on anything else)."""
        data = {key: value for key, value in data.items() if key != "exit_code"}
        data["checks"] = tuple(CheckResult(**{**check, "values": tuple(check["values"])})
                               for check in data.get("checks", ()))
        data["runs"] = tuple(SeedRun(**run) for run in data.get("runs", ()))
        data["seed_pairs"] = tuple((int(train), int(evaluation))
                                   for train, evaluation in data.get("seed_pairs", ()))
        return cls(**data)
