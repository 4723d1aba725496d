"""Isolation levels, the probes that find which work here, and who a run becomes.

The strongest isolation the system allows is used, in this order:

* ``bwrap``: an unprivileged user with no capability, own PID, network, IPC and
  UTS namespaces, and a read-only view of only what a run needs (the system's
  ``/usr`` and ``/etc``, the Python environment, mllab, the lab's course), minus
  the answer key (``hidden``); it can write its own folder and a private,
  size-limited ``/tmp`` and ``/dev/shm``, nothing else;
* ``unshare``: PID and network namespaces (files not protected);
* ``process-group``: a new session killed as a group, with the grading process as the
  subreaper so a ``setsid()`` daemon is still found and killed (no network isolation).

When mllab runs as root, a run never keeps root's power: the command is told to
switch to ``RUN_UID`` (``$MLLAB_RUN_AS``, see ``inside.drop_privileges``) before it runs
untrusted code, and its folder is handed to that user. Where that user cannot
read the Python environment (a level's probe fails), the run keeps root and the
level's description says so.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

from mllab.graders.sandbox import inside
from mllab.graders.sandbox.cleanup import WORKDIR_PREFIX, remove_tree
from mllab.graders.sandbox.inside import RUN_AS_VAR, RUN_DIR, SCRATCH_STAGE, _within

RUN_UID = RUN_GID = 65534  # nobody / nogroup: who a run becomes when mllab runs as root
# What a bubblewrap run sees of the system besides the Python environment and mllab: no
# /home, /root, /run (sockets of the desktop session), /var, /srv or /work.
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/sys")

ISOLATION_NOTES = {
    "bwrap": "bubblewrap: unprivileged, own PID and network namespaces, read-only view of "
             "the system, reference fixes hidden",
    "unshare": "unshare: own PID and network namespaces; files not protected",
    "process-group": "process group only: network NOT isolated, files not protected",
}


def run_as_user(isolation: str) -> tuple[int, int] | None:
    """The (uid, gid) a run at ``isolation`` switches to; None when it keeps the grader's."""
    if os.geteuid() != 0 or not _probe(isolation, drop=True):
        return None
    return RUN_UID, RUN_GID


def unprivileged(isolation: str) -> bool:
    """Whether a run at ``isolation`` holds neither root's uid nor any capability."""
    return os.geteuid() != 0 or run_as_user(isolation) is not None


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
    # site-packages reached through a .pth file (a venv sharing another's packages) count too
    linked = [p for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages")]
    for path in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                 os.path.dirname(os.path.realpath(sys.executable)), *linked):
        if path not in found:
            found.append(path)
    return found


def bwrap_prefix(workdir: str, readable: tuple[str, ...] = (), hidden: tuple[str, ...] = (),
                  scratch_mb: int = 256, server: bool = False,
                  disk_mb: int | None = None) -> list[str]:
    """bubblewrap's arguments for one run in ``workdir``; with ``server``, for a ``Server``
    whose runs set up namespaces of their own (so it keeps its capabilities inside its
    user namespace, and its runs mount their folder on ``RUN_DIR``). With ``disk_mb``,
    ``workdir`` is a fresh tmpfs of that size instead of the host's folder (the grader
    reaches it through ``/proc/PID/root``)."""
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
        *(["--perms", "0700", "--size", str(disk_mb * 2**20), "--tmpfs", workdir] if disk_mb
          else ["--bind", workdir, workdir]), *_hide(hidden),
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
    folder = tempfile.mkdtemp(prefix=WORKDIR_PREFIX)
    try:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        command = ["true"]
        if drop:
            os.chown(folder, RUN_UID, RUN_GID)
            env[RUN_AS_VAR] = f"{RUN_UID}:{RUN_GID}"
            command = [sys.executable, "-I", inside.__file__]
        try:
            done = subprocess.run(prefix(isolation, folder, (str(Path(inside.__file__).parent),)) +
                                  command, capture_output=True, timeout=30, cwd=folder, env=env,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired):
            return False
    finally:
        remove_tree(folder)
    return done.returncode == 0


@cache
def available_isolation() -> tuple[str, ...]:
    """Isolation levels that work on this machine, strongest first."""
    return tuple(level for level in ("bwrap", "unshare") if _probe(level)) + ("process-group",)


def prefix(isolation: str, workdir: str, readable: tuple[str, ...],
            hidden: tuple[str, ...] = (), scratch_mb: int = 256) -> list[str]:
    if isolation == "bwrap":
        return bwrap_prefix(workdir, readable, hidden, scratch_mb)
    if isolation == "unshare":
        return _unshare_prefix()
    return []



def below_floor(isolation: str, unprivileged_needed: bool, tries: int = 3) -> str | None:
    """Why a run cannot have ``isolation`` (and, with ``unprivileged_needed``, a user of its
    own) here now, after ``tries`` probes a moment apart (a probe can fail under a burst of
    load); None when it can."""
    for attempt in range(tries):
        if isolation in available_isolation() and \
                (not unprivileged_needed or unprivileged(isolation)):
            return None
        _probe.cache_clear()
        available_isolation.cache_clear()
        time.sleep(0.5 * (attempt + 1))
    who = " with an unprivileged user" if unprivileged_needed else ""
    return (f"the {isolation} sandbox{who} this grading must use could not be set up here "
            f"({tries} tries); not graded, and graded again on the next run")
