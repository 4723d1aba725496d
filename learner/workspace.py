"""The learner's workspace: their copies of the broken files, backups, and history.

A workspace is a folder (``./mllab-work`` by default, or ``--workspace`` /
``MLLAB_WORKSPACE``) holding ``<lab>.py`` copies, ``.backups/`` and
``.mllab.sqlite`` with attempts, hint progress and events (started, debrief
shown, gave up).

Every failure to read or write it is a ``WorkspaceError`` with one line for the
learner; a copy is replaced atomically, after the edits it replaces are backed up.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from mllab.labs import Lab

ENV_VAR = "MLLAB_WORKSPACE"
DEFAULT_DIR = "mllab-work"
DATABASE = ".mllab.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    lab TEXT NOT NULL, at REAL NOT NULL, file TEXT NOT NULL,
    verdict TEXT NOT NULL, reason TEXT NOT NULL, seconds REAL NOT NULL,
    seeds TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS hints (lab TEXT PRIMARY KEY, shown INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (lab TEXT NOT NULL, event TEXT NOT NULL, at REAL NOT NULL);
"""
EVENTS = ("started", "debrief", "gave-up")
DIFFICULTIES = ("beginner", "intermediate", "advanced")


class WorkspaceError(Exception):
    """An action would lose the learner's work, needs a file that is not there, or the
    workspace cannot be read or written; the message is one line for the learner."""


def locate(override: str | os.PathLike | None = None) -> Path:
    """The workspace folder: the override, else ``$MLLAB_WORKSPACE``, else ``./mllab-work``.

    Raises ``WorkspaceError`` when that path exists and is not a folder.
    """
    root = Path(override or os.environ.get(ENV_VAR) or Path.cwd() / DEFAULT_DIR).resolve()
    if root.exists() and not root.is_dir():
        named_by = "--workspace" if override else f"${ENV_VAR}" if os.environ.get(ENV_VAR) else ""
        raise WorkspaceError(f"the workspace {root} is a file, not a folder"
                             + (f"; point {named_by} at a folder" if named_by else ""))
    return root


def _storable(text: str) -> str:
    """``text`` as valid UTF-8: a learner's message or file name may hold lone surrogates."""
    return text.encode("utf-8", "replace").decode("utf-8")


def easiest_first(labs) -> list[Lab]:
    """``labs`` ordered beginner, intermediate, advanced (any other level last), then by id."""
    def rank(lab: Lab) -> tuple[int, str]:
        level = lab.difficulty
        return (DIFFICULTIES.index(level) if level in DIFFICULTIES else len(DIFFICULTIES), lab.id)
    return sorted(labs, key=rank)


def ready_labs(drafts: bool = False) -> list[Lab]:
    """Every lab a learner may see, easiest first. Drafts (skeleton text left, or not yet
    validated on 20 seeds: ``Lab.validated``) only with ``drafts``; skeleton text never."""
    from mllab import labs
    from mllab.instructor.scaffold import placeholders

    return easiest_first(tuple(lab for lab in labs.all_labs() if not placeholders(lab)
                               and (drafts or lab.validated)))


def suggested_next(labs, progress: dict[str, "LabProgress"]) -> Lab | None:
    """The easiest lab neither passed nor given up (``labs`` easiest first), else None."""
    return next((lab for lab in labs if progress[lab.id].status not in ("passed", "gave-up")),
                None)


@dataclass(frozen=True)
class LabProgress:
    """One lab's history in this workspace."""

    lab: str
    status: str  # new, started, attempted, gave-up or passed
    attempts: int
    hints_shown: int
    grading_seconds: float  # summed over every attempt
    first_pass: float | None  # epoch seconds
    time_to_pass: float | None  # seconds from the first start (or first attempt) to the first pass
    gave_up: bool


class Workspace:
    def __init__(self, root: Path):
        self.root = root

    def copy_of(self, lab: Lab) -> Path:
        return self.root / f"{lab.id}.py"

    def is_edited(self, lab: Lab) -> bool:
        copy = self.copy_of(lab)
        with self._reading(copy):
            return copy.exists() and copy.read_bytes() != lab.broken_file.read_bytes()

    def start(self, lab: Lab, force: bool = False) -> tuple[Path, Path | None]:
        """Copy the broken file in; return (copy, backup of an edited copy replaced by force)."""
        if self.is_edited(lab) and not force:
            raise WorkspaceError(f"{self.copy_of(lab)} has your edits; use --force to replace "
                                 f"it (a backup is kept), or `mllab reset {lab.id}` to start over")
        self.mark(lab.id, "started")
        return self._install(lab)

    def reset(self, lab: Lab) -> tuple[Path, Path | None]:
        """Restore the broken file; return (copy, backup of the learner's edits or None)."""
        return self._install(lab)

    def _install(self, lab: Lab) -> tuple[Path, Path | None]:
        copy, backup = self.copy_of(lab), None
        partial = self.root / f".{copy.name}.partial"
        with self._writing():
            self.root.mkdir(parents=True, exist_ok=True)
            if self.is_edited(lab):
                backup = self._backup(lab)
            try:  # never leave a half-written copy: write beside it, then swap it in
                shutil.copyfile(lab.broken_file, partial)
                os.replace(partial, copy)
            finally:
                partial.unlink(missing_ok=True)
        return copy, backup

    def _backup(self, lab: Lab) -> Path:
        """Copy the learner's edited copy to ``.backups/``; return the backup's path."""
        backups = self.root / ".backups"
        backups.mkdir(exist_ok=True)
        stamp = f"{lab.id}-{time.strftime('%Y%m%d-%H%M%S')}"
        backup, n = backups / f"{stamp}.py", 1
        while backup.exists():  # two resets within the same second
            n += 1
            backup = backups / f"{stamp}-{n}.py"
        shutil.copy2(self.copy_of(lab), backup)
        return backup

    def require_copy(self, lab: Lab) -> Path:
        copy = self.copy_of(lab)
        if not copy.exists():
            raise WorkspaceError(f"no copy of {lab.id} in {self.root}; run `mllab start {lab.id}`")
        return copy

    # ------------------------------------------------------------ errors

    @contextlib.contextmanager
    def _writing(self):
        """Turn a failure to write the workspace into one line for the learner."""
        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise WorkspaceError(f"cannot write to the workspace {self.root}: {why}; choose a "
                                 f"writable folder with --workspace or ${ENV_VAR}") from None

    @contextlib.contextmanager
    def _reading(self, path: Path):
        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise WorkspaceError(f"cannot read {path}: {why}") from None

    # ------------------------------------------------------------ history

    def _write(self, sql: str, args: tuple) -> None:
        with self._writing():
            self.root.mkdir(parents=True, exist_ok=True)
            with contextlib.closing(sqlite3.connect(self.root / DATABASE)) as db, db:
                db.executescript(_SCHEMA)
                columns = {row[1] for row in db.execute("PRAGMA table_info(attempts)")}
                if "seeds" not in columns:  # a history from before attempts kept their seeds
                    db.execute("ALTER TABLE attempts ADD COLUMN seeds TEXT NOT NULL DEFAULT ''")
                db.execute(sql, args)

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        """The rows of a query; none when the workspace has no history (yet). Writes nothing,
        so a read-only workspace can still be read."""
        path = self.root / DATABASE
        if not path.exists():
            return []
        with self._reading(path):
            with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
                try:
                    return db.execute(sql, args).fetchall()
                except sqlite3.OperationalError as exc:
                    if "no such table" in str(exc):  # a history from an older mllab
                        return []
                    raise

    def record(self, lab_id: str, file: Path, verdict: str, reason: str, seconds: float,
               seed_pairs=()) -> None:
        """One attempt, with the seeds it was graded on (``train:eval,...``, what `submit
        --seeds` takes to grade it again)."""
        from mllab.graders.report import seed_pairs_text

        self._write("INSERT INTO attempts (lab, at, file, verdict, reason, seconds, seeds) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (lab_id, time.time(), _storable(str(file)), verdict,
                     _storable(reason[:2000]), seconds, seed_pairs_text(seed_pairs)))

    def mark(self, lab_id: str, event: str) -> None:
        """Record that ``event`` (one of ``EVENTS``) happened for the lab now."""
        assert event in EVENTS, event
        self._write("INSERT INTO events VALUES (?, ?, ?)", (lab_id, event, time.time()))

    def happened(self, lab_id: str, event: str) -> bool:
        return bool(self._rows("SELECT 1 FROM events WHERE lab = ? AND event = ? LIMIT 1",
                               (lab_id, event)))

    def status(self, lab_id: str) -> str:
        """'new', 'started', 'attempted', 'gave-up' or 'passed'."""
        return self.progress([lab_id])[lab_id].status

    def unlocked(self, lab_id: str) -> bool:
        """Whether the debrief and the solution may be shown: the lab passed, or was given up."""
        return self.status(lab_id) in ("passed", "gave-up")

    def progress(self, lab_ids: list[str]) -> dict[str, LabProgress]:
        """Each lab's history, keyed by lab id (in the order given)."""
        attempts: dict[str, list[tuple[float, str, float]]] = {}
        for lab, at, verdict, seconds in self._rows(
                "SELECT lab, at, verdict, seconds FROM attempts ORDER BY at"):
            attempts.setdefault(lab, []).append((at, verdict, seconds))
        hints = dict(self._rows("SELECT lab, shown FROM hints"))
        events: dict[tuple[str, str], float] = {}
        for lab, event, at in self._rows("SELECT lab, event, MIN(at) FROM events "
                                         "GROUP BY lab, event"):
            events[lab, event] = at
        return {lab: self._progress_of(lab, attempts.get(lab, []), hints.get(lab, 0), events)
                for lab in lab_ids}

    def _progress_of(self, lab: str, attempts: list, hints: int, events: dict) -> LabProgress:
        passes = [at for at, verdict, _ in attempts if verdict == "pass"]
        first_pass = passes[0] if passes else None
        began = min([t for t in (events.get((lab, "started")),
                                 attempts[0][0] if attempts else None) if t is not None],
                    default=None)
        gave_up = (lab, "gave-up") in events
        status = ("passed" if passes else "gave-up" if gave_up else
                  "attempted" if attempts else
                  "started" if (self.root / f"{lab}.py").exists() else "new")
        return LabProgress(
            lab=lab, status=status, attempts=len(attempts), hints_shown=hints,
            grading_seconds=round(sum(seconds for _, _, seconds in attempts), 2),
            first_pass=first_pass,
            time_to_pass=round(first_pass - began, 1) if first_pass and began else None,
            gave_up=gave_up)

    def attempts(self, lab_id: str) -> list[tuple[float, str, str]]:
        """(time, verdict, reason) of every attempt, oldest first."""
        return self._rows("SELECT at, verdict, reason FROM attempts WHERE lab = ? ORDER BY at",
                          (lab_id,))

    def hints_shown(self, lab_id: str) -> int:
        """How many of the lab's hints were revealed so far."""
        rows = self._rows("SELECT shown FROM hints WHERE lab = ?", (lab_id,))
        return rows[0][0] if rows else 0

    def next_hint(self, lab: Lab) -> tuple[int, str] | None:
        """Reveal the next hint: return (1-based number, text), or None once all were shown."""
        number = self.hints_shown(lab.id) + 1
        if number > len(lab.hints):
            return None
        self._write("INSERT OR REPLACE INTO hints VALUES (?, ?)", (lab.id, number))
        return number, lab.hints[number - 1]
