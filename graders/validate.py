"""Instructor checks: the broken file fails, every reference fix passes, every
listed non-fix fails, on every seed tried. With many seeds this is the
calibration run whose distributions go into a lab's ``lab.toml``.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from mllab.graders.engine import Options, Progress, grade, parallel_runs
from mllab.graders.report import counted, significant
from mllab.labs import Lab, Target

MIN_FIXES = 2


@dataclass(frozen=True)
class Row:
    """One file of one lab, graded on every seed."""

    lab: str
    file: str
    role: str  # broken | fix | non-fix
    expected: str
    verdict: str
    ok: bool
    reason: str
    seconds: float
    distributions: dict[str, tuple[float, float, float]]  # metric -> (mean, min, max)
    values: dict[str, tuple[float, ...]] = None  # metric -> value on each seed that ran


@dataclass(frozen=True)
class Margin:
    """How far one target sits from the worst fix and from the closest non-fix it stops."""

    lab: str
    metric: str
    target: str
    worst_fix: float | None  # the fixes' value closest to failing, over every seed
    fix_margin: float | None  # distance from the threshold, on the passing side
    best_stopped: float | None  # among files failing this target on every seed: closest
    stopped_margin: float | None  # distance from the threshold, on the failing side
    stopped_file: str


def cases(lab: Lab) -> list[tuple[str, Path, str]]:
    """(role, file, expected verdict) for every file a lab ships."""
    return ([("broken", lab.broken_file, "fail")] +
            [("fix", path, "pass") for path in lab.fixes()] +
            [("non-fix", path, "fail") for path in lab.non_fixes()])


def validate_file(lab: Lab, role: str, file: Path, expected: str,
                  pairs: tuple[tuple[int, int], ...] | None = None, device: str = "auto",
                  progress: Progress = lambda message: None) -> Row:
    """Grade one of ``lab``'s files on every seed pair (no early stop); compare with ``expected``."""
    report = grade(lab, file, Options(seed_pairs=pairs, early_stop=False, device=device,
                                      author=True, workers=parallel_runs(lab)),
                   progress=progress)
    every_seed = all(run.verdict == expected for run in report.runs)
    distributions, per_seed = {}, {}
    for name in sorted({name for run in report.runs for name in run.metrics}):
        values = [run.metrics[name] for run in report.runs if name in run.metrics]
        per_seed[name] = tuple(map(significant, values))
        distributions[name] = (significant(statistics.fmean(values)), significant(min(values)),
                               significant(max(values)))
    return Row(lab=lab.id, file=file.name, role=role, expected=expected,
               verdict=report.verdict, ok=report.verdict == expected and every_seed,
               reason=report.reason, seconds=report.seconds, distributions=distributions,
               values=per_seed)


def validate(lab: Lab, pairs: tuple[tuple[int, int], ...] | None = None, device: str = "auto",
             progress: Progress = lambda message: None) -> list[Row]:
    """Grade every file of ``lab`` on every seed; what is missing (too few fixes, a
    placeholder left from the skeleton) is a violation row of its own."""
    from mllab.instructor.scaffold import placeholders

    rows = [Row(lab=lab.id, file=where.split(":")[0], role="text", expected="filled in",
                verdict="-", ok=False, reason=f"placeholder left: {where}", seconds=0.0,
                distributions={}) for where in placeholders(lab)]
    for role, file, expected in cases(lab):
        progress(f"{lab.id}: {role} {file.name}")
        rows.append(validate_file(lab, role, file, expected, pairs, device,
                                  progress=lambda message, name=file.name:
                                  progress(f"{name}: {message}")))
    if len(lab.fixes()) < MIN_FIXES:
        rows.append(Row(lab=lab.id, file="fixes/", role="fix", expected="pass", verdict="-",
                        ok=False, reason=f"{counted(len(lab.fixes()), 'reference fix', 'reference fixes')}; a lab needs at "
                        f"least {MIN_FIXES} independent ones", seconds=0.0, distributions={}))
    if not lab.calibration:
        rows.append(Row(lab=lab.id, file="lab.toml", role="text", expected="calibrated",
                        verdict="-", ok=False, reason="no calibration yet: `mllab validate "
                        f"{lab.id} --seeds 20 --write` records it in lab.toml", seconds=0.0,
                        distributions={}))
    return rows


def _slack(target: Target, value: float) -> float:
    """Signed distance of ``value`` from ``target``'s threshold: > 0 passing, < 0 failing."""
    if target.op == ">=":
        return value - target.value
    if target.op == "<=":
        return target.value - value
    low, high = target.value
    return min(value - low, high - value)


def margins(lab: Lab, rows: list[Row]) -> list[Margin]:
    """Per gating target: the worst fix's distance from it, and the closest file it stops.

    A file is "stopped" by a target when it misses that target on every seed it ran
    (files that fail only through other targets do not count for this one).
    """
    found = []
    for target in lab.targets:
        fix_values = [v for row in rows if row.role == "fix" and row.values
                      for v in row.values.get(target.metric, ())]
        worst = min(fix_values, key=lambda v: _slack(target, v), default=None)
        stopped = [(max(vals, key=lambda v: _slack(target, v)), row.file)
                   for row in rows if row.role != "fix" and row.values
                   for vals in [row.values.get(target.metric, ())]
                   if vals and all(_slack(target, v) < 0 for v in vals)]
        best, name = max(stopped, key=lambda item: _slack(target, item[0]), default=(None, ""))
        found.append(Margin(
            lab=lab.id, metric=target.metric, target=target.describe(), worst_fix=worst,
            fix_margin=None if worst is None else significant(_slack(target, worst)),
            best_stopped=best,
            stopped_margin=None if best is None else significant(-_slack(target, best)),
            stopped_file=name))
    return found


CALIBRATED_SEEDS = 20  # a lab is validated (no longer a draft) once measured on this many


class WriteError(Exception):
    """The calibration cannot be recorded: too few seeds, a file with the wrong verdict, or a
    lab.toml whose other content would not survive the rewrite."""


def write_calibration(lab: Lab, rows: list[Row], found: list[Margin], seeds: int,
                      draw: int) -> Path:
    """Replace the ``[calibration]`` tables at the end of ``lab``'s lab.toml with the
    distributions measured in ``rows``, headed by how they were measured and the margins
    ``found``; return the file. Everything else in lab.toml is kept as written."""
    import tomllib

    from mllab import labs as registry
    from mllab.ui.render import calibration_toml

    if seeds < CALIBRATED_SEEDS:
        raise WriteError(f"a calibration needs at least {CALIBRATED_SEEDS} seeds (--seeds "
                         f"{CALIBRATED_SEEDS}); {seeds} is a quick check, not written")
    graded = [row for row in rows if row.lab == lab.id and row.role in ("broken", "fix",
                                                                         "non-fix")]
    wrong = [row.reason if row.verdict == "-" else f"{row.file} ({row.role}) should "
             f"{row.expected} on every seed, got {row.verdict}" for row in graded if not row.ok]
    if wrong or any(row.role == "text" and row.file != "lab.toml" for row in rows
                    if row.lab == lab.id):
        raise WriteError(f"{lab.id}: not written: " + ("; ".join(wrong) or
                         "placeholders are left") + " (every file must get its expected "
                         "verdict on every seed first)")
    path = lab.folder / "lab.toml"
    text = path.read_text()
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("[calibration")),
                 len(lines))
    while start and lines[start - 1].startswith("#"):  # its header comment goes too
        start -= 1
    kept = "\n".join(lines[:start]).rstrip() + "\n"
    before = tomllib.loads(text)
    before.pop("calibration", None)
    if tomllib.loads(kept) != before:
        raise WriteError(f"{path}: not written: the [calibration] tables must come last "
                         "(move them to the end of the file, or delete them)")
    margin_lines = [f"# {m.metric} {m.target}: worst fix {_number(m.worst_fix)} (margin "
                    f"{_number(m.fix_margin)}), closest stopped {_number(m.best_stopped)} "
                    f"(margin {_number(m.stopped_margin)}, {m.stopped_file or '-'})"
                    for m in found if m.lab == lab.id]
    header = [f"# Measured with `mllab validate {lab.id} --seeds {seeds} --draw {draw}` "
              f"(written by --write): metric = [mean, min, max].",
              "# Margins, over every seed (worst fix / closest file each target stops):",
              *margin_lines]
    path.write_text(kept + "\n" + "\n".join(header) + "\n" + calibration_toml(graded) + "\n")
    registry._labs_of.cache_clear()  # a later lookup in this process reads the new tables
    return path


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"
