"""Removing what a run left: its folder (whatever it made of it), stale folders of a
grading process that was killed, and files left in shared scratch folders.

A run owns its folder, so removal trusts nothing in it: no recursion (a run can nest
folders deeper than Python's stack), no link followed, permissions restored before each
folder is emptied (a run can ``chmod 500`` its folders). A folder that still cannot be
removed is reported once, and never stops this grading or a later one.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path

from mllab.graders.sandbox.inside import MS_NODEV, MS_NOSUID, _mount

WORKDIR_PREFIX = "mllab-"
RUN_FOLDER = re.compile(r"mllab-[a-z0-9_]+-([0-9]+)-[a-z0-9_]{8}")  # <lab>-<grader pid>-<random>
SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")  # world-writable places a run could leave files in
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_reported: set[str] = set()  # folders this process already said it could not remove


def remove_tree(path: str | Path) -> bool:
    """Remove ``path`` and everything below it; whether it is gone. Iterative, with two
    open folders at most: every folder below the top is moved up into the top before it
    is emptied, so neither the depth nor the length of paths matters. A run folder that is
    a size-limited file system of its own (``run_folder``) is unmounted first."""
    path = str(path)
    if os.geteuid() == 0 and os.path.ismount(path):
        _umount(path)
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)
            return True
        top = os.open(path, _DIR_FLAGS)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    moved = 0
    try:
        os.fchmod(top, 0o700)
        while names := os.listdir(top):
            for name in names:
                try:
                    mode = os.lstat(name, dir_fd=top).st_mode
                except FileNotFoundError:  # removed meanwhile (another grader's sweep)
                    continue
                if not stat.S_ISDIR(mode):
                    os.unlink(name, dir_fd=top)
                    continue
                os.chmod(name, 0o700, dir_fd=top)  # a folder: checked just above, not a link
                inner = os.open(name, _DIR_FLAGS, dir_fd=top)
                try:
                    for child in os.listdir(inner):
                        if not stat.S_ISDIR(os.lstat(child, dir_fd=inner).st_mode):
                            os.unlink(child, dir_fd=inner)
                            continue
                        os.chmod(child, 0o700, dir_fd=inner)  # moving it rewrites its ".."
                        while True:
                            moved += 1
                            try:
                                os.rename(child, f".rm{moved}", src_dir_fd=inner, dst_dir_fd=top)
                                break
                            except FileExistsError:
                                continue
                            except OSError as exc:
                                if exc.errno not in (20, 39):  # ENOTDIR, ENOTEMPTY: name taken
                                    raise
                finally:
                    os.close(inner)
                os.rmdir(name, dir_fd=top)
    except FileNotFoundError:
        return not os.path.lexists(path)
    except OSError:
        return False
    finally:
        os.close(top)
    try:
        os.rmdir(path)
    except FileNotFoundError:  # removed meanwhile (another grader's sweep)
        pass
    except OSError:
        return False
    return True


def remove_run_folder(folder: str | Path) -> None:
    """Remove a run's folder; if it cannot be, say so once (it never fails a grading)."""
    if not remove_tree(folder) and str(folder) not in _reported:
        _reported.add(str(folder))
        print(f"mllab: could not remove the run folder {folder}; remove it by hand",
              file=sys.stderr)


@contextmanager
def run_folder(name: str, disk_mb: int | None = None):
    """A fresh folder for one run, named after this process (see ``remove_stale_run_folders``),
    removed afterwards whatever the run left in it. With ``disk_mb``, when mllab runs as
    root, the folder is a file system of its own of that size (tmpfs), so that a run filling
    it fills nothing another grading needs (a normal user's run server gets one in its own
    mount namespace, ``server.Server``; a normal user's cold runs bound each file they
    write, ``child.FILE_LIMIT_BYTES``, not their sum)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{name}-{os.getpid()}-"))
    try:
        if disk_mb and os.geteuid() == 0:
            _mount("tmpfs", str(folder), "tmpfs", MS_NOSUID | MS_NODEV,
                   f"size={disk_mb * 2**20},mode=0700")
        yield folder
    finally:
        remove_run_folder(folder)


def disk_full(folder: Path) -> bool:
    """Whether the file system of ``folder`` (a run's own, see ``run_folder``) is full:
    the kernel's count, which nothing in the run can fake."""
    try:
        info = os.statvfs(folder)
    except OSError:
        return False
    return os.path.ismount(folder) and info.f_bavail * info.f_frsize < 2**20


def _umount(path: str) -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).umount2(path.encode(), 2)  # MNT_DETACH


def remove_stale_run_folders(run_uid) -> None:
    """Remove run folders whose grading process is gone (a grader killed mid-run), owned by
    this user or by a run's (``run_uid(uid)``). Silent, and never raises: what cannot be
    removed stays, and no grading waits on it."""
    try:
        me = os.geteuid()
        for entry in os.scandir(tempfile.gettempdir()):
            with suppress(OSError, ValueError):
                owner = RUN_FOLDER.fullmatch(entry.name)
                if owner and entry.is_dir(follow_symlinks=False) and \
                        (entry.stat(follow_symlinks=False).st_uid == me or
                         run_uid(entry.stat(follow_symlinks=False).st_uid)) and \
                        not _alive(int(owner.group(1))):
                    remove_tree(entry.path)
    except Exception:  # noqa: BLE001 - a sweep is housekeeping: it must never stop a grading
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def sweep_scratch(uid: int, since: float, keep: Path) -> None:
    """Remove what the run's own user created in the shared scratch folders since ``since``,
    except ``keep`` (levels without a private /tmp; only runs with a uid of their own)."""
    for folder in SCRATCH:
        with suppress(OSError):
            for entry in os.scandir(folder):
                with suppress(OSError):
                    info = entry.stat(follow_symlinks=False)
                    if info.st_uid == uid and info.st_ctime >= since and entry.path != str(keep):
                        remove_tree(entry.path)
