"""The budgets of a run, watched from outside: wall clock, resident memory, processes
and bytes printed, measured over the run's whole process tree (its orphans included),
and every process of the run killed when one is exceeded or the run ends."""

from __future__ import annotations

import ctypes
import os
import signal
import time
from contextlib import suppress
from dataclasses import dataclass

POLL_S = 0.05
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Limits:
    timeout_s: float
    memory_mb: int
    output_bytes: int = 2_000_000
    max_processes: int = 64
    scratch_mb: int = 256  # size of a bubblewrap run's private /tmp, and of its /dev/shm
    disk_mb: int | None = None  # size of a run's own folder (a root grader's; tmpfs)


@dataclass(frozen=True)
class ChildRun:
    """What happened to one sandboxed run, as observed from outside."""

    returncode: int
    signal_name: str | None  # set when the run died from a signal we did not send
    stopped_for: str | None  # "timeout", "memory", "output", "processes" when we killed it
    log: str  # tail of stdout+stderr, for people only, never evidence
    seconds: float
    peak_memory_mb: float
    isolation: str
    # from the moment the run was about to import the submission (it says so on a pipe
    # before any learner code runs) to its exit, so that a fresh interpreter's start-up is
    # left out; a run forked from the run server starts in about 0.06 s and is timed whole
    submission_seconds: float | None = None
    # whether the run reached the learner's code (a fresh interpreter says so on its clock
    # pipe): a run that never started is the grader's fault, never charged to the learner
    started: bool = True
    disk_full: bool = False  # the run's own folder was full when it ended (kernel's count)



def process_table() -> dict[int, tuple[int, int, bytes]]:
    """Map pid -> (parent pid, resident pages, state) for every visible process."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        table[int(entry.name)] = (int(fields[1]), int(fields[21]), fields[0])
    return table


def tree(roots: set[int], table: dict) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [r for r in roots if r in table]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, ()))
    return found


def become_subreaper() -> None:
    """Orphans of our runs (``setsid`` daemons) get re-parented to us, not to init."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


class Watch:
    """The processes belonging to one run: the child's tree plus its orphans."""

    def __init__(self, root: int, ours_before: set[int]):
        self.root = root
        self.ours_before = ours_before

    def pids(self) -> tuple[set[int], dict]:
        """The run's live processes (zombies excluded), and the table they came from."""
        table = process_table()
        me = os.getpid()
        orphans = {p for p, (pp, _, _) in table.items() if pp == me and p not in self.ours_before}
        found = tree({self.root} | orphans, table)
        return {p for p in found if table[p][2] != b"Z"}, table

    def kill_all(self) -> None:
        """SIGKILL every process of the run until none is left (bounded)."""
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.root, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pids, _ = self.pids()
            if not pids:
                break
            for pid in pids:
                with suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            self.reap()
            time.sleep(0.01)
        self.reap()

    def reap(self) -> None:
        """Collect orphans re-parented to us, so they do not linger as zombies."""
        me = os.getpid()
        for pid, (ppid, _, _) in process_table().items():
            if ppid == me and pid != self.root and pid not in self.ours_before:
                with suppress(ChildProcessError, OSError):
                    os.waitpid(pid, os.WNOHANG)



def over_budget(pids: set[int], table: dict, limits: Limits, started: float,
                 printed: int) -> tuple[float, str | None]:
    """(resident MiB of ``pids``, the budget they exceed or None) for a run started at
    ``started`` (monotonic) that has printed ``printed`` bytes."""
    rss_mb = sum(table[p][1] for p in pids) * PAGE_BYTES / 2**20
    if time.monotonic() - started > limits.timeout_s:
        return rss_mb, "timeout"
    if rss_mb > limits.memory_mb:
        return rss_mb, "memory"
    if printed > limits.output_bytes:
        return rss_mb, "output"
    if len(pids) > limits.max_processes:
        return rss_mb, "processes"
    return rss_mb, None

