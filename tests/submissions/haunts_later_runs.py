"""Attacks the runs that come after it in the same grading (seed 2 follows seed 1), then
grades honestly: marks every place it can write, signals and reads every process it can
see, leaves a daemon. A later run that finds any trace of an earlier one raises BREACH."""
import ctypes
import os
import signal
import time

import numpy as np

CONFIG = {}  # the test puts a token naming the marks here
PLACES = ("/tmp", "/var/tmp", "/dev/shm", "/dev", os.path.expanduser("~"), os.getcwd(),
          os.path.dirname(os.getcwd()), "/")


def _others() -> list[int]:
    mine = {os.getpid(), os.getppid()}
    return [int(name) for name in os.listdir("/proc") if name.isdigit() and int(name) not in mine]


def _haunt() -> None:
    mark = f"mllab-haunt-{CONFIG['token']}"
    for place in PLACES:
        if os.path.exists(os.path.join(place, mark)):
            raise RuntimeError(f"BREACH a mark of an earlier run in {place}")
    for pid in _others():
        for name in ("environ", "cmdline", "mem"):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as fh:
                    if b"serve" in fh.read(4096):
                        raise RuntimeError(f"BREACH the run server (pid {pid}) is visible")
            except OSError:
                pass
        if pid != 1:
            raise RuntimeError(f"BREACH a process of an earlier run or of the grader ({pid})")
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            try:
                os.kill(pid, sig)
            except OSError:
                pass
    for place in PLACES:
        try:
            with open(os.path.join(place, mark), "w") as fh:
                fh.write("for the next run")
        except OSError:
            pass
    if os.fork() == 0:  # a daemon that would carry a message on
        try:
            os.setsid()
            if os.fork() == 0:
                ctypes.CDLL(None).prctl(15, b"mllabghost", 0, 0, 0)  # PR_SET_NAME
                time.sleep(600)
        finally:
            os._exit(0)


def train(X, y):
    _haunt()
    design = np.c_[X, np.ones(len(X))]
    weights, *_ = np.linalg.lstsq(design, 2 * y - 1, rcond=None)
    return weights


def predict(model, X):
    return (np.c_[X, np.ones(len(X))] @ model > 0).astype(int)
