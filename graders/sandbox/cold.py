"""A run in a fresh sandboxed interpreter of its own (every level; ``$MLLAB_COLD_RUNS=1``,
or where the run server cannot work)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from mllab.graders.sandbox.budget import (POLL_S, ChildRun, Limits, Watch, become_subreaper,
                                          over_budget, process_table)
from mllab.graders.sandbox.cleanup import disk_full, sweep_scratch
from mllab.graders.sandbox.clock import Clock
from mllab.graders.sandbox.inside import CLOCK_VAR, RUN_AS_VAR, TASKS_VAR
from mllab.graders.sandbox.levels import available_isolation, prefix, run_as_user
from mllab.graders.sandbox.logs import Tail
from mllab.graders.sandbox.users import run_user


def run(argv: list[str], workdir: Path, limits: Limits, env: dict[str, str],
        isolation: str | None = None, readable: tuple[Path, ...] = (),
        hidden: tuple[Path, ...] = (), on_poll=lambda: None) -> ChildRun:
    """Run ``argv`` in ``workdir`` under ``limits``; nothing of it survives the call.

    ``readable``: folders the run must be able to read (bubblewrap shows it nothing else of
    the disk but the system folders and the Python environment). ``hidden``: files and
    folders inside those it must not see (bubblewrap only). ``on_poll`` is called every
    ``POLL_S`` while it runs (to show its progress). When mllab runs as root the
    command is told (``$MLLAB_RUN_AS``) to become a uid of its own (``users``), who then
    owns ``workdir``; a run with a uid or user namespace of its own may hold at most
    ``limits.max_processes`` tasks (the kernel's count).
    """
    isolation = isolation or available_isolation()[0]
    with run_user(run_as_user(isolation)) as run_as:
        return _run(argv, workdir, limits, dict(env), isolation, readable, hidden, on_poll,
                    run_as)


def _run(argv, workdir, limits, env, isolation, readable, hidden, on_poll, run_as) -> ChildRun:
    if run_as:
        os.chown(workdir, *run_as)
        env[RUN_AS_VAR] = f"{run_as[0]}:{run_as[1]}"
    # The kernel counts tasks per uid (in a user namespace, per namespace): the cap is the
    # run's own only with a uid of its own (root's runs) or a user namespace of its own (a
    # normal user's bubblewrap or unshare). A normal user's process-group run shares the
    # grader's uid, whose other tasks (a desktop, classmates' gradings) would count: an
    # honest file starting 4 threads got too-many-tasks beside 80 sleeping processes.
    if run_as or os.geteuid() != 0 and isolation in ("bwrap", "unshare"):
        env[TASKS_VAR] = str(limits.max_processes)
    become_subreaper()
    ours_before = {p for p, (pp, _, _) in process_table().items() if pp == os.getpid()}
    started, started_wall = time.monotonic(), time.time()
    wrapper = prefix(isolation, str(workdir), tuple(str(p) for p in readable if p.exists()),
                     tuple(str(p) for p in hidden), limits.scratch_mb)
    clock_read, clock_write = os.pipe()
    env[CLOCK_VAR] = str(clock_write)
    try:
        proc = subprocess.Popen(
            wrapper + argv, cwd=workdir, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True, pass_fds=(clock_write,),
        )
    except BaseException:
        os.close(clock_read)
        raise
    finally:
        os.close(clock_write)
    clock = Clock(clock_read)
    clock.start()
    tail = Tail(proc.stdout)
    tail.start()
    watch = Watch(proc.pid, ours_before)
    stopped_for, peak = None, 0.0
    try:
        while proc.poll() is None:
            pids, table = watch.pids()
            rss_mb, stopped_for = over_budget(pids, table, limits, started, tail.total)
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
            sweep_scratch(run_as[0], started_wall - 1, keep=workdir)
    if tail.total > limits.output_bytes and stopped_for is None:
        stopped_for = "output"
    ended = time.monotonic()
    return ChildRun(
        returncode=proc.returncode,
        signal_name=None if stopped_for else signal_name(proc.returncode, isolation),
        stopped_for=stopped_for,
        log=tail.text(),
        seconds=ended - started,
        peak_memory_mb=round(peak, 1),
        isolation=isolation,
        submission_seconds=ended - (clock.at or started),
        started=clock.at is not None,
        disk_full=disk_full(workdir),
    )


def signal_name(returncode: int, isolation: str) -> str | None:
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

