"""The run server: one grading's pre-imported interpreter, forking a run per job.

Starting Python and importing numpy, pandas, scikit-learn and torch takes 2-3 s, more
than many runs train for. A ``Server`` does it once per grading: one bubblewrap
sandbox (the same view as a run's) holds a pre-imported interpreter that never runs
learner code. For each run it forks a process that, before anything of the run is
loaded, enters namespaces of its own (``inside.enter_run``): its own PID namespace, so it
can neither see, signal nor trace the server, nor outlive its run; its own mounts (only
its own folder, fresh size-limited /tmp and /dev/shm, /dev read-only); its own IPC and
network namespaces. Then it drops every capability (``inside.drop_privileges``) as a cold
run does. What a run leaves behind dies with its namespaces.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from contextlib import suppress
from pathlib import Path

from mllab.graders.sandbox.budget import (POLL_S, ChildRun, Limits, become_subreaper,
                                          over_budget, process_table, tree)
from mllab.graders.sandbox.cleanup import disk_full
from mllab.graders.sandbox.cold import signal_name
from mllab.graders.sandbox.inside import LOG_NAME, TASKS_VAR
from mllab.graders.sandbox.levels import bwrap_prefix
from mllab.graders.sandbox.logs import Tail, size, tail_of


def _ns_pid(pid: int) -> int | None:
    """``pid``'s number in its innermost PID namespace."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("NSpid:"):
                return int(line.split()[-1])
    except (OSError, ValueError):
        pass
    return None


class ServerLost(RuntimeError):
    """The run server stopped answering: a fault of mllab (no run can reach it)."""


class ServerUnusable(ServerLost):
    """The run server cannot work on this machine (it did not start, or cannot set up a run's
    namespaces, e.g. where user namespaces get no capabilities): no learner code ran."""


unusable: list[str] = []  # why, once a server could not work in this process


class Server:
    """One grading's pre-imported interpreter in a bubblewrap sandbox (see above).

    ``argv`` starts it (``child.py serve ROOT``, which answers ``ready PID`` once imported
    and ``exit CODE`` after each run); ``root`` is the folder the runs' folders are made in.
    """

    def __init__(self, argv: list[str], root: Path, env: dict[str, str],
                 readable: tuple[Path, ...], hidden: tuple[Path, ...], limits: Limits):
        self.root = root
        env = {**env, TASKS_VAR: str(limits.max_processes)}
        scratch_mb = limits.scratch_mb
        # A root grader's ``root`` is a size-limited tmpfs already (``run_folder``); a normal
        # user cannot mount one on the host, so the server's root is a tmpfs of its own
        # mount namespace, which this process reaches through ``/proc/PID/root`` (``view``).
        self.private = bool(limits.disk_mb) and os.geteuid() != 0
        self.view = root
        become_subreaper()
        prefix = bwrap_prefix(str(root), tuple(str(p) for p in readable if p.exists()),
                              tuple(str(p) for p in hidden), scratch_mb, server=True,
                              disk_mb=limits.disk_mb if self.private else None)
        self.proc = subprocess.Popen(prefix + argv, cwd=root, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True)
        self.errors = Tail(self.proc.stderr, keep=4000)
        self.errors.start()
        self.replies: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._listen, daemon=True).start()
        self.pid: int | None = None  # the server's host PID, once ready

    def _listen(self) -> None:
        for line in self.proc.stdout:
            self.replies.put(line.decode(errors="replace").strip())
        self.replies.put("")  # end of file: the server is gone

    def _reply(self, timeout: float) -> str | None:
        try:
            reply = self.replies.get(timeout=timeout)
        except queue.Empty:
            return None
        if not reply:
            self.replies.put("")
            raise ServerLost(f"the run server exited: {self.errors.text()[-500:]}")
        return reply

    def ready(self, timeout_s: float = 180) -> None:
        """Wait until the server has imported its modules (``ServerUnusable`` if it cannot)."""
        try:
            self._ready(timeout_s)
        except ServerLost as exc:
            raise ServerUnusable(str(exc)) from None

    def _ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while self.pid is None:
            reply = self._reply(max(0.0, deadline - time.monotonic()))
            if reply is None:
                raise ServerUnusable(f"the run server did not start in {timeout_s:g}s")
            if reply.startswith("ready "):
                inner = int(reply.split()[1])
                found = [p for p in tree({self.proc.pid}, process_table()) if _ns_pid(p) == inner]
                if len(found) != 1:
                    raise ServerUnusable("the run server's process was not found")
                self.pid = found[0]
                if self.private:
                    self.view = Path(f"/proc/{self.pid}/root") / str(self.root).lstrip("/")

    def _run_tree(self) -> tuple[set[int], set[int], dict]:
        """(all processes of the current run, those of the run itself, the table): the
        first two levels below the server only set up namespaces and wait."""
        table = process_table()
        everything = tree({self.pid}, table) - {self.pid}
        helpers = {p for p in everything if table[p][0] == self.pid}
        helpers |= {p for p in everything if table[p][0] in helpers}
        own = tree({p for p in everything if table[p][0] in helpers and p not in helpers}, table)
        return everything, {p for p in own if table[p][2] != b"Z"}, table

    def run(self, folder: Path, limits: Limits, on_poll=lambda: None,
            run_as: tuple[int, int] | None = None) -> ChildRun:
        """Run the job in ``folder`` (a folder made under ``root``) under ``limits``, as
        ``run_as`` (uid, gid) when mllab runs as root."""
        self.ready()
        started = time.monotonic()
        user = f" {run_as[0]}:{run_as[1]}" if run_as else ""
        self.proc.stdin.write(f"run {folder.name}{user}\n".encode())
        self.proc.stdin.flush()
        stopped_for, peak, log = None, 0.0, folder / LOG_NAME
        while (reply := self._reply(POLL_S)) is None:
            _, pids, table = self._run_tree()
            rss_mb, stopped_for = over_budget(pids, table, limits, started, size(log))
            peak = max(peak, rss_mb)
            if stopped_for:
                break
            on_poll()
        seconds = time.monotonic() - started
        if reply is None:
            self.kill_run()
            reply = self._reply(10)
            if reply is None:
                raise ServerLost("the run server did not report the end of a run")
        if reply == "failed":
            raise ServerUnusable(f"a run's namespaces could not be set up: "
                                 f"{self.errors.text()[-500:]}")
        if not reply.startswith("exit "):
            raise ServerLost(f"unexpected answer from the run server: {reply[:80]!r}")
        if size(log) > limits.output_bytes and stopped_for is None:
            stopped_for = "output"
        code = int(reply.split()[1])
        return ChildRun(returncode=code,
                        signal_name=None if stopped_for else signal_name(code, "bwrap"),
                        stopped_for=stopped_for, log=tail_of(log), seconds=seconds,
                        peak_memory_mb=round(peak, 1), isolation="bwrap",
                        submission_seconds=seconds, disk_full=disk_full(self.view))

    def kill_run(self, within_s: float = 5) -> None:
        """Kill every process of the run in progress, if any (the server answers ``exit``)."""
        if self.pid is None:
            return
        deadline = time.monotonic() + within_s
        while (everything := self._run_tree()[0]) and time.monotonic() < deadline:
            for pid in everything:
                with suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.01)

    def close(self) -> None:
        self.kill_run()  # a run cut short (Ctrl-C): its server exits at once, not after it
        with suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.errors.join(timeout=5)
        for pipe in (self.proc.stdout, self.proc.stderr):
            with suppress(OSError):
                pipe.close()

