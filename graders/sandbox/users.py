"""Who a run is, when mllab runs as root: a uid of its own for each run.

Kernel budgets and kernel state are kept per uid: the tasks ``RLIMIT_NPROC`` counts (all
threads of every process of the uid), the user keyring. Were every run the same user
(``nobody``), one run's threads would count against every other run graded at the same
time, and anything it left under that uid would meet the next. So each run becomes a uid
of a reserved range no account uses, held for the run's life by a lock only root can
take (``/run/mllab-run-uids/<slot>``), and handed back once every process of the run is
gone. A grader that is not root runs each run in a user namespace of its own
(bubblewrap), where its uid's counts are the run's alone.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

RUN_UID_BASE = 0x6D6C0000  # "ml" << 16: 1835794432, far above any account's uid
RUN_UIDS = 4096


def is_run_uid(uid: int) -> bool:
    return RUN_UID_BASE <= uid < RUN_UID_BASE + RUN_UIDS


def _locks() -> Path:
    """The folder of the uid locks: root's own, closed to everyone else."""
    base = Path("/run") if os.access("/run", os.W_OK) else Path(tempfile.gettempdir())
    folder = base / "mllab-run-uids"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != 0 or info.st_mode & 0o077:
        raise OSError(f"{folder} is not root's own folder")
    return folder


@contextmanager
def run_user(default: tuple[int, int] | None):
    """(uid, gid) for one run, held until the ``with`` ends; ``default`` (None: the run
    keeps the grader's user) when mllab does not run as root or runs keep root."""
    if default is None or os.geteuid() != 0:
        yield default
        return
    folder = _locks()
    for _ in range(256):
        slot = secrets.randbelow(RUN_UIDS)
        fd = os.open(folder / str(slot), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield RUN_UID_BASE + slot, RUN_UID_BASE + slot
        finally:
            os.close(fd)
        return
    raise OSError("no run uid is free")
