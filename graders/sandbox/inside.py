"""What runs *inside* a run, before the learner's code: nothing here runs in the grading
process.

``child.py`` (a fresh interpreter, or a process forked by the run server) calls
``enter_run`` (a server's run only: its own namespaces and folder), then
``drop_privileges`` and ``start_clock`` just before it imports the submission. This
module imports only the standard library, so that ``python -I inside.py`` can run as the
probe of whether a run's user can import the Python environment (``levels._probe``).

The names below are the contract between the two sides.
"""

from __future__ import annotations

import ctypes
import os
import platform
import re
import resource
import signal
from contextlib import suppress
from pathlib import Path

RUN_AS_VAR = "MLLAB_RUN_AS"  # "UID:GID" a run becomes when mllab runs as root
CLOCK_VAR = "MLLAB_CLOCK_FD"  # a pipe a fresh run writes one byte to before the learner's code
RUN_DIR = "/mllab-run"  # where a Server's run finds its own folder, inside its namespaces
SCRATCH_STAGE = "/mllab-tmp"  # where a Server's run builds its fresh /tmp
LOG_NAME = "run.log"  # a server run's stdout and stderr, in its own folder
TASKS_VAR = "MLLAB_MAX_TASKS"  # the most tasks (processes and threads) the run's user may hold

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x8000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND = 1, 2, 4, 8, 32, 4096
MS_MOVE, MS_REC, MS_PRIVATE = 8192, 16384, 1 << 18


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
    tasks = os.environ.pop(TASKS_VAR, "")
    if tasks.isdigit():  # held by the kernel for the run's uid: threads count, no polling
        resource.setrlimit(resource.RLIMIT_NPROC, (int(tasks), int(tasks)))
    _own_keyrings()
    if os.getppid() != parent:
        os._exit(1)  # it died meanwhile


# ---------------------------------------------------------------- kernel keyrings and memory
#
# Keyrings are kernel memory shared by uid and by session, outside every namespace a run
# has: a run could keep scores for its next run in its user keyring, or read a key from
# the grader's session keyring. A run joins a fresh session keyring of its own (the
# grader's is no longer its session), then loses the keyring system calls altogether
# (a seccomp filter: add_key, request_key and keyctl fail with EPERM), so that no
# keyring, its user's included, can be read or written by the learner's code.
#
# The same filter refuses the memory no process's resident size counts, which the
# memory budget (polled over the run's processes) would never see: a ``memfd`` filled
# with write() holds its pages in the file, a System V segment filled a piece at a time
# and detached is mapped by no one (768 MiB held that way passed a 600 MiB budget), nor
# are System V message queues (32,000 queues of 16 KiB: 500 MiB).
# What a run can still hold outside its processes is bounded by a size: its folder, its
# /tmp and /dev/shm (tmpfs of a fixed size).

_SYSCALLS = {  # machine: (seccomp audit arch, refused system calls)
    # add_key, request_key, keyctl, memfd_create, memfd_secret, shmget, msgget
    "x86_64": (0xC000003E, (248, 249, 250, 319, 447, 29, 68)),
    "aarch64": (0xC00000B7, (217, 218, 219, 279, 447, 194, 186)),
}


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def _own_keyrings() -> None:
    machine = platform.machine()
    if machine not in _SYSCALLS:
        raise OSError(f"no keyring filter for {machine}")
    arch, refused = _SYSCALLS[machine]
    keyctl = refused[2]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    # KEYCTL_JOIN_SESSION_KEYRING (1) with no name: a new anonymous session keyring. It may
    # fail (no key quota): the filter below takes the keyrings away regardless.
    libc.syscall(ctypes.c_long(keyctl), ctypes.c_long(1), ctypes.c_void_p(None))
    load_word, jump_eq, jump_ge, ret = 0x20, 0x15, 0x35, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    count = len(refused)
    program = [
        (load_word, 0, 0, 4),  # the calling convention's architecture
        (jump_eq, 1, 0, arch),
        (ret, 0, 0, deny),  # another ABI (i386 through int 0x80): nothing at all
        (load_word, 0, 0, 0),  # the system call's number
        (jump_ge, count + 1, 0, 0x40000000),  # x32 numbers: refused
        *((jump_eq, count - index, 0, number) for index, number in enumerate(refused)),
        (ret, 0, 0, allow),
        (ret, 0, 0, deny),
    ]
    filters = (_Filter * len(program))(*(_Filter(*insn) for insn in program))
    prog = _Program(len(program), filters)
    # PR_SET_SECCOMP (22), SECCOMP_MODE_FILTER (2); allowed without privilege after
    # PR_SET_NO_NEW_PRIVS
    if libc.prctl(22, 2, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "the keyring filter could not be installed")


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



# ---------------------------------------------------------------- the clock


def start_clock() -> None:
    """In a fresh run, just before the learner's code is imported: send the one byte
    ``clock.Clock`` waits for, so that the run is timed without its interpreter's start-up."""
    fd = os.environ.pop(CLOCK_VAR, "")
    if fd.isdigit():
        with suppress(OSError):
            os.write(int(fd), b"1")
            os.close(int(fd))


# ---------------------------------------------------------------- a server's run


def _within(path: str, folders) -> bool:
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in folders)


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



if __name__ == "__main__":  # the probe of levels._probe(drop=True): python -I inside.py
    drop_privileges()
    import numpy  # noqa: F401 - the run's user can read the Python environment
