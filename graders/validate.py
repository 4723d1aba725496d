"""Instructor checks: the broken file fails, every reference fix passes, every
listed non-fix fails, on every seed tried. With many seeds this is the
calibration run whose distributions go into a lab's ``lab.toml``.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from mllab.graders.engine import Options, Progress, grade
from mllab.graders.report import Report
from mllab.labs import Lab

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


def cases(lab: Lab) -> list[tuple[str, Path, str]]:
    """(role, file, expected verdict) for every file a lab ships."""
    return ([("broken", lab.broken_file, "fail")] +
            [("fix", path, "pass") for path in lab.fixes()] +
            [("non-fix", path, "fail") for path in lab.non_fixes()])


def validate_file(lab: Lab, role: str, file: Path, expected: str,
                  seeds: tuple[int, ...] | None = None, device: str = "auto",
                  progress: Progress = lambda message: None) -> Row:
    """Grade one of ``lab``'s files on every seed (no early stop) and compare with ``expected``."""
    report = grade(lab, file, Options(seeds=seeds, early_stop=False, device=device),
                   progress=progress)
    every_seed = all(run.verdict == expected for run in report.runs)
    distributions = {}
    for name in sorted({name for run in report.runs for name in run.metrics}):
        values = [run.metrics[name] for run in report.runs if name in run.metrics]
        distributions[name] = (round(statistics.fmean(values), 4), round(min(values), 4),
                               round(max(values), 4))
    return Row(lab=lab.id, file=file.name, role=role, expected=expected,
               verdict=report.verdict, ok=report.verdict == expected and every_seed,
               reason=report.reason, seconds=report.seconds, distributions=distributions)


def validate(lab: Lab, seeds: tuple[int, ...] | None = None, device: str = "auto",
             progress: Progress = lambda message: None) -> list[Row]:
    """Grade every file of ``lab`` on every seed; a lab with too few fixes is a violation."""
    rows = []
    for role, file, expected in cases(lab):
        progress(f"{lab.id}: {role} {file.name}")
        rows.append(validate_file(lab, role, file, expected, seeds, device,
                                  progress=lambda message, name=file.name:
                                  progress(f"{name}: {message}")))
    if len(lab.fixes()) < MIN_FIXES:
        rows.append(Row(lab=lab.id, file="fixes/", role="fix", expected="pass", verdict="-",
                        ok=False, reason=f"{len(lab.fixes())} reference fix(es); a lab needs at "
                        f"least {MIN_FIXES} independent ones", seconds=0.0, distributions={}))
    return rows
