"""``mllab interview``: a timed mock debugging round on a lab the learner has not seen.

A round lives in a folder of its own, ``<workspace>/interviews/<round id>/``:

- ``round.json``: the ``Round`` below, rewritten atomically (a temporary file, then
  ``os.replace``) under a lock. The clock is wall time from ``started_at``, so closing
  the terminal stops nothing. Until the round is finished the file names the lab only
  by a digest: opening it gives nothing away either.
- ``model.py``: the learner's copy of the team's file, under a name that says nothing
  about the bug (its pointers to ``mllab show <lab>`` point at the round's tools).
- ``explanation.txt``: the learner's answer, once given.

Everything here is data and arithmetic: ``Round`` (the state), ``Rubric``, the cause
list and the ``ScoreCard``, rendered for people by ``show_card`` and for machines by
``ScoreCard.to_dict`` from the same object. ``cli.py`` grades and prints.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import random
import re
import secrets
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

from rich.table import Table
from rich.text import Text

from mllab.labs import Lab
from mllab.ui.render import inert
from mllab.learner.workspace import WorkspaceError

FOLDER = "interviews"
STATE = "round.json"
COPY = "model.py"
EXPLANATION = "explanation.txt"
DEFAULT_MINUTES = 45
TEMPTING_SHOWN = 3  # of the lab's own tempting causes, at most this many are listed
OTHER_LABS_SHOWN = 2  # real causes of other labs added to the list


@dataclass(frozen=True)
class Rubric:
    """Points of a round (documented in docs/interview.md and the README)."""

    fix: int = 50  # the last graded submission passes (the same grade as `mllab submit`)
    cause: int = 25  # the real root cause picked from the list
    explanation: int = 5  # an explanation of two to four sentences
    time: int = 20  # a passing fix's bonus, scaled by the share of the time left at finish
    hint: int = 5  # taken off per hint
    diagnosis: int = 3  # taken off per `mllab interview diagnose`

    @property
    def max_score(self) -> int:
        return self.fix + self.cause + self.explanation + self.time


RUBRIC = Rubric()


class RoundError(WorkspaceError):
    """No round where one is needed, a round in the wrong phase, or a damaged state file;
    the message is one line for the learner."""


@dataclass(frozen=True)
class Action:
    """One use of a tool during the round (run, diagnose, hint, submit)."""

    at: float
    tool: str
    note: str = ""


@dataclass(frozen=True)
class Submission:
    """One graded version of the round's file."""

    at: float  # when its grading started
    verdict: str
    reason: str
    metrics: dict[str, float]  # each check's median over the seeds, and the shown metrics
    seconds: float
    late: bool = False  # graded at the end from a file changed after the clock ran out


@dataclass(frozen=True)
class Round:
    id: str
    seed: int  # orders the cause list of this round
    lab_digest: str  # the lab, unnamed until the round is finished (see lab_digest())
    minutes: float
    started_at: float
    actions: tuple[Action, ...] = ()
    submissions: tuple[Submission, ...] = ()
    fix_closed_at: float | None = None  # finish (or give-up) ended the work on the fix
    gave_up: bool = False
    finished_at: float | None = None
    lab: str | None = None  # named once finished
    cause: int | None = None  # the option picked, as numbered on the list (from 1)
    explanation: str = ""
    card: dict | None = None  # the score card, once finished

    @property
    def deadline(self) -> float:
        return self.started_at + self.minutes * 60

    def seconds_left(self, now: float) -> float:
        return max(0.0, self.deadline - (self.finished_at or now))

    def used(self, tool: str) -> int:
        return sum(action.tool == tool for action in self.actions)

    def phase(self, now: float) -> str:
        """``fixing``, ``time-up`` (fixing, clock run out), ``answering`` or ``finished``."""
        if self.finished_at is not None:
            return "finished"
        if self.fix_closed_at is not None:
            return "answering"
        return "time-up" if now >= self.deadline else "fixing"

    def final_submission(self) -> Submission | None:
        """The submission that counts: the last one mllab could grade."""
        return next((s for s in reversed(self.submissions) if s.verdict != "internal-error"),
                    None)


def submission_of(report, at: float, late: bool = False) -> Submission:
    """What a round keeps of a grading ``Report`` started at ``at``."""
    metrics = {check.metric: check.median for check in report.checks}
    return Submission(at=at, verdict=report.verdict, reason=report.reason,
                      metrics={**metrics, **report.shown}, seconds=report.seconds, late=late)


def lab_digest(seed: int, lab_id: str) -> str:
    return hashlib.sha256(f"{seed}:{lab_id}".encode()).hexdigest()


def clock(seconds: float) -> str:
    """``seconds`` as m:ss (h:mm:ss from an hour)."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


# ------------------------------------------------------------------ state on disk


def rounds_folder(workspace: Path) -> Path:
    return workspace / FOLDER


def load(folder: Path) -> Round:
    """The round in ``folder``; ``RoundError`` when its state is missing or damaged."""
    path = folder / STATE
    try:
        data = json.loads(path.read_text())
        return _checked(Round(**{
            **data, "actions": tuple(Action(**a) for a in data["actions"]),
            "submissions": tuple(Submission(**s) for s in data["submissions"])}))
    except OSError as exc:
        raise RoundError(f"cannot read {path}: {exc.strerror}") from None
    except (ValueError, TypeError, KeyError) as exc:
        raise RoundError(f"{path} is damaged ({type(exc).__name__}: {exc}); move that round's "
                         "folder away to start another") from None


def _checked(state: Round) -> Round:
    """``state`` if every field has its type (the file is the learner's to edit), else
    ``TypeError``: nothing later trips over a string where a time should be."""
    def number(value, optional=False):
        return (optional and value is None) or (
            isinstance(value, (int, float)) and not isinstance(value, bool) and
            math.isfinite(value))

    fine = (all(isinstance(v, str) for v in (state.id, state.lab_digest, state.explanation))
            and isinstance(state.seed, int) and number(state.minutes) and state.minutes > 0
            and number(state.started_at) and number(state.fix_closed_at, True)
            and number(state.finished_at, True) and isinstance(state.gave_up, bool)
            and (state.cause is None or isinstance(state.cause, int))
            and (state.lab is None or isinstance(state.lab, str))
            and (state.card is None or isinstance(state.card, dict))
            and all(number(a.at) and isinstance(a.tool, str) and isinstance(a.note, str)
                    for a in state.actions)
            and all(number(s.at) and number(s.seconds) and isinstance(s.verdict, str)
                    and isinstance(s.reason, str) and isinstance(s.late, bool)
                    and isinstance(s.metrics, dict)
                    and all(isinstance(k, str) and number(v) for k, v in s.metrics.items())
                    for s in state.submissions))
    if not fine:
        raise TypeError("a field has the wrong type")
    return state


def _save(folder: Path, state: Round) -> None:
    """Write ``state`` beside ``round.json``, then swap it in: never half a file."""
    fd, partial = tempfile.mkstemp(prefix=".round-", suffix=".partial", dir=folder)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(asdict(state), fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, folder / STATE)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)


def update(folder: Path, change: Callable[[Round], Round]) -> Round:
    """Apply ``change`` to the round as it is on disk now (another terminal may have
    changed it during a grade), under a lock; return the new state."""
    import fcntl

    try:
        with open(folder / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = change(load(folder))
            _save(folder, state)
            return state
    except OSError as exc:
        raise RoundError(f"cannot write the round in {folder}: {exc.strerror}; choose a "
                         "writable workspace with --workspace") from None


def rounds(workspace: Path) -> list[tuple[Path, Round]]:
    """Every round of the workspace, oldest first; a damaged state file is left as it is
    and skipped (``load`` says what is wrong with it)."""
    root = rounds_folder(workspace)
    found = []
    for folder in sorted(p.parent for p in root.glob(f"*/{STATE}")) if root.is_dir() else []:
        with contextlib.suppress(RoundError):
            found.append((folder, load(folder)))
    return found


def open_round(workspace: Path) -> tuple[Path, Round] | None:
    """The round not finished yet, if any (``start`` allows one at a time)."""
    return next(((f, r) for f, r in reversed(rounds(workspace)) if r.finished_at is None), None)


def lab_of(state: Round, labs) -> Lab:
    """The round's lab among ``labs``; ``RoundError`` when its course is gone."""
    for lab in labs:
        if lab.id == state.lab or lab_digest(state.seed, lab.id) == state.lab_digest:
            return lab
    raise RoundError(f"the lab of round {state.id} is no longer installed (was its course "
                     "removed?)")


# ------------------------------------------------------------------ starting


def draw(labs, status: dict[str, str], drawn: set[str], level: str | None,
         rng: random.Random) -> Lab:
    """A lab with interview metadata (at ``level``): preferably one neither solved (passed,
    or given up: its solution was seen) nor drawn before, else one not solved, else any.
    ``status``: lab id -> progress status."""
    pool = [lab for lab in labs if lab.interview and (level is None or lab.difficulty == level)]
    solved = {lab_id for lab_id, value in status.items() if value in ("passed", "gave-up")}
    if not pool:
        at = f" at level {level!r}" if level else ""
        raise RoundError(f"no lab{at} has interview metadata (an [interview] table in lab.toml)")
    for keep in (lambda lab: lab.id not in solved | drawn, lambda lab: lab.id not in solved,
                 lambda lab: True):
        tier = [lab for lab in pool if keep(lab)]
        if tier:
            return rng.choice(tier)
    raise AssertionError("unreachable")


def neutral_copy(lab: Lab) -> str:
    """The team's file as the round hands it over: ``mllab VERB <lab>`` becomes the round's
    own command (``show`` becomes ``submit``, whose report lists the targets)."""
    verbs = {"show": "submit", "run": "run", "diagnose": "diagnose", "hint": "hint",
             "submit": "submit"}
    return re.sub(rf"mllab(\s+)([\w-]+)\s+{re.escape(lab.id)}\b",
                  lambda m: f"mllab{m[1]}interview {verbs.get(m[2], 'status')}",
                  lab.broken_file.read_text())


def start(workspace: Path, lab: Lab, minutes: float, now: float) -> tuple[Path, Round]:
    """Create the round's folder with its copy and state; return (folder, round)."""
    if open_round(workspace):
        raise RoundError("a round is still open: `mllab interview status` shows it, "
                         "`mllab interview finish` ends it")
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    root = rounds_folder(workspace)
    try:
        root.mkdir(parents=True, exist_ok=True)
        folder, n = root / stamp, 1
        while True:
            try:
                folder.mkdir()
                break
            except FileExistsError:
                n += 1
                folder = root / f"{stamp}-{n}"
        (folder / COPY).write_text(neutral_copy(lab))
        seed = secrets.randbits(32)
        state = Round(id=folder.name, seed=seed, lab_digest=lab_digest(seed, lab.id),
                      minutes=minutes, started_at=now)
        _save(folder, state)
    except OSError as exc:
        raise RoundError(f"cannot write to the workspace {workspace}: {exc.strerror}; choose "
                         "a writable folder with --workspace") from None
    return folder, state


# ------------------------------------------------------------------ the cause question


def cause_list(state: Round, lab: Lab, labs) -> tuple[list[str], int]:
    """(the options, as numbered from 1; the number of the real cause): the lab's cause,
    some of its tempting causes and the real causes of other labs (those sharing a topic
    first), in an order fixed by the round's seed."""
    rng = random.Random(state.seed)
    own = lab.interview
    tempting = rng.sample(own.tempting_causes, min(TEMPTING_SHOWN, len(own.tempting_causes)))
    others = sorted((other for other in labs if other.interview and other.id != lab.id),
                    key=lambda other: (-len(set(other.topics) & set(lab.topics)), rng.random()))
    options = [own.cause, *tempting]
    for other in others:
        if len(options) >= 1 + len(tempting) + OTHER_LABS_SHOWN:
            break
        if other.interview.cause not in options:
            options.append(other.interview.cause)
    rng.shuffle(options)
    return options, options.index(own.cause) + 1


def sentences(text: str) -> int:
    """How many sentences of at least three words ``text`` holds."""
    parts = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return sum(len(part.split()) >= 3 for part in parts)


# ------------------------------------------------------------------ the score card


@dataclass(frozen=True)
class ScoreCard:
    """How a round went, on ``RUBRIC``; ``points`` sums to ``score`` (floored at 0)."""

    round: str
    lab: str
    title: str
    verdict: str  # the counted grade's verdict, "gave-up" or "not-graded"
    reason: str
    metrics: dict[str, float]
    late: bool  # the counted grade is of a file changed after the clock ran out
    cause: int | None
    cause_correct: bool
    real_cause: str
    causes: list[str]
    explanation: str
    sentences: int
    seconds_used: float
    seconds_allowed: float
    timed_out: bool
    gave_up: bool
    hints: int
    diagnoses: int
    submissions: int
    points: dict[str, int] = field(default_factory=dict)
    score: int = 0
    max_score: int = RUBRIC.max_score
    started_at: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def score_card(state: Round, lab: Lab, labs, rubric: Rubric = RUBRIC) -> ScoreCard:
    """The card of a finished round (``state.finished_at`` set)."""
    final = state.final_submission()
    verdict = "gave-up" if state.gave_up else final.verdict if final else "not-graded"
    late = bool(final and final.late) and not state.gave_up
    fixed = verdict == "pass" and not late
    allowed = state.minutes * 60
    used = max(0.0, min(state.finished_at, state.deadline) - state.started_at)
    options, real = cause_list(state, lab, labs)
    count = sentences(state.explanation)
    hints, diagnoses = state.used("hint"), state.used("diagnose")
    points = {"fix": rubric.fix if fixed else 0,
              "cause": rubric.cause if state.cause == real else 0,
              "explanation": rubric.explanation if 2 <= count <= 4 else 0,
              "time": math.floor(rubric.time * (allowed - used) / allowed) if fixed else 0,
              "hints": -rubric.hint * hints, "diagnoses": -rubric.diagnosis * diagnoses}
    return ScoreCard(
        round=state.id, lab=lab.id, title=lab.title, verdict=verdict,
        reason=final.reason if final and not state.gave_up else "",
        metrics=dict(final.metrics) if final and not state.gave_up else {}, late=late,
        cause=state.cause, cause_correct=state.cause == real, real_cause=lab.interview.cause,
        causes=options, explanation=state.explanation, sentences=count,
        seconds_used=round(used, 1), seconds_allowed=allowed,
        timed_out=state.finished_at >= state.deadline, gave_up=state.gave_up, hints=hints,
        diagnoses=diagnoses, submissions=len(state.submissions), points=points,
        score=max(0, sum(points.values())), max_score=rubric.max_score,
        started_at=state.started_at)


def finish(state: Round, lab: Lab, labs, cause: int | None, explanation: str,
           now: float) -> Round:
    """``state`` finished now with this answer: the lab named, the card attached."""
    done = replace(state, finished_at=now, fix_closed_at=state.fix_closed_at or now,
                   lab=lab.id, cause=cause, explanation=explanation.strip())
    return replace(done, card=score_card(done, lab, labs).to_dict())


# ------------------------------------------------------------------ for people


def show_card(console, card: ScoreCard) -> None:
    """The score card: each line of the rubric with its points, then the real cause."""
    from mllab.graders.report import metric_text
    from mllab.ui.render import duration

    console.rule(Text(f"score card · round {card.round}", style="bold"))
    table = Table(show_header=False, box=None, padding=(0, 1))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_column(justify="right")
    fix = {"gave-up": "gave up", "not-graded": "not graded"}.get(card.verdict, card.verdict)
    style = "green" if card.verdict == "pass" and not card.late else "red"
    table.add_row("lab", Text(f"{card.lab}: {card.title}"), "")
    table.add_row("fix", Text.assemble((fix, style), f": {inert(card.reason)}" if card.reason
                                       else "", " (file changed after time ran out)"
                                       if card.late else ""), _points(card.points["fix"]))
    if card.metrics:
        table.add_row("", Text(", ".join(f"{name} {metric_text(value)}"
                                         for name, value in card.metrics.items()),
                               style="dim"), "")
    picked = f"{card.cause}. {card.causes[card.cause - 1]}" if card.cause else "not answered"
    table.add_row("root cause", Text.assemble(("right" if card.cause_correct else "wrong",
                                               "green" if card.cause_correct else "red"),
                                              f": {picked}"), _points(card.points["cause"]))
    table.add_row("explanation", f"{card.sentences} sentence(s) (2 to 4 score)",
                  _points(card.points["explanation"]))
    over = " (time ran out)" if card.timed_out else ""
    table.add_row("time", f"{duration(card.seconds_used)} of "
                          f"{duration(card.seconds_allowed)} used{over}",
                  _points(card.points["time"]))
    table.add_row("hints", f"{card.hints} taken", _points(card.points["hints"]))
    table.add_row("diagnoses", f"{card.diagnoses} taken", _points(card.points["diagnoses"]))
    table.add_row("score", "", Text(f"{card.score} / {card.max_score}", style="bold"))
    console.print(table)
    if not card.cause_correct:
        console.print(Text.assemble(("the real cause: ", "bold"), card.real_cause))


def _points(value: int) -> str:
    return f"{value:+d}" if value else "0"


def rounds_table(finished: list[Round]) -> Table:
    """Past rounds, oldest first, with their scores (``mllab progress``)."""
    from mllab.ui.render import duration

    from rich import box

    table = Table(title="interview rounds", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
    for column in ("round", "lab", "time", "fix", "cause", "hints", "diag.", "score"):
        table.add_column(column, no_wrap=column in ("round", "lab"), overflow="fold")
    for state in finished:
        card = state.card or {}

        def number(key: str, default: float = 0) -> float:  # the file is the learner's
            value = card.get(key, default)
            return value if isinstance(value, (int, float)) and math.isfinite(value) else default

        table.add_row(state.id, state.lab or "?", duration(number("seconds_used")),
                      inert(card.get("verdict", "?"), 40, 1),
                      "right" if card.get("cause_correct") is True else "wrong",
                      f"{number('hints'):g}", f"{number('diagnoses'):g}",
                      f"{number('score'):g}/{number('max_score', RUBRIC.max_score):g}")
    return table
