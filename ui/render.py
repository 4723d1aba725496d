"""Rendering results for people (rich). Machines get ``to_dict``/JSON instead.

Text that a learner's code or files control (exception messages, log tails, file
and student names) goes through ``inert`` and into ``Text`` objects, never into
markup: it is shown as written, capped, and without control characters.
"""

from __future__ import annotations

import difflib
from collections import Counter
import re
import time

from rich.cells import cell_len
from rich.segment import Segment
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from mllab.labs import Lab

VERDICT_STYLE = {"pass": "bold green", "fail": "bold red", "internal-error": "bold magenta"}
STATUS_STYLE = {"passed": "green", "attempted": "yellow", "started": "yellow", "gave-up": "red"}
LINE_LIMIT = 300  # characters of one line of learner text
WIDE = 110  # columns from which `list` also shows topics

# C0/C1 control characters (escape sequences, bell, carriage return...) and the
# bidirectional overrides that reorder what a terminal shows.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def inert(text: object, limit: int = LINE_LIMIT, lines: int = 3, last: bool = False) -> str:
    """``text`` made safe to show: control characters written as ``\\xNN``, at most ``lines``
    lines (the first ones, or the ``last``) of at most ``limit`` characters each. Returns
    plain text, to be put in a ``Text`` (or through ``rich.markup.escape``), never into
    markup as is."""
    text = str(text).encode("utf-8", "replace").decode("utf-8")  # lone surrogates -> '?'
    kept = text.replace("\t", "    ").splitlines() or [""]
    if len(kept) > lines:
        kept = kept[-lines:] if last else [*kept[:lines - 1], kept[lines - 1] + " …"]
    kept = [_CONTROL.sub(_visible, line) for line in kept]
    return "\n".join(line if len(line) <= limit else line[:limit - 1] + "…" for line in kept)


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _verdict(verdict: str) -> Text:
    return Text(inert(verdict), style=VERDICT_STYLE.get(verdict, "bold yellow"))


def markdown(console: Console, text: str) -> None:
    """``text`` (Markdown) rendered on a terminal; into a pipe or a file, as written: rich
    crops a list item's lines to the console's width even with ``soft_wrap``."""
    if console.is_terminal:
        console.print(Markdown(text))
    else:
        console.print(Text(text.rstrip() + "\n"), soft_wrap=True)


def labelled(label: str, text: str | Text, style: str = "bold") -> "Labelled":
    """``label text`` with the text wrapped at word boundaries and indented under itself."""
    return Labelled(label, text if isinstance(text, Text) else Text(inert(text, limit=2000)),
                    style)


class Labelled:
    """A label followed by text wrapped whole at word boundaries, continuation lines
    indented under the text (a hanging indent; under the label's start, indented, when the
    label takes more than a third of the width), with no trailing spaces to copy. Printed
    with ``soft_wrap`` (the CLI's console into a pipe, a file, a log) it is one line."""

    def __init__(self, label: str, text: Text, style: str):
        self.label, self.text, self.style = label, text, style

    def __rich_console__(self, console: Console, options):
        lead = Text(f"{self.label} ", style=self.style)
        if options.no_wrap:  # printed with soft_wrap: the CLI's console off a terminal
            yield Segment(lead.plain + self.text.plain + "\n")
            return
        indent = cell_len(self.label) + 1
        if indent > options.max_width // 3:  # a long label: the text starts under it
            yield lead.rstrip() or lead
            start = len(self.label) - len(self.label.lstrip())
            lead, indent = Text(" " * (start + 4)), start + 4
        lines = self.text.wrap(console, max(options.max_width - indent, 10), overflow="fold")
        for number, line in enumerate(lines):
            line.rstrip()
            yield (lead if number == 0 else Text(" " * indent)) + line


# ------------------------------------------------------------------ the course


def lab_table(labs: list[Lab], progress: dict, width: int) -> Table:
    """The labs in the order given (easiest first), with each one's status; topics only
    when ``width`` leaves room for them."""
    table = Table(title="mllab labs", title_justify="left")
    table.add_column("level", no_wrap=True, style="dim")
    table.add_column("id", no_wrap=True)  # ids are typed into commands: never cut them
    table.add_column("title", overflow="fold")
    if width >= WIDE:
        table.add_column("topics", overflow="fold", style="dim")
    table.add_column("status", no_wrap=True)
    previous = None
    for lab in labs:
        status = progress[lab.id].status
        level = lab.difficulty if lab.difficulty != previous else ""
        if level and previous is not None:
            table.add_section()
        previous = lab.difficulty
        topics = (", ".join(lab.topics),) if width >= WIDE else ()
        title = lab.title if lab.validated else f"{lab.title} (draft: not validated)"
        table.add_row(level, lab.id, title, *topics,
                      Text(status, style=STATUS_STYLE.get(status, "")))
    return table


def course_summary(labs: list[Lab], progress: dict, suggested: Lab | None) -> Text:
    """One line of totals and the suggested next lab."""
    counts = Counter(progress[lab.id].status for lab in labs)
    parts = [f"{counts['passed']} of {len(labs)} passed"]
    parts += [f"{counts[s]} {s}" for s in ("attempted", "started", "gave-up", "new") if counts[s]]
    line = Text(" · ".join(parts))
    if suggested:
        command = ("submit" if progress[suggested.id].status in ("started", "attempted")
                   else "start")
        line.append(f"\nnext: {suggested.id} ({suggested.difficulty}): ")
        line.append(f"mllab {command} {suggested.id}", style="bold")
    elif labs:
        line.append("\nevery lab passed or solved: well done", style="green")
    return line


def progress_table(labs: list[Lab], progress: dict) -> Table:
    """Per lab: status, attempts, hints used, first pass date, time from start to pass."""
    table = Table(title="your progress", title_justify="left",
                  caption="time to pass: from `mllab start` (or the first attempt) to the "
                          "first pass, wall clock", caption_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for column in ("attempts", "hints", "first pass", "time to pass"):
        table.add_column(column, justify="right")
    for lab in labs:
        mine = progress[lab.id]
        first_pass = time.strftime("%Y-%m-%d", time.localtime(mine.first_pass)) \
            if mine.first_pass else "-"
        table.add_row(lab.id, Text(mine.status, style=STATUS_STYLE.get(mine.status, "")),
                      str(mine.attempts), f"{mine.hints_shown}/{len(lab.hints)}", first_pass,
                      duration(mine.time_to_pass) if mine.time_to_pass is not None else "-")
    return table


def duration(seconds: float) -> str:
    """``seconds`` as a short human duration: 45s, 12m, 3h 05m, 2d 4h."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if hours < 1:
        return f"{minutes}m"
    if days < 1:
        return f"{hours}h {minutes % 60:02d}m"
    return f"{days}d {hours % 24}h"


# ------------------------------------------------------------------ one lab


def show_lab(console: Console, lab: Lab) -> None:
    console.rule(f"[bold]{escape(lab.id)}[/]: {escape(lab.title)}")
    console.print(Text(f"{lab.difficulty} · {', '.join(lab.topics)}\n", style="dim"))
    markdown(console, lab.scenario)
    markdown(console, "## Commands\n"
                           f"- `mllab start {lab.id}`: copy the broken setup into your workspace\n"
                           f"- `mllab run {lab.id}`: run your copy and watch the symptom\n"
                           f"- `mllab hint {lab.id}`: the next hint\n"
                           f"- `mllab submit {lab.id}`: grade your copy\n"
                           f"- `mllab reset {lab.id}`: start over (your edits are backed up)\n"
                           f"- `mllab progress`: where you are in the course")


def hint(number: int, total: int, text: str) -> Table:
    last = " (the last)" if number == total else ""
    return labelled(f"hint {number}/{total}{last}:", text)


def debrief(console: Console, lab: Lab) -> None:
    console.rule("[bold green]debrief[/]")
    markdown(console, lab.debrief)


def solution(console: Console, lab: Lab, only: str | None = None) -> None:
    """Each reference fix (or the one named ``only``) as a unified diff of the complete
    fixed file against the broken one (the fix's own file where it cannot be completed).
    Off a terminal (a pipe, a file) the diffs are written plain and unwrapped, each fix's
    summary as ``#`` lines between them, so `mllab solution ID --fix NAME > fix.diff` applies
    with `git apply` in the workspace."""
    from rich.syntax import Syntax  # lazily: pygments is not needed by `mllab list`

    from mllab.graders.report import counted
    from mllab.learner.solutions import complete_fix, summary

    plain = not console.is_terminal
    broken = lab.broken_file.read_text().splitlines(keepends=True)
    fixes = [fix for fix in lab.fixes() if only in (None, fix.stem)]
    if not plain:
        console.rule(Text(f"{lab.id}: {counted(len(fixes), 'reference fix', 'reference fixes')}",
                          style="bold"))
    for fix in fixes:
        about = summary(fix)
        fixed = complete_fix(lab.broken_file, fix, lab.id)
        if fixed is None:
            note = "(this fix builds on the team's file; here it is as written)"
            shown, lexer = fix.read_text(), "python"
        else:
            note = ""
            names = (f"a/{lab.id}.py", f"b/{lab.id}.py") if plain else \
                (f"{lab.id}.py (broken)", f"{lab.id}.py ({fix.stem})")
            shown, lexer = "".join(difflib.unified_diff(
                broken, fixed.splitlines(keepends=True), *names)), "diff"
        if plain:
            comment = [f"{fix.stem}: {about}" if about else fix.stem] + ([note] if note else [])
            console.file.write("".join(f"# {line}\n" for line in comment) + shown)
            continue
        console.print()
        console.print(labelled(f"{fix.stem}:", about) if about else Text(fix.stem, style="bold"))
        if note:
            console.print(Text(note, style="dim"))
        console.print(Syntax(shown or "(no change)\n", lexer, theme="ansi_dark", word_wrap=True,
                             background_color="default"))


# ------------------------------------------------------------------ grading


def report(console: Console, result) -> None:
    """Print a grading ``Report``: checks, per-seed numbers, verdict, next step."""
    from mllab.graders.report import metric_text, seeds_text  # lazily: not for `mllab list`

    if result.checks:
        table = Table(title=Text(f"{inert(result.lab)}: checks (median over seeds)"))
        for column in ("check", "measured", "target", "per seed", "result"):
            table.add_column(column, overflow="fold")
        for check in result.checks:
            table.add_row(check.label, metric_text(check.median), check.target,
                          " ".join(metric_text(v, 3) for v in check.values),
                          "[green]pass[/]" if check.passed else "[red]FAIL[/]")
        for name, value in result.shown.items():
            table.add_row(Text(f"{name} (shown, not graded)", style="dim"), metric_text(value),
                          "-", "", "")
        console.print(table)
    problem = next((r for r in result.runs if r.log and r.verdict not in ("pass", "fail")), None)
    if problem:
        console.print("[dim]last lines your code printed (for reading, not evidence):[/]")
        console.print(Text(inert(problem.log.rstrip(), lines=15, last=True), style="dim"),
                      overflow="fold")
    console.print(labelled("verdict:", Text.assemble(_verdict(result.verdict), ": ",
                                                     inert(result.reason))))
    if result.hint:
        console.print(labelled("next step:", inert(result.hint)))
    from mllab.graders.report import seed_pairs_text

    console.print(Text(f"seeds: {seeds_text(result)} · {result.seconds:.1f}s · mode "
                       f"{result.mode} · isolation: {result.isolation}", style="dim"))
    if result.seed_pairs:  # fresh on every local grading: how to get this one back
        console.print(Text(f"seeds: {seed_pairs_text(result.seed_pairs)} (--seeds with them "
                           "replays this grading)", style="dim"), soft_wrap=True)


def validation_table(rows) -> Table:
    """One row per file: its role, the verdict it got (a broken file and a non-fix should
    fail, a fix pass), ok, the gating metrics' mean [min, max]; legible at 80 columns."""
    from mllab.graders.report import metric_text

    several = len({row.lab for row in rows}) > 1
    title = "mllab validate" + ("" if several or not rows else f": {rows[0].lab}")
    table = Table(title=title)
    if several:
        table.add_column("lab", overflow="fold")
    table.add_column("file", overflow="fold", ratio=2)
    table.add_column("role", no_wrap=True)
    table.add_column("got", no_wrap=True)
    table.add_column("ok", no_wrap=True)
    table.add_column("mean [min, max]", overflow="fold", ratio=3)
    table.add_column("s", no_wrap=True, justify="right")
    for row in rows:
        stats = "; ".join(f"{name} {metric_text(mean, 3)} [{metric_text(low, 3)}, "
                          f"{metric_text(high, 3)}]"
                          for name, (mean, low, high) in row.distributions.items())
        table.add_row(*([row.lab] if several else []), row.file, row.role,
                      _verdict(row.verdict), "[green]yes[/]" if row.ok else "[red]NO[/]",
                      stats or Text(inert(row.reason)), f"{row.seconds:.0f}")
    return table


def margin_table(margins) -> Table:
    """Per gating target: how far the worst fix and the closest stopped non-fix sit from it."""
    table = Table(title="margins over all seeds (distance from the target)")
    for column in ("metric", "target", "worst fix", "closest file it stops"):
        table.add_column(column, overflow="fold")

    def number(value) -> str:
        return "-" if value is None else f"{value:.4g}"

    several = len({m.lab for m in margins}) > 1
    for m in margins:
        table.add_row(f"{m.lab}: {m.metric}" if several else m.metric, m.target,
                      f"{number(m.worst_fix)} ({number(m.fix_margin)})",
                      "-" if m.best_stopped is None else
                      f"{number(m.best_stopped)} ({number(m.stopped_margin)}, {m.stopped_file})")
    return table


def class_table(lab: Lab, reports: dict, width: int = 200) -> Table:
    """One row per student: name, verdict, score, seconds, then as many of the gating
    metrics' medians as fit in ``width`` columns, and the reason where room is left; what
    does not fit is named in the caption (the gradebook CSV has every column)."""
    from rich.cells import cell_len
    from rich.text import Text

    from mllab.graders.gradebook import metric_columns, printable, score, shown_verdict
    from mllab.graders.report import counted

    mode = next(iter(reports.values())).mode
    rows = []
    for student, result in reports.items():
        medians = {check.metric: f"{check.median:.3g}" for check in result.checks}
        earned = score(lab, result)
        rows.append({"student": printable(student), "verdict": shown_verdict(result),
                     "score": "regrade" if earned is None else f"{earned:g}/{lab.points:g}",
                     "seconds": f"{result.seconds:.1f}", "reason": printable(result.reason),
                     **{metric: medians.get(metric, "-") for metric in metric_columns(lab)}})

    def wide(column: str, cap: int = 1_000) -> int:  # its width in the table, borders included
        return min(cap, max(cell_len(column), *(cell_len(row[column]) for row in rows))) + 3

    # Names and verdicts whole (a name may wrap past 16 characters), then each metric while
    # it fits, then the reason if 24 columns are left for it: never a column squeezed to
    # nothing, never a score cut to `100/1…`.
    room = width - 1 - wide("student", 16) - sum(map(wide, ("verdict", "score", "seconds")))
    metrics = []
    for metric in metric_columns(lab):
        if wide(metric) > room:
            break
        metrics.append(metric)
        room -= wide(metric)
    reason = room >= 24 + 3
    left_out = [m for m in metric_columns(lab) if m not in metrics] + ([] if reason else ["reason"])
    table = Table(title=f"{lab.id}: {counted(len(reports), 'submission')}, {mode} grading",
                  caption=(f"not shown at this width: {', '.join(left_out)} (in the gradebook)"
                           if left_out else None))
    table.add_column("student", overflow="fold", min_width=min(16, wide("student") - 3))
    for column in ("verdict", "score", *metrics):
        table.add_column(column, no_wrap=True)
    if reason:
        table.add_column("reason", ratio=1)
    table.add_column("seconds", no_wrap=True, justify="right")
    for row in rows:
        # Names and reasons come from students: Text is never read as markup.
        table.add_row(Text(row["student"]), _verdict(row["verdict"]), row["score"],
                      *(row[m] for m in metrics), *([Text(row["reason"])] if reason else []),
                      row["seconds"])
    return table


def class_summary(console: Console, lab: Lab, summary) -> None:
    """Pass rate, the check most fails missed, problem kinds, slowest, who to regrade."""
    from rich.text import Text

    from mllab.graders.gradebook import printable
    from mllab.graders.report import counted

    lines = [f"passed: {summary.passed}/{summary.students} ({summary.pass_rate:.0%})"]
    if summary.mean_score is not None:
        lines.append(f"mean score: {summary.mean_score:g}/{lab.points:g}")
    if summary.unchanged:
        lines.append(f"handed in the starter file unchanged: {summary.unchanged} (0 points; "
                     "--grade-unchanged grades them)")
    if summary.failing_check:
        label, count = summary.failing_check
        lines.append(f"most missed check: {label} ({counted(count, 'fail')})")
    if summary.problems:
        lines.append("could not be graded (learner side): " +
                     ", ".join(f"{kind} {count}" for kind, count in summary.problems.items()))
    if summary.slowest:
        lines.append("slowest: " + ", ".join(f"{printable(who)} {seconds:.1f}s"
                                             for who, seconds in summary.slowest))
    for line in lines:
        console.print(Text(line), soft_wrap=True)
    if summary.regrade:
        console.print(Text(f"mllab could not grade {len(summary.regrade)}: "
                           f"{', '.join(map(printable, summary.regrade))}; rerun to regrade them",
                           style="bold magenta"), soft_wrap=True)


def calibration_toml(rows) -> str:
    """``[calibration.<file stem>]`` tables of ``metric = [mean, min, max]``, ready to paste."""
    blocks = []
    for row in rows:
        if not row.distributions:
            continue
        lines = [f"[calibration.{row.file.removesuffix('.py')}]  # {row.lab}, {row.role}"]
        lines += [f"{name} = [{mean:g}, {low:g}, {high:g}]"
                  for name, (mean, low, high) in row.distributions.items()]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def noticed(console: Console, findings, checked: list[str]) -> None:
    """The "what we noticed" section: each finding's measurement and why it matters, or
    what was looked at when nothing stood out. Every number came from learner code."""
    console.print(Text("what we noticed", style="bold"))
    if not findings:
        console.print(labelled("  nothing unusual noticed;", "checked: " +
                               (", ".join(checked) or "nothing could be measured"), "green"))
        return
    for finding in findings:
        console.print(labelled(f"  {inert(finding.name, limit=60, lines=1)}:",
                               f"{inert(finding.measured, limit=1000, lines=1)}. Why it "
                               f"matters: {inert(finding.why, limit=1000, lines=1)}.", "yellow"))


def curves(console: Console, found, png=None, problem: str | None = None) -> None:
    """Each curve's series as a one-line plot (first and last value at its ends), then
    where the PNG is (or why it is not). Every number came from learner code."""
    from mllab.graders.curves import sparkline

    console.print(Text("curves", style="bold"))
    width = max(16, min(60, console.width - 30))
    for curve in found:
        if curve.points:  # a scatter has no one-line plot: what it shows, in words
            console.print(labelled(f"  {curve.title}:", inert(curve.note, 200, 1), "default"))
            continue
        for name, x, y in curve.series:
            label = curve.title if len(curve.series) == 1 else f"{curve.title}, {inert(name, 40, 1)}"
            if len(y) == 1:
                console.print(labelled(f"  {label}:", f"one value only, {y[0]:.3g} at "
                                       f"{curve.x_label} {x[0]:g}", "default"))
                continue
            line = Text(f"  {label}\n    ")
            line.append(f"{y[0]:.3g} ", style="dim")
            line.append(sparkline(y, width, log=curve.log_y), style="cyan")
            line.append(f" {y[-1]:.3g}", style="dim")
            console.print(line)
            scale = ", log scale" if curve.log_y else ""
            console.print(labelled("   ", Text(f"{curve.x_label} {x[0]:g} to {x[-1]:g}; "
                                               f"{curve.y_label} from {y.min():.3g} to "
                                               f"{y.max():.3g}{scale}", style="dim"), "dim"))
        if curve.reference:
            console.print(labelled("   ", Text(f"{curve.reference[0]}: {curve.reference[1]:.3g}",
                                               style="dim"), "dim"))
        for name, x, y in curve.marks:
            console.print(labelled("   ", Text(f"{name}: {curve.x_label} {x:.3g}, "
                                               f"{curve.y_label} {y:.3g}", style="dim"), "dim"))
        if curve.note:
            console.print(labelled("   ", Text(inert(curve.note, 400, 2), style="dim"), "dim"))
        if curve.said:
            console.print(labelled("   ", Text(inert(curve.said, 1000, 4), style="dim"), "dim"))
    if png is not None:
        console.print(Text(f"  plot: {png}", style="dim"), soft_wrap=True)  # a path to copy
    elif problem:
        console.print(Text(f"  no PNG: {inert(problem, 200, 1)}", style="yellow"))
