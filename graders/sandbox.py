"""Run an untrusted command under a time, memory, process and output budget.

The strongest isolation the system allows is used, in this order:

* ``bwrap``: PID and network namespaces, the whole filesystem read-only except
  the run's own folder, a private ``/tmp``;
* ``unshare``: PID and network namespaces (filesystem not protected);
* ``process-group``: a new session killed as a group, with this process as the
  subreaper so a ``setsid()`` daemon is still found and killed (no network
  isolation).

Whatever the level, the parent watches the whole process tree: wall clock,
resident memory, number of processes and bytes printed, and kills every
process of the run when a budget is exceeded or the run ends.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import threading
import time
from collections import deque
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path

POLL_S = 0.05
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")

ISOLATION_NOTES = {
    "bwrap": "bubblewrap: own PID and network namespaces, read-only filesystem",
    "unshare": "unshare: own PID and network namespaces; files not protected",
    "process-group": "process group only: network NOT isolated, files not protected",
}


@dataclass(frozen=True)
class Limits:
    timeout_s: float
    memory_mb: int
    output_bytes: int = 2_000_000
    max_processes: int = 64


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


def _probe(prefix: list[str]) -> bool:
    try:
        done = subprocess.run(prefix + ["true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _bwrap_prefix(workdir: str, readable: tuple[str, ...] = ()) -> list[str]:
    # The private /tmp, /dev/shm and IPC namespace hide other runs' files and shared
    # memory (so one run cannot leave state for the next); what the run must read (the Python
    # environment, mllab, the lab's course) is mounted back, read-only, in case it lives there.
    shown = [arg for path in readable for arg in ("--ro-bind", path, path)]
    return [
        "bwrap", "--ro-bind", "/", "/", "--dev-bind", "/dev", "/dev", "--proc", "/proc",
        "--tmpfs", "/tmp", "--tmpfs", "/dev/shm", *shown, "--bind", workdir, workdir,
        "--chdir", workdir, "--unshare-pid", "--unshare-net", "--unshare-ipc",
        "--die-with-parent", "--new-session", "--",
    ]


def _unshare_prefix() -> list[str]:
    user = [] if os.geteuid() == 0 else ["--map-root-user"]
    # A shell as PID 1 keeps the submission from running as the namespace's init,
    # which the kernel shields from its own signals (so os.abort() would not crash).
    return ["unshare", *user, "--pid", "--fork", "--net", "--mount-proc", "--kill-child",
            "sh", "-c", '"$@"; exit $?', "sh"]


@cache
def available_isolation() -> tuple[str, ...]:
    """Isolation levels that work on this machine, strongest first."""
    levels = []
    if shutil.which("bwrap") and _probe(_bwrap_prefix("/tmp")):
        levels.append("bwrap")
    if shutil.which("unshare") and _probe(_unshare_prefix()):
        levels.append("unshare")
    return (*levels, "process-group")


def _prefix(isolation: str, workdir: str, readable: tuple[str, ...]) -> list[str]:
    if isolation == "bwrap":
        return _bwrap_prefix(workdir, readable)
    if isolation == "unshare":
        return _unshare_prefix()
    return []


# ---------------------------------------------------------------- process tree


def _process_table() -> dict[int, tuple[int, int, bytes]]:
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


def _tree(roots: set[int], table: dict) -> set[int]:
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


def _become_subreaper() -> None:
    """Orphans of our runs (``setsid`` daemons) get re-parented to us, not to init."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


class _Watch:
    """The processes belonging to one run: the child's tree plus its orphans."""

    def __init__(self, root: int, ours_before: set[int]):
        self.root = root
        self.ours_before = ours_before

    def pids(self) -> tuple[set[int], dict]:
        """The run's live processes (zombies excluded), and the table they came from."""
        table = _process_table()
        me = os.getpid()
        orphans = {p for p, (pp, _, _) in table.items() if pp == me and p not in self.ours_before}
        tree = _tree({self.root} | orphans, table)
        return {p for p in tree if table[p][2] != b"Z"}, table

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
        for pid, (ppid, _, _) in _process_table().items():
            if ppid == me and pid != self.root and pid not in self.ours_before:
                with suppress(ChildProcessError, OSError):
                    os.waitpid(pid, os.WNOHANG)


# ---------------------------------------------------------------- output capture


class _Tail(threading.Thread):
    """Read a pipe to its end, keeping only the last bytes and counting all of them."""

    def __init__(self, pipe, keep: int = 16_000):
        super().__init__(daemon=True)
        self.pipe, self.keep = pipe, keep
        self.chunks: deque[bytes] = deque()
        self.kept = 0
        self.total = 0

    def run(self) -> None:
        while chunk := self.pipe.read1(65536):
            self.total += len(chunk)
            self.chunks.append(chunk)
            self.kept += len(chunk)
            while self.kept - len(self.chunks[0]) >= self.keep:
                self.kept -= len(self.chunks.popleft())

    def text(self) -> str:
        return b"".join(self.chunks)[-self.keep:].decode("utf-8", "replace")


# ---------------------------------------------------------------- the run


def run(argv: list[str], workdir: Path, limits: Limits, env: dict[str, str],
        isolation: str | None = None, readable: tuple[Path, ...] = ()) -> ChildRun:
    """Run ``argv`` in ``workdir`` under ``limits``; nothing of it survives the call.

    ``readable``: folders the run must be able to read even where the isolation hides
    their location (bubblewrap's private ``/tmp``).
    """
    isolation = isolation or available_isolation()[0]
    _become_subreaper()
    ours_before = {p for p, (pp, _, _) in _process_table().items() if pp == os.getpid()}
    started = time.monotonic()
    proc = subprocess.Popen(
        _prefix(isolation, str(workdir), tuple(str(p) for p in readable if p.exists())) + argv, cwd=workdir, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    tail = _Tail(proc.stdout)
    tail.start()
    watch = _Watch(proc.pid, ours_before)
    stopped_for, peak = None, 0.0
    try:
        while proc.poll() is None:
            pids, table = watch.pids()
            rss_mb = sum(table[p][1] for p in pids) * PAGE_BYTES / 2**20
            peak = max(peak, rss_mb)
            if time.monotonic() - started > limits.timeout_s:
                stopped_for = "timeout"
            elif rss_mb > limits.memory_mb:
                stopped_for = "memory"
            elif tail.total > limits.output_bytes:
                stopped_for = "output"
            elif len(pids) > limits.max_processes:
                stopped_for = "processes"
            if stopped_for:
                break
            time.sleep(POLL_S)
    finally:
        watch.kill_all()
        proc.wait()
        tail.join(timeout=5)
        proc.stdout.close()
    if tail.total > limits.output_bytes and stopped_for is None:
        stopped_for = "output"
    return ChildRun(
        returncode=proc.returncode,
        signal_name=None if stopped_for else _signal_name(proc.returncode, isolation),
        stopped_for=stopped_for,
        log=tail.text(),
        seconds=time.monotonic() - started,
        peak_memory_mb=round(peak, 1),
        isolation=isolation,
    )


def _signal_name(returncode: int, isolation: str) -> str | None:
    if returncode < 0:
        number = -returncode
    elif isolation != "process-group" and returncode > 128:
        number = returncode - 128  # the namespace's shell or bwrap reports 128 + signal
    else:
        return None
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
