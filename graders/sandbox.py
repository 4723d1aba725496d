"""Run an untrusted command under a time, memory, process and output budget.

The strongest isolation the system allows is used, in this order:

* ``bwrap``: an unprivileged user with no capability, own PID, network, IPC and
  UTS namespaces, and a read-only view of only what a run needs (the system's
  ``/usr`` and ``/etc``, the Python environment, mllab, the lab's course), minus
  the answer key (``hidden``); it can write its own folder and a private,
  size-limited ``/tmp`` and ``/dev/shm``, nothing else;
* ``unshare``: PID and network namespaces (files not protected);
* ``process-group``: a new session killed as a group, with this process as the
  subreaper so a ``setsid()`` daemon is still found and killed (no network
  isolation).

When mllab runs as root, a run never keeps root's power: the command is told to
switch to ``RUN_UID`` (``$MLLAB_RUN_AS``, see ``drop_privileges``) before it runs
untrusted code, and its folder is handed to that user. Where that user cannot
read the Python environment (a level's probe fails), the run keeps root and the
level's description says so.

Whatever the level, the parent watches the whole process tree: wall clock,
resident memory, number of processes and bytes printed, and kills every
process of the run when a budget is exceeded or the run ends.
"""

from __future__ import annotations

import ctypes
import glob
import os
import queue
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path

POLL_S = 0.05
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
RUN_UID = RUN_GID = 65534  # nobody / nogroup: who a run becomes when mllab runs as root
RUN_AS_VAR = "MLLAB_RUN_AS"
CLOCK_VAR = "MLLAB_CLOCK_FD"  # a pipe a fresh run writes one byte to before the learner's code
RUN_DIR = "/mllab-run"  # where a Server's run finds its own folder, inside its namespaces
SCRATCH_STAGE = "/mllab-tmp"  # where a Server's run builds its fresh /tmp
COLD_VAR = "MLLAB_COLD_RUNS"  # set to 1: every run starts its own interpreter (no Server)
WORKDIR_PREFIX = "mllab-"
RUN_FOLDER = re.compile(r"mllab-[a-z0-9_]+-([0-9]+)-[a-z0-9_]{8}")  # <lab>-<grader pid>-<random>
SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")  # world-writable places a run could leave files in
# What a bubblewrap run sees of the system besides the Python environment and mllab: no
# /home, /root, /run (sockets of the desktop session), /var, /srv or /work.
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/sys")

ISOLATION_NOTES = {
    "bwrap": "bubblewrap: unprivileged, own PID and network namespaces, read-only view of "
             "the system, reference fixes hidden",
    "unshare": "unshare: own PID and network namespaces; files not protected",
    "process-group": "process group only: network NOT isolated, files not protected",
}


@dataclass(frozen=True)
class Limits:
    timeout_s: float
    memory_mb: int
    output_bytes: int = 2_000_000
    max_processes: int = 64
    scratch_mb: int = 256  # size of a bubblewrap run's private /tmp, and of its /dev/shm


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


# ---------------------------------------------------------------- privileges


def _prctl(option: int, value: int) -> None:
    if ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def drop_privileges() -> None:
    """In a run, before untrusted code: become ``$MLLAB_RUN_AS`` (set when mllab runs as
    root) with no capability, make sure no setuid program can give power back, and die
    with the parent (the grader itself at the process-group level)."""
    wanted = os.environ.pop(RUN_AS_VAR, "")
    parent = os.getppid()
    if wanted:
        uid, gid = (int(part) for part in wanted.split(":"))
        last_cap = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
        for cap in range(last_cap + 1):
            _prctl(24, cap)  # PR_CAPBSET_DROP: not even an exec can bring a capability back
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)  # from root to another uid: every capability is cleared
        if os.getuid() == 0 or os.geteuid() == 0:
            raise OSError("still root after dropping privileges")
    _drop_capabilities()
    _prctl(38, 1)  # PR_SET_NO_NEW_PRIVS
    _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the process that started this one
    if os.getppid() != parent:
        os._exit(1)  # it died meanwhile


def _capabilities() -> dict[str, int]:
    status = Path("/proc/self/status").read_text().splitlines()
    return {line[:6]: int(line.split()[1], 16) for line in status
            if line[:6] in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}


def _drop_capabilities() -> None:
    """Give up every capability this process holds (a run forked by a ``Server`` inside
    bubblewrap's user namespace holds all of them there until now); nothing can bring one
    back. A no-op for a process that holds none."""
    held = _capabilities()
    if not held["CapEff"] | held["CapPrm"] | held["CapAmb"]:
        return
    for cap in range(int(Path("/proc/sys/kernel/cap_last_cap").read_text()) + 1):
        _prctl(24, cap)  # PR_CAPBSET_DROP
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(47, 4, 0, 0, 0)  # PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    if libc.capset(header, (ctypes.c_uint32 * 6)()) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")
    if any(_capabilities()[name] for name in ("CapEff", "CapPrm", "CapInh", "CapAmb")):
        raise OSError("capabilities left after dropping them")


def _run_as(isolation: str) -> tuple[int, int] | None:
    """The (uid, gid) a run at ``isolation`` switches to; None when it keeps the grader's."""
    if os.geteuid() != 0 or not _probe(isolation, drop=True):
        return None
    return RUN_UID, RUN_GID


def unprivileged(isolation: str) -> bool:
    """Whether a run at ``isolation`` holds neither root's uid nor any capability."""
    return os.geteuid() != 0 or _run_as(isolation) is not None


def describe(isolation: str) -> str:
    """The isolation as reports name it, saying when a run keeps root's power."""
    note = ISOLATION_NOTES[isolation]
    if not unprivileged(isolation):
        note += (f"; runs as ROOT (uid {RUN_UID} cannot read the Python environment "
                 f"{sys.base_prefix})")
    return note


def weaknesses(isolation: str) -> list[str]:
    """What ``isolation`` lacks for verified grading (unprivileged, sealed, answer key
    hidden); empty when it has all of it."""
    missing = []
    if isolation != "bwrap":
        if "bwrap" in available_isolation():
            missing.append(f"the {isolation} level was chosen instead of bubblewrap")
        else:
            missing.append("bubblewrap " + ("cannot create namespaces here (user namespaces "
                                            "disabled?)" if shutil.which("bwrap")
                                            else "is not installed"))
    if not unprivileged(isolation):
        missing.append(f"uid {RUN_UID} cannot read the Python environment {sys.base_prefix}")
    return missing


# ---------------------------------------------------------------- levels


def _system_view() -> list[str]:
    args = []
    for name in SYSTEM_DIRS:
        if os.path.islink(name):
            args += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            args += ["--ro-bind", name, name]
    for device in sorted(glob.glob("/dev/nvidia*")):  # CUDA, where present
        args += ["--dev-bind", device, device]
    return args


def _within(path: str, folders) -> bool:
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in folders)


def _parents(paths: list[str]) -> list[str]:
    """``--dir`` for every folder above ``paths`` that the sandbox's empty root or its fresh
    ``/tmp`` lacks, world-traversable (bubblewrap would create them 0700, closed to an
    unprivileged run: a virtual environment in ``mktemp -d``, as in CI)."""
    mounted = (*SYSTEM_DIRS, "/dev", "/proc")
    found = dict.fromkeys(str(parent) for path in paths for parent in reversed(Path(path).parents)
                          if str(parent) not in ("/", "/tmp") and not _within(str(parent), mounted))
    return [arg for parent in found for arg in ("--perms", "0755", "--dir", parent)]


def _hide(paths: tuple[str, ...]) -> list[str]:
    """An empty read-only folder over each folder of ``paths``, an empty file over each file."""
    args = []
    for path in paths:
        if os.path.isdir(path):
            args += ["--tmpfs", path, "--remount-ro", path]
        elif os.path.exists(path):
            args += ["--ro-bind", "/dev/null", path]
    return args


def _python_paths() -> list[str]:
    """The folders the interpreter needs: its environment and the one it was made from."""
    found = []
    for path in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                 os.path.dirname(os.path.realpath(sys.executable))):
        if path not in found:
            found.append(path)
    return found


def _bwrap_prefix(workdir: str, readable: tuple[str, ...] = (), hidden: tuple[str, ...] = (),
                  scratch_mb: int = 256, server: bool = False) -> list[str]:
    """bubblewrap's arguments for one run in ``workdir``; with ``server``, for a ``Server``
    whose runs set up namespaces of their own (so it keeps its capabilities inside its
    user namespace, and its runs mount their folder on ``RUN_DIR``)."""
    paths = [p for p in dict.fromkeys([*_python_paths(), *readable]) if os.path.exists(p)]
    shown = [p for p in paths if not _within(p, [q for q in paths if q != p])]
    scratch = str(scratch_mb * 2**20)
    user = [] if os.geteuid() == 0 else [  # root drops to RUN_UID itself (drop_privileges)
        "--unshare-user", "--uid", str(RUN_UID), "--gid", str(RUN_GID), "--disable-userns",
        "--cap-add" if server else "--cap-drop", "ALL"]
    return [
        "bwrap", *user, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
        "--unshare-cgroup-try", "--die-with-parent", "--new-session",
        *_system_view(), "--proc", "/proc", "--dev", "/dev",
        "--perms", "1777", "--size", scratch, "--tmpfs", "/tmp",
        "--perms", "1777", "--size", scratch, "--tmpfs", "/dev/shm",
        *_parents([*shown, workdir]),
        *(arg for path in shown for arg in ("--ro-bind", path, path)),
        "--bind", workdir, workdir, *_hide(hidden),
        *(["--dir", RUN_DIR, "--dir", SCRATCH_STAGE] if server else []),
        "--remount-ro", "/",
        "--chdir", workdir, "--",
    ]


def _unshare_prefix() -> list[str]:
    user = [] if os.geteuid() == 0 else ["--map-current-user"]  # no capability inside
    # unshare dies with the grader, and its namespace with it (--kill-child)
    with_grader = ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []
    # A shell as PID 1 keeps the submission from running as the namespace's init,
    # which the kernel shields from its own signals (so os.abort() would not crash).
    return [*with_grader, "unshare", *user, "--pid", "--fork", "--net", "--mount-proc",
            "--kill-child", "sh", "-c", '"$@"; exit $?', "sh"]


@cache
def _probe(isolation: str, drop: bool = False) -> bool:
    """Whether ``isolation`` works here; with ``drop``, whether a run can also become
    ``RUN_UID`` and still import the Python environment (numpy)."""
    if isolation != "process-group" and not shutil.which(isolation):
        return False
    # A folder handed to RUN_UID may not be removable by a root that holds no capability
    # (tempfile's own cleanup then raises): ignore that; the next sweep of stale run
    # folders removes it.
    folder = tempfile.mkdtemp(prefix=WORKDIR_PREFIX)
    try:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        command = ["true"]
        if drop:
            os.chown(folder, RUN_UID, RUN_GID)
            env[RUN_AS_VAR] = f"{RUN_UID}:{RUN_GID}"
            command = [sys.executable, "-I", __file__]
        try:
            done = subprocess.run(_prefix(isolation, folder, (str(Path(__file__).parent),)) +
                                  command, capture_output=True, timeout=30, cwd=folder, env=env,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired):
            return False
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return done.returncode == 0


@cache
def available_isolation() -> tuple[str, ...]:
    """Isolation levels that work on this machine, strongest first."""
    return tuple(level for level in ("bwrap", "unshare") if _probe(level)) + ("process-group",)


def _prefix(isolation: str, workdir: str, readable: tuple[str, ...],
            hidden: tuple[str, ...] = (), scratch_mb: int = 256) -> list[str]:
    if isolation == "bwrap":
        return _bwrap_prefix(workdir, readable, hidden, scratch_mb)
    if isolation == "unshare":
        return _unshare_prefix()
    return []


# ---------------------------------------------------------------- run folders


@contextmanager
def run_folder(name: str):
    """A fresh folder for one run, named after this process (see ``remove_stale_run_folders``),
    removed afterwards whatever the run left in it."""
    folder = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{name}-{os.getpid()}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale_run_folders() -> None:
    """Remove run folders whose grading process is gone (a grader killed mid-run)."""
    ours = {os.geteuid(), RUN_UID}
    with suppress(OSError):
        for entry in os.scandir(tempfile.gettempdir()):
            owner = RUN_FOLDER.fullmatch(entry.name)
            if owner and entry.is_dir(follow_symlinks=False) and \
                    entry.stat(follow_symlinks=False).st_uid in ours and \
                    not _alive(int(owner.group(1))):
                shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_scratch(uid: int, since: float, keep: Path) -> None:
    """Remove what the run's own user created in the shared scratch folders since ``since``,
    except ``keep`` (levels without a private /tmp; only runs with a uid of their own)."""
    for folder in SCRATCH:
        with suppress(OSError):
            for entry in os.scandir(folder):
                info = entry.stat(follow_symlinks=False)
                if info.st_uid == uid and info.st_ctime >= since and entry.path != str(keep):
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        with suppress(OSError):
                            os.unlink(entry.path)


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


class _Clock(threading.Thread):
    """Note when the first byte arrives on a pipe (``at``, monotonic), then close it: a run
    sends it before the learner's code can run, so nothing the code does moves it."""

    def __init__(self, fd: int):
        super().__init__(daemon=True)
        self.fd, self.at = fd, None

    def run(self) -> None:
        try:
            if os.read(self.fd, 1):
                self.at = time.monotonic()
        finally:
            os.close(self.fd)


def start_clock() -> None:
    """In a fresh run, just before the learner's code is imported: send the one byte
    ``_Clock`` waits for, so that the run is timed without its interpreter's start-up."""
    fd = os.environ.pop(CLOCK_VAR, "")
    if fd.isdigit():
        with suppress(OSError):
            os.write(int(fd), b"1")
            os.close(int(fd))


# ---------------------------------------------------------------- the run


def _over_budget(pids: set[int], table: dict, limits: Limits, started: float,
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


def run(argv: list[str], workdir: Path, limits: Limits, env: dict[str, str],
        isolation: str | None = None, readable: tuple[Path, ...] = (),
        hidden: tuple[Path, ...] = (), on_poll=lambda: None) -> ChildRun:
    """Run ``argv`` in ``workdir`` under ``limits``; nothing of it survives the call.

    ``readable``: folders the run must be able to read (bubblewrap shows it nothing else of
    the disk but the system folders and the Python environment). ``hidden``: files and
    folders inside those it must not see (bubblewrap only). ``on_poll`` is called every
    ``POLL_S`` while it runs (to show its progress). When mllab runs as root the
    command is told (``$MLLAB_RUN_AS``) to become ``RUN_UID``, who then owns ``workdir``.
    """
    isolation = isolation or available_isolation()[0]
    run_as = _run_as(isolation)
    env = dict(env)
    if run_as:
        os.chown(workdir, *run_as)
        env[RUN_AS_VAR] = f"{run_as[0]}:{run_as[1]}"
    _become_subreaper()
    ours_before = {p for p, (pp, _, _) in _process_table().items() if pp == os.getpid()}
    started, started_wall = time.monotonic(), time.time()
    prefix = _prefix(isolation, str(workdir), tuple(str(p) for p in readable if p.exists()),
                     tuple(str(p) for p in hidden), limits.scratch_mb)
    clock_read, clock_write = os.pipe()
    env[CLOCK_VAR] = str(clock_write)
    try:
        proc = subprocess.Popen(
            prefix + argv, cwd=workdir, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True, pass_fds=(clock_write,),
        )
    except BaseException:
        os.close(clock_read)
        raise
    finally:
        os.close(clock_write)
    clock = _Clock(clock_read)
    clock.start()
    tail = _Tail(proc.stdout)
    tail.start()
    watch = _Watch(proc.pid, ours_before)
    stopped_for, peak = None, 0.0
    try:
        while proc.poll() is None:
            pids, table = watch.pids()
            rss_mb, stopped_for = _over_budget(pids, table, limits, started, tail.total)
            peak = max(peak, rss_mb)
            if stopped_for:
                break
            on_poll()
            time.sleep(POLL_S)
    finally:
        watch.kill_all()
        proc.wait()
        tail.join(timeout=5)
        clock.join(timeout=5)
        proc.stdout.close()
        if run_as and isolation != "bwrap":  # bubblewrap's scratch folders are private
            _sweep_scratch(run_as[0], started_wall - 1, keep=workdir)
    if tail.total > limits.output_bytes and stopped_for is None:
        stopped_for = "output"
    ended = time.monotonic()
    return ChildRun(
        returncode=proc.returncode,
        signal_name=None if stopped_for else _signal_name(proc.returncode, isolation),
        stopped_for=stopped_for,
        log=tail.text(),
        seconds=ended - started,
        peak_memory_mb=round(peak, 1),
        isolation=isolation,
        submission_seconds=ended - (clock.at or started),
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


# ---------------------------------------------------------------- the run server
#
# Starting Python and importing numpy, pandas, scikit-learn and torch takes 2-3 s, more
# than many runs train for. A ``Server`` does it once per grading: one bubblewrap
# sandbox (the same view as a run's) holds a pre-imported interpreter that never runs
# learner code. For each run it forks a process that, before anything of the run is
# loaded, enters namespaces of its own (``enter_run``): its own PID namespace, so it can
# neither see, signal nor trace the server, nor outlive its run; its own mounts (only its
# own folder, fresh size-limited /tmp and /dev/shm, /dev read-only); its own IPC and
# network namespaces. Then it drops every capability (``drop_privileges``) as a cold run
# does. What a run leaves behind dies with its namespaces.

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x8000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND = 1, 2, 4, 8, 32, 4096
MS_MOVE, MS_REC, MS_PRIVATE = 8192, 16384, 1 << 18
LOG_NAME = "run.log"  # a server run's stdout and stderr, in its own folder


def _mount(source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                  ctypes.c_ulong(flags), data and data.encode()) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount {target}: {os.strerror(errno)}")


def exit_code(status: int) -> int:
    """A wait status as a shell reports it: the exit code, or 128 + the signal."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def _mounts_below(folder: str, but: str) -> list[str]:
    """The outermost mount points inside ``folder``, except ``but`` and what is inside it."""
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
        if point != folder and _within(point, [folder]) and not _within(point, [but]):
            points.append(point)
    outermost: list[str] = []
    for point in sorted(points, key=len):
        if not _within(point, outermost):
            outermost.append(point)
    return outermost


def enter_run(root: str, name: str, scratch_mb: int, ready_fd: int) -> None:
    """In a process the server just forked: enter a run's own namespaces, with the folder
    ``root/name`` mounted on ``RUN_DIR`` and nothing else of the server's ``root``. Returns
    only in the run's process (PID 2 of its namespace), after writing one byte to
    ``ready_fd``: the server's evidence that the set-up succeeded; the processes above it
    exit with its code."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare failed")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount(os.path.join(root, name), RUN_DIR, None, MS_BIND)
    size = f"size={scratch_mb * 2**20},mode=1777"
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, size)
    # A fresh /tmp that still shows what the sandbox shows under /tmp (a Python environment
    # or a course made by mktemp -d) but not the server's folder: built aside, moved over.
    _mount("tmpfs", SCRATCH_STAGE, "tmpfs", MS_NOSUID | MS_NODEV, size)
    for point in _mounts_below("/tmp", but=root):
        target = SCRATCH_STAGE + point[len("/tmp"):]
        if os.path.isdir(point):
            os.makedirs(target, mode=0o755)
        else:
            os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
            os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
        _mount(point, target, None, MS_BIND | MS_REC)  # keeps each mount's read-only flag
    _mount(SCRATCH_STAGE, "/tmp", None, MS_MOVE)
    flags = os.statvfs("/dev").f_flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _mount(None, "/dev", None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)
    init = os.fork()
    if init:  # outside the new PID namespace: wait for its init, pass its code on
        os._exit(exit_code(os.waitpid(init, 0)[1]))
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)  # this namespace's
    run = os.fork()
    if run:  # PID 1: reap every orphan until the run is done; the namespace dies with it
        _prctl(4, 0)  # PR_SET_DUMPABLE 0: the run cannot trace it or read its /proc files
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # init ignores what it does not handle
        os.close(ready_fd)
        while True:
            pid, status = os.wait()
            if pid == run:
                os._exit(exit_code(status))
    os.chdir(RUN_DIR)
    log = os.open(LOG_NAME, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
    owner = os.stat(".")
    os.fchown(log, owner.st_uid, owner.st_gid)  # the run's, like the rest of its folder
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.write(ready_fd, b"1")
    os.closerange(3, 65536)  # the server's pipes and files: nothing of it stays open


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


_server_unusable: list[str] = []  # why, once a server could not work in this process


class Server:
    """One grading's pre-imported interpreter in a bubblewrap sandbox (see above).

    ``argv`` starts it (``child.py serve ROOT``, which answers ``ready PID`` once imported
    and ``exit CODE`` after each run); ``root`` is the folder the runs' folders are made in.
    """

    def __init__(self, argv: list[str], root: Path, env: dict[str, str],
                 readable: tuple[Path, ...], hidden: tuple[Path, ...], scratch_mb: int):
        self.root = root
        env = dict(env)
        run_as = _run_as("bwrap")
        if run_as:
            env[RUN_AS_VAR] = f"{run_as[0]}:{run_as[1]}"
        _become_subreaper()
        prefix = _bwrap_prefix(str(root), tuple(str(p) for p in readable if p.exists()),
                               tuple(str(p) for p in hidden), scratch_mb, server=True)
        self.proc = subprocess.Popen(prefix + argv, cwd=root, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True)
        self.errors = _Tail(self.proc.stderr, keep=4000)
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
                found = [p for p in _tree({self.proc.pid}, _process_table()) if _ns_pid(p) == inner]
                if len(found) != 1:
                    raise ServerUnusable("the run server's process was not found")
                self.pid = found[0]

    def _run_tree(self) -> tuple[set[int], set[int], dict]:
        """(all processes of the current run, those of the run itself, the table): the
        first two levels below the server only set up namespaces and wait."""
        table = _process_table()
        everything = _tree({self.pid}, table) - {self.pid}
        helpers = {p for p in everything if table[p][0] == self.pid}
        helpers |= {p for p in everything if table[p][0] in helpers}
        own = _tree({p for p in everything if table[p][0] in helpers and p not in helpers}, table)
        return everything, {p for p in own if table[p][2] != b"Z"}, table

    def run(self, folder: Path, limits: Limits, on_poll=lambda: None) -> ChildRun:
        """Run the job in ``folder`` (a folder made under ``root``) under ``limits``."""
        self.ready()
        started = time.monotonic()
        self.proc.stdin.write(f"run {folder.name}\n".encode())
        self.proc.stdin.flush()
        stopped_for, peak, log = None, 0.0, folder / LOG_NAME
        while (reply := self._reply(POLL_S)) is None:
            _, pids, table = self._run_tree()
            rss_mb, stopped_for = _over_budget(pids, table, limits, started, _size(log))
            peak = max(peak, rss_mb)
            if stopped_for:
                break
            on_poll()
        seconds = time.monotonic() - started
        if reply is None:
            deadline = time.monotonic() + 5
            while (everything := self._run_tree()[0]) and time.monotonic() < deadline:
                for pid in everything:
                    with suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
                time.sleep(0.01)
            reply = self._reply(10)
            if reply is None:
                raise ServerLost("the run server did not report the end of a run")
        if reply == "failed":
            raise ServerUnusable(f"a run's namespaces could not be set up: "
                                 f"{self.errors.text()[-500:]}")
        if not reply.startswith("exit "):
            raise ServerLost(f"unexpected answer from the run server: {reply[:80]!r}")
        if _size(log) > limits.output_bytes and stopped_for is None:
            stopped_for = "output"
        code = int(reply.split()[1])
        return ChildRun(returncode=code,
                        signal_name=None if stopped_for else _signal_name(code, "bwrap"),
                        stopped_for=stopped_for, log=_tail_of(log), seconds=seconds,
                        peak_memory_mb=round(peak, 1), isolation="bwrap",
                        submission_seconds=seconds)

    def close(self) -> None:
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


def _size(path: Path) -> int:
    try:
        return os.lstat(path).st_size
    except OSError:
        return 0


def _tail_of(path: Path, keep: int = 16_000) -> str:
    """The last ``keep`` bytes of a run's log (a plain file only: the run owns its folder)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return ""
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return ""
        os.lseek(fd, max(0, info.st_size - keep), os.SEEK_SET)
        return os.read(fd, keep).decode("utf-8", "replace")
    finally:
        os.close(fd)


class Runner:
    """Where one grading's runs happen: a ``Server`` at the bubblewrap level (unless
    ``$MLLAB_COLD_RUNS`` is 1), else a fresh sandboxed interpreter per run (``run``).

    ``command(verb, path)`` is the argv of ``child.py``: ``grade WORKDIR`` for a run in its
    own interpreter, ``serve ROOT ...`` for a server; ``env(workdir)`` is a run's environment,
    given its folder as the run sees it."""

    def __init__(self, name: str, command, env, limits: Limits, isolation: str,
                 readable: tuple[Path, ...] = (), hidden: tuple[Path, ...] = ()):
        self.name, self.command, self.env, self.limits = name, command, env, limits
        self.isolation, self.readable, self.hidden = isolation, readable, hidden
        self.server: Server | None = None
        self._root = None
        self.runs = 0

    def __enter__(self) -> "Runner":
        if self.isolation == "bwrap" and os.environ.get(COLD_VAR) != "1" and \
                not _server_unusable:
            self._root = run_folder(self.name)
            root = self._root.__enter__()
            self.server = Server(self.command("serve", str(root)), root, self.env(RUN_DIR), self.readable, self.hidden,
                                 self.limits.scratch_mb)
        return self

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
            with run_folder(self.name) as folder:
                yield folder
            return
        self.runs += 1
        folder = self.server.root / f"run{self.runs}"
        folder.mkdir(mode=0o700)
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def run(self, folder: Path, on_poll=lambda: None) -> ChildRun:
        """Run the job written in ``folder`` (from ``folder()``), calling ``on_poll`` while
        it runs."""
        if not self.server:
            return run(self.command("grade", str(folder)), folder, self.limits,
                       self.env(str(folder)), self.isolation, self.readable, self.hidden,
                       on_poll)
        run_as = _run_as("bwrap")
        if run_as:
            os.chown(folder, *run_as)
        try:
            return self.server.run(folder, self.limits, on_poll)
        except ServerUnusable as exc:  # nothing of the run started: run it, and the rest, cold
            _server_unusable.append(str(exc))
            print(f"mllab: the run server cannot work here ({str(exc)[:300]}); each run "
                  f"starts its own interpreter instead", file=sys.stderr)
            self.server.close()
            self.server = None
            return self.run(folder, on_poll)


if __name__ == "__main__":  # the probe of _probe(drop=True): python -I sandbox.py
    drop_privileges()
    import numpy  # noqa: F401 - the run's user can read the Python environment
