"""Grading a whole class: one report per student, same data and seeds for everyone."""

from __future__ import annotations

from pathlib import Path

from mllab.graders.engine import Options, Progress, grade
from mllab.graders.report import Report
from mllab.labs import Lab


def class_submissions(folder: Path, lab_id: str) -> dict[str, Path]:
    """Student -> file, from ``FOLDER/<student>.py`` or ``FOLDER/<student>/<lab_id>.py``."""
    found = {path.stem: path for path in folder.glob("*.py")}
    found.update({path.parent.name: path for path in folder.glob(f"*/{lab_id}.py")})
    return dict(sorted(found.items()))


def grade_class(lab: Lab, submissions: dict[str, Path], options: Options,
                progress: Progress = lambda message: None) -> dict[str, Report]:
    """Grade every student's file in turn; one student's crash never stops the others."""
    reports = {}
    for number, (student, path) in enumerate(submissions.items(), start=1):
        progress(f"{student} ({number}/{len(submissions)})")
        reports[student] = grade(lab, path.resolve(), options,
                                 progress=lambda message, who=student: progress(f"{who}: {message}"))
    return reports
