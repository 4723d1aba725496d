"""Where one grading's runs happen: a run server, else a fresh interpreter per run."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

from mllab.graders.sandbox import server as _server
from mllab.graders.sandbox.budget import ChildRun, Limits
from mllab.graders.sandbox.cleanup import remove_run_folder, run_folder
from mllab.graders.sandbox.cold import run
from mllab.graders.sandbox.inside import RUN_DIR
from mllab.graders.sandbox.levels import run_as_user
from mllab.graders.sandbox.server import Server, ServerLost, ServerUnusable
from mllab.graders.sandbox.users import run_user

COLD_VAR = "MLLAB_COLD_RUNS"  # set to 1: every run starts its own interpreter (no Server)


class Cancelled(BaseException):
    """Ends a run early: its grading was interrupted (Ctrl-C) or is over (another seed
    settled the verdict) while the run went on in another thread."""


class Runner:
    """Where one grading's runs happen: a ``Server`` at the bubblewrap level (unless
    ``$MLLAB_COLD_RUNS`` is 1), else a fresh sandboxed interpreter per run (``run``).

    ``command(verb, path)`` is the argv of ``child.py``: ``grade WORKDIR`` for a run in its
    own interpreter, ``serve ROOT ...`` for a server; ``env(workdir)`` is a run's environment,
    given its folder as the run sees it. Once ``cancelled`` (a ``threading.Event``) is set,
    a run in progress is killed at its next poll and ``Cancelled`` raised."""

    def __init__(self, name: str, command, env, limits: Limits, isolation: str,
                 readable: tuple[Path, ...] = (), hidden: tuple[Path, ...] = (),
                 cancelled=None):
        self.name, self.command, self.env, self.limits = name, command, env, limits
        self.isolation, self.readable, self.hidden = isolation, readable, hidden
        self.cancelled = cancelled
        self.server: Server | None = None
        self._root = None
        self.runs = 0

    def __enter__(self) -> "Runner":
        if self.isolation == "bwrap" and os.environ.get(COLD_VAR) != "1" and \
                not _server.unusable:
            self._root = run_folder(self.name, self.limits.disk_mb)
            root = self._root.__enter__()
            self.server = Server(self.command("serve", str(root)), root, self.env(RUN_DIR),
                                 self.readable, self.hidden, self.limits)
            try:
                self.server.ready()
                if self.server.private:  # its folders vanish with it: know now that it works
                    with self.folder() as trial:
                        self.server.run(trial, self.limits)
            except ServerUnusable as exc:  # nothing of a learner's code ran: all runs cold
                self._unusable(exc)
        return self

    def _unusable(self, exc: ServerUnusable) -> None:
        _server.unusable.append(str(exc))
        print(f"mllab: the run server cannot work here ({str(exc)[:300]}); each run "
              f"starts its own interpreter instead", file=sys.stderr)
        self.server.close()
        self.server = None

    def __exit__(self, *exc) -> None:
        try:
            if self.server:
                self.server.close()
        finally:
            if self._root:
                self._root.__exit__(None, None, None)

    @contextmanager
    def folder(self):
        """A fresh folder for one run, removed afterwards."""
        if not self.server:
            with run_folder(self.name, self.limits.disk_mb) as folder:
                yield folder
            return
        self.runs += 1
        folder = self.server.view / f"run{self.runs}"
        folder.mkdir(mode=0o700)
        try:
            yield folder
        finally:
            remove_run_folder(folder)

    def run(self, folder: Path, on_poll=lambda: None) -> ChildRun:
        """Run the job written in ``folder`` (from ``folder()``), calling ``on_poll`` while
        it runs."""
        if self.cancelled is not None:
            on_poll = self._cancellable(on_poll)
        if not self.server:
            return run(self.command("grade", str(folder)), folder, self.limits,
                       self.env(str(folder)), self.isolation, self.readable, self.hidden,
                       on_poll)
        try:
            with run_user(run_as_user("bwrap")) as run_as:
                if run_as:
                    os.chown(folder, *run_as)
                return self.server.run(folder, self.limits, on_poll, run_as)
        except Cancelled:
            self.server.kill_run()
            raise
        except ServerUnusable as exc:  # nothing of the run started: run it, and the rest, cold
            if self.server.private:  # its folder went with it: a fault of this grading
                raise ServerLost(str(exc)) from None
            self._unusable(exc)
            return self.run(folder, on_poll)

    def _cancellable(self, on_poll):
        def poll() -> None:
            if self.cancelled.is_set():
                raise Cancelled
            on_poll()
        return poll
