"""Tries to use power a graded run must not have; raises naming every attempt that worked.

The test fills CONFIG: folders to write into, the pid of a process of the grader's user
holding a canary in its environment and command line, and a unix socket it listens on.
"""
import ctypes
import os
import socket

import numpy as np

CONFIG = {}  # the test puts its paths and the canary holder here


def attempts():
    worked = []
    if os.getuid() == 0 or os.geteuid() == 0:
        worked.append("uid-0")
    with open("/proc/self/status") as fh:
        caps = dict(line.split(":\t", 1) for line in fh.read().splitlines() if ":\t" in line)
    if int(caps["CapEff"], 16):
        worked.append("capabilities")
    for name, folder in CONFIG["write_into"].items():
        try:
            with open(os.path.join(folder, f"mllab-escape-{CONFIG['token']}"), "w") as fh:
                fh.write("escaped")
            worked.append(f"write-{name}")
        except OSError:
            pass
    holder = CONFIG["holder_pid"]
    for what in ("environ", "cmdline", "mem"):
        try:
            with open(f"/proc/{holder}/{what}", "rb") as fh:
                if what == "mem" or CONFIG["token"].encode() in fh.read():
                    worked.append(f"read-{what}")
        except OSError:
            pass
    try:
        os.kill(holder, 0)
        worked.append("signal")
    except OSError:
        pass
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.ptrace(16, holder, None, None) == 0:  # PTRACE_ATTACH
        worked.append("trace")
    if libc.mount(b"none", b"/", None, 32 | 4096, None) == 0:  # MS_REMOUNT | MS_BIND, rw
        worked.append("remount")
    for name, address in (("socket", CONFIG["socket"]), ("abstract-socket", "\0" + CONFIG["token"])):
        try:  # a service of the grader's session (D-Bus, an ssh agent) would run commands
            with socket.socket(socket.AF_UNIX) as client:
                client.settimeout(2)
                client.connect(address)
            worked.append(f"connect-{name}")
        except OSError:
            pass
    try:
        with open("/etc/shadow") as fh:
            fh.read(1)
        worked.append("read-shadow")
    except OSError:
        pass
    return worked


def train(X, y):
    worked = attempts()
    if worked:
        raise RuntimeError("BREACH " + " ".join(worked))
    design = np.c_[X, np.ones(len(X))]
    weights, *_ = np.linalg.lstsq(design, 2 * y - 1, rcond=None)
    return weights


def predict(model, X):
    return (np.c_[X, np.ones(len(X))] @ model > 0).astype(int)
