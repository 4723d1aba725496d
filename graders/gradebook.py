"""A class's grades as data an LMS takes: scores, Gradescope's ``results.json``, a CSV
gradebook and a summary. Pure functions of a lab and its students' ``Report``s.

Scoring: a pass earns the lab's ``points``; a fail earns, by the lab's ``partial_credit``
policy, the points of the checks its medians met ("per-check", the default), nothing
("all-or-nothing"), or the points of the checks it met on every seed ("minimum")
(``[grading] points`` and per-target ``points`` in ``lab.toml``, equal shares by default);
the starter file handed in unchanged, and a learner-side problem, earn 0;
``internal-error`` earns no score and is marked for regrade.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass

from mllab.graders.report import ERROR_KINDS, PROBLEMS, Report, counted, seeds_text
from mllab.labs import Lab

REGRADE = ("mllab could not grade this submission: a fault in mllab, not in the code. "
           "It is marked for regrade.")
REFUSED = "refused"  # the reason's first word for a class-folder entry that is not graded
UNCHANGED = "unchanged"  # the reason's first word for the starter file handed in as given
SPREADSHEET_FORMULA = ("=", "+", "-", "@")  # a cell starting so runs as a formula (CSV injection)


def same_as_starter(source: bytes, starter: bytes) -> bool:
    """Whether ``source`` is the starter file as given: line endings, trailing spaces and
    blank lines aside (what an editor changes without the author meaning to)."""
    def lines(data: bytes) -> list[bytes]:
        return [line.rstrip() for line in data.replace(b"\r\n", b"\n").split(b"\n")
                if line.strip()]
    return lines(source) == lines(starter)


def unchanged(report: Report) -> bool:
    """Whether ``report`` stands for the starter file handed in unchanged (not graded)."""
    return report.reason.startswith(f"{UNCHANGED}:")


def checks_met(lab: Lab, report: Report) -> tuple[bool, ...]:
    """Per target of ``lab``, whether it counts as met: all for a pass, none for a report
    without measurements or under the "all-or-nothing" policy; under "minimum", only the
    checks met on every seed. A fail whose every check passed on its median (too many
    seeds missed some target) loses the check that missed most often, so a fail never
    scores full marks."""
    if report.verdict == "pass":
        return (True,) * len(lab.targets)
    if report.verdict != "fail" or len(report.checks) != len(lab.targets) or \
            lab.partial_credit == "all-or-nothing":
        return (False,) * len(lab.targets)
    met = [check.passed for check in report.checks]
    if lab.partial_credit == "minimum":
        met = [ok and all(target.passes(v) for v in check.values)
               for ok, target, check in zip(met, lab.targets, report.checks)]
    if all(met):
        met[max(range(len(met)), key=lambda i: report.checks[i].misses)] = False
    return tuple(met)


def score(lab: Lab, report: Report) -> float | None:
    """Points earned (see the module docstring); None when mllab itself could not grade."""
    if report.verdict == "internal-error":
        return None
    if report.verdict == "pass":
        return round(lab.points, 2)
    met = checks_met(lab, report)
    return round(float(sum(t.points for t, ok in zip(lab.targets, met) if ok)), 2)


def problem_kind(report: Report) -> str:
    """What kind of problem stopped grading (``"timeout"``, ``"error (syntax-error)"``), or ""."""
    if report.verdict not in PROBLEMS and report.verdict != "internal-error":
        return ""
    head = report.reason.split(":", 1)[0]
    if report.verdict == "error" and head in (*ERROR_KINDS, REFUSED):
        return f"error ({head})"
    return report.verdict


def gradescope_results(lab: Lab, report: Report) -> dict:
    """``results.json`` as Gradescope's autograder specification defines it: one test per
    check. Learner text is shown as plain text (``output_format`` "text"), never as HTML.
    Without a score (``internal-error``) Gradescope reports the autograder as failed."""
    earned = score(lab, report)
    met = checks_met(lab, report)
    tests = []
    for index, (target, ok) in enumerate(zip(lab.targets, met)):
        test = {"name": f"{target.label} ({target.describe()})",
                "status": "passed" if ok else "failed",
                "max_score": round(target.points, 2),
                "output": _check_output(report, index, ok)}
        if earned is not None:
            test["score"] = round(target.points, 2) if ok else 0.0
        tests.append(test)
    results = {
        "execution_time": round(report.seconds, 2),
        "output": _summary_output(report),
        "output_format": "text", "test_output_format": "text", "test_name_format": "text",
        "tests": tests,
        "extra_data": {"lab": lab.id, "verdict": report.verdict, "max_score": lab.points,
                       "regrade": earned is None, "mode": report.mode,
                       "isolation": report.isolation},
    }
    if earned is not None:
        results["score"] = earned
    return results


def _summary_output(report: Report) -> str:
    if report.verdict == "internal-error":
        return f"{REGRADE}\n({report.reason})"
    lines = [f"verdict: {report.verdict}: {report.reason}"]
    if report.hint:
        lines.append(f"next step: {report.hint}")
    if report.runs:
        lines.append(f"seeds: {seeds_text(report)}")
    lines.append(f"mode: {report.mode}; isolation: {report.isolation}")
    return "\n".join(lines)


def _check_output(report: Report, index: int, ok: bool) -> str:
    if index >= len(report.checks):
        return f"not measured: {report.verdict}: {report.reason}"
    check = report.checks[index]
    text = (f"{check.label}: {check.median:.4g} (target {check.target}), median of "
            f"{counted(len(check.values), 'seed')}: " + " ".join(f"{v:.4g}" for v in check.values))
    if not ok:
        text += f"\nnext step: {check.advice}"
    return text


# ------------------------------------------------------------------ the CSV gradebook


def metric_columns(lab: Lab) -> list[str]:
    """The gating metrics, once each, in the lab's order."""
    return list(dict.fromkeys(target.metric for target in lab.targets))


def shown_verdict(report: Report) -> str:
    """The verdict as a gradebook shows it: ``unchanged`` for the starter file as given."""
    return UNCHANGED if unchanged(report) else report.verdict


def gradebook_csv(lab: Lab, reports: dict[str, Report]) -> str:
    """One row per student: student_id (the name of the student's file or folder, which an
    LMS import matches on), student, verdict, score, max_score, every gating metric's
    median, seconds, reason, the isolation the student was graded at. Text from students is made inert for spreadsheets."""
    columns = ["student_id", "student", "verdict", "score", "max_score", *metric_columns(lab),
               "seconds", "reason", "isolation"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for student, report in sorted(reports.items()):
        medians = {check.metric: check.median for check in report.checks}
        earned = score(lab, report)
        reason = report.reason if earned is not None else f"regrade: {report.reason}"
        writer.writerow([inert(student), inert(student), shown_verdict(report),
                         "" if earned is None else earned,
                         lab.points, *(medians.get(m, "") for m in metric_columns(lab)),
                         round(report.seconds, 2), inert(reason), report.isolation])
    return buffer.getvalue()


def printable(text: str) -> str:
    """``text`` with every character that is not printable (newlines, terminal escapes,
    direction overrides) written as its escape, for names shown on one line."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def inert(text: str) -> str:
    """``printable(text)``, with a leading ``'`` where a spreadsheet would read a formula."""
    text = printable(text)
    return f"'{text}" if text.startswith(SPREADSHEET_FORMULA) else text


# ------------------------------------------------------------------ the summary


@dataclass(frozen=True)
class Summary:
    """What an instructor reads after grading a class."""

    students: int
    passed: int
    mean_score: float | None  # over graded students
    failing_check: tuple[str, int] | None  # the check most fails missed, and how many
    problems: dict[str, int]  # problem kind -> students
    slowest: tuple[tuple[str, float], ...]  # (student, seconds), slowest first
    regrade: tuple[str, ...]  # students mllab could not grade
    unchanged: int = 0  # students who handed in the starter file as given

    @property
    def pass_rate(self) -> float:
        return self.passed / self.students if self.students else 0.0


def summarize(lab: Lab, reports: dict[str, Report], slowest: int = 3) -> Summary:
    """The class at a glance (see ``Summary``)."""
    scores = [s for s in (score(lab, r) for r in reports.values()) if s is not None]
    missed = Counter(target.label for report in reports.values()
                     if report.verdict == "fail" and not unchanged(report)
                     for target, ok in zip(lab.targets, checks_met(lab, report)) if not ok)
    problems = Counter(kind for kind in map(problem_kind, reports.values())
                       if kind and kind != "internal-error")
    by_time = sorted(((s, r.seconds) for s, r in reports.items() if r.seconds > 0),
                     key=lambda pair: -pair[1])
    return Summary(
        students=len(reports),
        passed=sum(r.verdict == "pass" for r in reports.values()),
        mean_score=round(statistics.fmean(scores), 2) if scores else None,
        failing_check=missed.most_common(1)[0] if missed else None,
        problems=dict(problems.most_common()),
        slowest=tuple(by_time[:slowest]),
        regrade=tuple(s for s, r in sorted(reports.items()) if r.verdict == "internal-error"),
        unchanged=sum(map(unchanged, reports.values())),
    )
