"""The learner's workspace: their copies of the broken files, backups, and history.

A workspace is a folder (``./mllab-work`` by default, or ``--workspace`` /
``MLLAB_WORKSPACE``) holding ``<lab>.py`` copies, ``.backups/`` and
``.mllab.sqlite`` with attempts and hint progress.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

from mllab.labs import Lab

ENV_VAR = "MLLAB_WORKSPACE"
DEFAULT_DIR = "mllab-work"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    lab TEXT NOT NULL, at REAL NOT NULL, file TEXT NOT NULL,
    verdict TEXT NOT NULL, reason TEXT NOT NULL, seconds REAL NOT NULL);
CREATE TABLE IF NOT EXISTS hints (lab TEXT PRIMARY KEY, shown INTEGER NOT NULL);
"""


class WorkspaceError(Exception):
    """An action would lose the learner's work, or needs a file that is not there."""


def locate(override: str | os.PathLike | None = None) -> Path:
    """The workspace folder: the override, else ``$MLLAB_WORKSPACE``, else ``./mllab-work``."""
    return Path(override or os.environ.get(ENV_VAR) or Path.cwd() / DEFAULT_DIR).resolve()


class Workspace:
    def __init__(self, root: Path):
        self.root = root

    def copy_of(self, lab: Lab) -> Path:
        return self.root / f"{lab.id}.py"

    def is_edited(self, lab: Lab) -> bool:
        copy = self.copy_of(lab)
        return copy.exists() and copy.read_bytes() != lab.broken_file.read_bytes()

    def start(self, lab: Lab, force: bool = False) -> tuple[Path, Path | None]:
        """Copy the broken file in; return (copy, backup of an edited copy replaced by force)."""
        if self.is_edited(lab) and not force:
            raise WorkspaceError(f"{self.copy_of(lab)} has your edits; use --force to replace "
                                 "it (a backup is kept), or `mllab reset` to start over")
        return self._install(lab)

    def reset(self, lab: Lab) -> tuple[Path, Path | None]:
        """Restore the broken file; return (copy, backup of the learner's edits or None)."""
        return self._install(lab)

    def _install(self, lab: Lab) -> tuple[Path, Path | None]:
        self.root.mkdir(parents=True, exist_ok=True)
        copy, backup = self.copy_of(lab), None
        if self.is_edited(lab):
            backups = self.root / ".backups"
            backups.mkdir(exist_ok=True)
            stamp = f"{lab.id}-{time.strftime('%Y%m%d-%H%M%S')}"
            backup, n = backups / f"{stamp}.py", 1
            while backup.exists():  # two resets within the same second
                n += 1
                backup = backups / f"{stamp}-{n}.py"
            shutil.copy2(copy, backup)
        shutil.copyfile(lab.broken_file, copy)
        return copy, backup

    def require_copy(self, lab: Lab) -> Path:
        copy = self.copy_of(lab)
        if not copy.exists():
            raise WorkspaceError(f"no copy of {lab.id} in {self.root}; run `mllab start {lab.id}`")
        return copy

    # ------------------------------------------------------------ history

    def _db(self) -> sqlite3.Connection:
        self.root.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.root / ".mllab.sqlite")
        db.executescript(_SCHEMA)
        return db

    def record(self, lab_id: str, file: Path, verdict: str, reason: str, seconds: float) -> None:
        with self._db() as db:
            db.execute("INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?)",
                       (lab_id, time.time(), str(file), verdict, reason, seconds))

    def status(self, lab_id: str) -> str:
        """'new', 'attempted' or 'passed'."""
        if not (self.root / ".mllab.sqlite").exists():
            return "new"
        with self._db() as db:
            verdicts = {v for (v,) in db.execute("SELECT verdict FROM attempts WHERE lab = ?",
                                                  (lab_id,))}
        return "passed" if "pass" in verdicts else "attempted" if verdicts else "new"

    def attempts(self, lab_id: str) -> list[tuple[float, str, str]]:
        """(time, verdict, reason) of every attempt, oldest first."""
        with self._db() as db:
            return db.execute("SELECT at, verdict, reason FROM attempts WHERE lab = ? "
                              "ORDER BY at", (lab_id,)).fetchall()

    def next_hint(self, lab: Lab) -> tuple[int, str]:
        """The next hint (1-based number, text); repeats the last once all were shown."""
        with self._db() as db:
            row = db.execute("SELECT shown FROM hints WHERE lab = ?", (lab.id,)).fetchone()
            number = min((row[0] if row else 0) + 1, len(lab.hints))
            db.execute("INSERT OR REPLACE INTO hints VALUES (?, ?)", (lab.id, number))
        return number, lab.hints[number - 1]
