"""Rendering results for people (rich). Machines get ``to_dict``/JSON instead."""

from __future__ import annotations

from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from mllab.labs import Lab

VERDICT_STYLE = {"pass": "bold green", "fail": "bold red", "internal-error": "bold magenta"}


def _verdict(verdict: str) -> str:
    style = VERDICT_STYLE.get(verdict, "bold yellow")
    return f"[{style}]{verdict}[/]"


def lab_table(labs: tuple[Lab, ...], statuses: dict[str, str]) -> Table:
    table = Table(title="mllab labs")
    table.add_column("id", no_wrap=True)  # ids are typed into commands: never cut them
    for column in ("title", "difficulty", "topics", "status"):
        table.add_column(column)
    for lab in labs:
        status = statuses[lab.id]
        styled = {"passed": "[green]passed[/]", "attempted": "[yellow]attempted[/]"}
        table.add_row(lab.id, lab.title, lab.difficulty, ", ".join(lab.topics),
                      styled.get(status, status))
    return table


def show_lab(console: Console, lab: Lab) -> None:
    console.rule(f"[bold]{lab.id}[/]: {lab.title}")
    console.print(f"[dim]{lab.difficulty} · {', '.join(lab.topics)}[/]\n")
    console.print(Markdown(lab.scenario))
    console.print(Markdown("## Commands\n"
                           f"- `mllab start {lab.id}`: copy the broken setup into your workspace\n"
                           f"- `mllab run {lab.id}`: run your copy and watch the symptom\n"
                           f"- `mllab hint {lab.id}`: the next hint\n"
                           f"- `mllab submit {lab.id}`: grade your copy\n"
                           f"- `mllab reset {lab.id}`: start over (your edits are backed up)"))


def debrief(console: Console, lab: Lab) -> None:
    console.rule("[bold green]debrief[/]")
    console.print(Markdown(lab.debrief))


def report(console: Console, result) -> None:
    """Print a grading ``Report``: checks, per-seed numbers, verdict, next step."""
    if result.checks:
        table = Table(title=f"{result.lab}: checks (median over seeds)")
        for column in ("check", "measured", "target", "per seed", "result"):
            table.add_column(column)
        for check in result.checks:
            table.add_row(check.label, f"{check.median:.4g}", check.target,
                          " ".join(f"{v:.3g}" for v in check.values),
                          "[green]pass[/]" if check.passed else "[red]FAIL[/]")
        for name, value in result.shown.items():
            table.add_row(f"[dim]{name} (shown, not graded)[/]", f"{value:.4g}", "-", "", "")
        console.print(table)
    problem = next((r for r in result.runs if r.log and r.verdict not in ("pass", "fail")), None)
    if problem:
        console.print("[dim]last lines your code printed (for reading, not evidence):[/]")
        console.print("\n".join(problem.log.rstrip().splitlines()[-15:]), markup=False,
                      highlight=False, style="dim")
    # one logical line each (soft_wrap), so paths and commands in them can be copied
    console.print(f"verdict: {_verdict(result.verdict)}: {result.reason}", highlight=False,
                  soft_wrap=True)
    if result.hint:
        console.print(f"[bold]next step:[/] {result.hint}", highlight=False, soft_wrap=True)
    seeds = ", ".join(f"{r.seed}: {r.verdict} ({r.seconds:.1f}s)" for r in result.runs)
    console.print(f"[dim]seeds: {seeds or '-'} · {result.seconds:.1f}s · mode {result.mode} · "
                  f"isolation: {result.isolation}[/]", highlight=False)


def validation_table(rows) -> Table:
    table = Table(title="mllab validate")
    for column in ("lab", "file", "role", "expected", "got", "ok", "gating metrics mean [min, max]",
                   "seconds"):
        table.add_column(column)
    for row in rows:
        stats = "; ".join(f"{name} {mean:.3g} [{low:.3g}, {high:.3g}]"
                          for name, (mean, low, high) in row.distributions.items())
        table.add_row(row.lab, row.file, row.role, row.expected, _verdict(row.verdict),
                      "[green]yes[/]" if row.ok else "[red]NO[/]", stats or row.reason,
                      f"{row.seconds:.1f}")
    return table


def margin_table(margins) -> Table:
    """Per gating target: how far the worst fix and the closest stopped non-fix sit from it."""
    table = Table(title="margins (worst fix / closest file each target stops, over all seeds)")
    for column in ("lab", "metric", "target", "worst fix", "fix margin", "closest stopped",
                   "its margin", "file"):
        table.add_column(column)

    def number(value) -> str:
        return "-" if value is None else f"{value:.4g}"

    for m in margins:
        table.add_row(m.lab, m.metric, m.target, number(m.worst_fix), number(m.fix_margin),
                      number(m.best_stopped), number(m.stopped_margin), m.stopped_file or "-")
    return table


def class_table(lab: Lab, reports: dict) -> Table:
    """One row per student: verdict, score, the gating metrics' medians, reason."""
    from rich.text import Text

    from mllab.graders.gradebook import metric_columns, printable, score

    mode = next(iter(reports.values())).mode
    table = Table(title=f"{lab.id}: {len(reports)} submission(s), {mode} grading")
    for column in ("student", "verdict", "score", *metric_columns(lab), "reason", "seconds"):
        table.add_column(column)
    for student, result in reports.items():
        medians = {check.metric: f"{check.median:.3g}" for check in result.checks}
        earned = score(lab, result)
        # Names and reasons come from students: Text is never read as markup.
        table.add_row(Text(printable(student)), _verdict(result.verdict),
                      "regrade" if earned is None else f"{earned:g}/{lab.points:g}",
                      *(medians.get(metric, "-") for metric in metric_columns(lab)),
                      Text(printable(result.reason)), f"{result.seconds:.1f}")
    return table


def class_summary(console: Console, lab: Lab, summary) -> None:
    """Pass rate, the check most fails missed, problem kinds, slowest, who to regrade."""
    from rich.text import Text

    from mllab.graders.gradebook import printable

    lines = [f"passed: {summary.passed}/{summary.students} ({summary.pass_rate:.0%})"]
    if summary.mean_score is not None:
        lines.append(f"mean score: {summary.mean_score:g}/{lab.points:g}")
    if summary.failing_check:
        label, count = summary.failing_check
        lines.append(f"most missed check: {label} ({count} fail(s))")
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
