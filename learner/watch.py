"""``mllab watch``: grade the learner's copy again each time they save it (rustlings-style).

Each save (a change of the file's *content*, found by polling its hash: editors that
save by rename, and filesystems that miss change events, work alike) starts a quick
grade on one seed; when that passes, the full grade ``submit`` does.
Neither is recorded as an attempt; the ``s`` command is a real submit.

Every grade runs in a worker process of its own (this file, run as a script), in its
own session, on a snapshot of the file taken outside the workspace. Saving again
cancels it: SIGTERM makes the worker unwind like Ctrl-C during ``submit`` (the sandbox
kills its runs and removes its folders); one that does not end in time is killed with
everything below it. The worker's prints are JSON lines: progress steps, then the report.
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as the worker: `python learner/watch.py work ...` imports mllab
    import importlib.util
    import sys
    from pathlib import Path

    _root = Path(__file__).resolve().parents[1]  # the repository root is the mllab package
    if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
        del sys.path[0]  # this folder's workspace.py, interview.py ... are no top-level modules
    _spec = importlib.util.spec_from_file_location(
        "mllab", _root / "__init__.py", submodule_search_locations=[str(_root)])
    sys.modules["mllab"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["mllab"])

import contextlib
import ctypes
import hashlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text

WORKER = Path(__file__).resolve()
GRACE_S = 5.0  # seconds a cancelled worker has to unwind before it is killed
SNAPSHOT_PREFIX = "mllab-watch-"  # + pid: see sandbox.RUN_FOLDER
STAGES = ("quick", "full", "submit")


def digest(source: bytes) -> str:
    """What tells two versions of the file apart (its modification time does not: a save
    without a change is no new version, and some filesystems keep coarse times)."""
    return hashlib.sha256(source).hexdigest()


# ------------------------------------------------------------------ the worker


@dataclass
class Event:
    """What a worker said: a progress ``step``, its ``report`` (a dict), or its ``failure``."""

    stage: str
    digest: str
    step: str = ""
    report: dict | None = None
    failure: str = ""


@dataclass
class _Job:
    stage: str
    digest: str
    proc: subprocess.Popen
    folder: Path
    errors: object  # the worker's stderr, a temporary file
    pending: bytes = b""
    report: dict | None = None


class Grader:
    """At most one grade at a time, in a worker process that can be cancelled cleanly."""

    def __init__(self, lab_id: str, file: Path, device: str):
        self.lab_id, self.file, self.device = lab_id, file, device
        self.job: _Job | None = None

    @property
    def busy(self) -> str | None:
        """The stage being graded, or None."""
        return self.job.stage if self.job else None

    def start(self, stage: str, source: bytes, digest: str) -> None:
        """Grade ``source`` (the file's content when ``digest`` was taken) at ``stage``."""
        assert stage in STAGES and self.job is None, (stage, self.job)
        # named like a sandbox run folder: if this process is killed, a later grade sweeps it
        folder = Path(tempfile.mkdtemp(prefix=f"{SNAPSHOT_PREFIX}{os.getpid()}-"))
        snapshot = folder / self.file.name  # the learner's file name: reports show it
        try:
            snapshot.write_bytes(source)
            errors = tempfile.TemporaryFile()
            proc = subprocess.Popen(
                [sys.executable, str(WORKER), "work", self.lab_id, str(snapshot), stage,
                 self.device], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors,
                start_new_session=True)  # Ctrl-C reaches only this process, which cancels it
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        os.set_blocking(proc.stdout.fileno(), False)
        self.job = _Job(stage, digest, proc, folder, errors)

    def fileno(self) -> int | None:
        """The worker's output, to wait on with ``select``; None when idle."""
        return self.job.proc.stdout.fileno() if self.job else None

    def poll(self) -> list[Event]:
        """What the worker said since the last call; the last event of a finished grade is
        its report or its failure (and the grader is idle again)."""
        job = self.job
        if job is None:
            return []
        events = []
        with contextlib.suppress(BlockingIOError):
            while chunk := job.proc.stdout.read(65536):
                job.pending += chunk
        *lines, job.pending = job.pending.split(b"\n")
        for line in lines:
            try:
                said = json.loads(line)
            except ValueError:
                continue
            if "step" in said:
                events.append(Event(job.stage, job.digest, step=str(said["step"])))
            elif "report" in said:
                job.report = said["report"]
        if job.proc.poll() is not None:
            events.append(self._finished(job))
        return events

    def _finished(self, job: _Job) -> Event:
        self._close(job)
        if job.report is not None:
            return Event(job.stage, job.digest, report=job.report)
        job.errors.seek(0)
        last = job.errors.read()[-4000:].decode("utf-8", "replace").strip().splitlines()
        return Event(job.stage, job.digest, failure=f"the grading process stopped (exit code "
                     f"{job.proc.returncode}){': ' + last[-1] if last else ''}")

    def cancel(self) -> None:
        """Stop the grade under way, if any: nothing of it is left running or on disk."""
        job = self.job
        if job is None:
            return
        with _shielded():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(job.proc.pid, signal.SIGTERM)
            try:
                job.proc.wait(timeout=GRACE_S)
            except subprocess.TimeoutExpired:
                _kill_tree(job.proc.pid)
                job.proc.wait()
            self._close(job)

    def _close(self, job: _Job) -> None:
        job.proc.stdout.close()
        job.errors.close()
        shutil.rmtree(job.folder, ignore_errors=True)
        self.job = None


@contextlib.contextmanager
def _shielded():
    """Ctrl-C and SIGTERM held off while a grade is being cleaned up (a second Ctrl-C must
    not leave it half done); delivered once it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    numbers = (signal.SIGINT, signal.SIGTERM)
    previous = {n: signal.signal(n, lambda signum, frame: caught.append(signum)) for n in numbers}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if caught:
            signal.raise_signal(caught[0])


def _kill_tree(pid: int) -> None:
    """SIGKILL ``pid``, its process group and every process below it (the sandbox's runs
    live in sessions of their own)."""
    from mllab.graders.sandbox.budget import process_table as _process_table, tree as _tree

    for victim in sorted(_tree({pid}, _process_table())):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(victim, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _work(lab_id: str, file: str, stage: str, device: str) -> int:
    """The worker: grade ``file`` at ``stage``, printing JSON lines; SIGTERM (a new save)
    unwinds it like Ctrl-C, so the sandbox cleans up after itself."""
    from mllab import labs
    from mllab.graders import Options, grade, parallel_runs

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    with contextlib.suppress(OSError, AttributeError):  # Linux: end with the watch process
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG

    def say(**message) -> None:
        print(json.dumps(message), flush=True)

    lab = labs.get(lab_id)
    options = Options(device=device, count=1 if stage == "quick" else None,
                      workers=parallel_runs(lab))
    try:
        result = grade(lab, Path(file), options, progress=lambda step: say(step=step))
        say(report=result.to_dict())
    except KeyboardInterrupt:
        return 130
    return 0


# ------------------------------------------------------------------ the learner's commands


COMMANDS = {"h": "hint", "hint": "hint", "s": "submit", "submit": "submit", "q": "quit",
            "quit": "quit", "exit": "quit"}


class Commands:
    """The learner's commands from stdin: single keys on a terminal (no Enter needed; its
    settings are restored on exit, whatever happens), else one per line (``h``, ``s``,
    ``q``), so that scripts and tests can drive ``watch``."""

    def __init__(self, stream=None):
        self.fd = (stream or sys.stdin).fileno()
        self.terminal = os.isatty(self.fd)
        self.closed = False
        self._saved = None
        self._pending = b""

    def __enter__(self) -> Commands:
        if self.terminal:
            import termios
            import tty

            self._saved = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd)  # keys one by one, no echo; Ctrl-C still interrupts
        return self

    def __exit__(self, *exc) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def fileno(self) -> int | None:
        return None if self.closed else self.fd

    def read(self) -> list[str]:
        """The commands ready now (call when ``select`` says so): known names only, unknown
        input as ``?``. At end of input, none ever again (``closed``)."""
        try:
            data = os.read(self.fd, 1024)
        except OSError:
            data = b""
        if not data:
            self.closed = True
            return []
        if self.terminal:
            words = [chr(b).lower() for b in data if chr(b).strip()]
        else:
            *lines, self._pending = (self._pending + data).split(b"\n")
            words = [line.decode("utf-8", "replace").strip().lower() for line in lines]
            words = [word for word in words if word]
        commands = [COMMANDS.get(word, "?") for word in words]
        return [c for n, c in enumerate(commands) if c != "?" or "?" not in commands[:n]]


def ready(*sources, timeout: float) -> list:
    """Those of ``sources`` (objects with ``fileno()``, which may be None) that have something
    to read, waiting at most ``timeout`` seconds."""
    live = [s for s in sources if s.fileno() is not None]
    if not live:
        time.sleep(timeout)
        return []
    try:
        return select.select(live, [], [], timeout)[0]
    except InterruptedError:
        return []


def snapshot(path: Path) -> bytes | None:
    """``path``'s content; None when it is missing or cannot be read."""
    try:
        return path.read_bytes()
    except OSError:
        return None


# ------------------------------------------------------------------ the session


HEADINGS = {"quick": "quick grade on one seed (not recorded)",
            "full": "full grade (not recorded; `s` submits)",
            "submit": "submit: full grade, recorded as an attempt"}
KEYS = "h next hint · s submit (recorded) · q quit"


class Session:
    """The watch loop: grade on each save, cancel a grade the next save makes stale, answer
    the learner's commands. ``on_hint()`` shows the next hint; ``on_submit(report)`` renders
    and records a submit's report."""

    def __init__(self, console, lab, path: Path, grader: Grader, commands: Commands,
                 poll_s: float, on_hint, on_submit):
        self.console, self.lab, self.path = console, lab, path
        self.grader, self.commands, self.poll_s = grader, commands, poll_s
        self.on_hint, self.on_submit = on_hint, on_submit
        self.seen: str | None = ""  # digest of the content last seen ("": none yet)
        self.source: bytes | None = None
        self.status = None  # the live progress line, on a terminal

    def run(self) -> None:
        """Watch until the learner quits (``q``); Ctrl-C raises KeyboardInterrupt."""
        keys = KEYS if self.commands.terminal else KEYS.replace(" ·", ",") + " (then Enter)"
        self._say(f"watching {self.path} (every {self.poll_s:g}s); {keys}", "dim")
        try:
            self._look()
            while True:
                if self.commands in ready(self.commands, self.grader, timeout=self.poll_s):
                    for command in self.commands.read():
                        if command == "quit":
                            return
                        self._command(command)
                    if self.commands.closed:
                        self._say("end of input: no more commands; Ctrl-C stops watching",
                                  "dim")
                events = self.grader.poll()
                self._look()  # a save since: what the worker said is about the old content
                for event in events:
                    if event.digest == self.seen:
                        self._event(event)
        finally:
            self._progress(None)
            self.grader.cancel()

    # ---------------------------------------------------------------- the file

    def _look(self) -> None:
        """Start over when the file's content changed since last seen."""
        source = snapshot(self.path)
        if source is None and self.seen:  # an editor replacing the file: look again
            time.sleep(0.2)
            source = snapshot(self.path)
        seen = None if source is None else digest(source)
        if seen == self.seen:
            return
        self.seen, self.source = seen, source
        cancelled = self.grader.busy
        self._cancel()
        stopped = (f"the {cancelled} grade under way was cancelled"
                   f"{'; nothing was recorded' if cancelled == 'submit' else ''}")
        if source is None:
            self._say(f"{self.path} is missing or unreadable; waiting for it (save it again, "
                      f"or `mllab start {self.lab.id}`){'; ' + stopped if cancelled else ''}",
                      "yellow")
            return
        if cancelled:
            self._say(f"saved again: restarting ({stopped})", "yellow")
        self._start("quick")

    def _start(self, stage: str) -> None:
        try:
            self.grader.start(stage, self.source, self.seen)
        except OSError as exc:  # e.g. a full or unwritable temporary folder
            self._say(f"cannot start the {stage} grade: {exc}; save again to retry", "red")
            return
        heading = HEADINGS[stage]
        self.console.rule(Text(f"{heading} · {time.strftime('%H:%M:%S')}", style="bold"),
                          align="left")
        self._progress(f"{stage} grade of {self.path.name}")

    def _cancel(self) -> None:
        self._progress(None)
        self.grader.cancel()

    # ---------------------------------------------------------------- the worker

    def _event(self, event: Event) -> None:
        if event.step:
            self._progress(f"{event.stage} grade of {self.path.name}: {event.step}")
            return
        self._progress(None)
        if event.failure:
            self._say(f"{event.stage} grade stopped: {event.failure}; save again to retry", "red")
            return
        from mllab.ui import render
        from mllab.graders import Report

        result = Report.from_dict(event.report)
        if event.stage == "submit":
            self.on_submit(result)
        elif event.stage == "quick" and result.verdict == "pass":
            run = result.runs[0]
            self._say(f"quick grade: pass on seed 1 (data seed {run.seed}; "
                      f"{result.seconds:.1f}s); now the full grade", "green")
            self._start("full")
        else:
            render.report(self.console, result)
            after = ("passed: `s` submits it (recorded as an attempt)" if result.verdict == "pass"
                     else "fix your copy and save: watch grades it again")
            self._say(f"{after}; {KEYS}", "dim")

    def _progress(self, step: str | None) -> None:
        """Show ``step`` on a live line (a terminal only); None ends the line."""
        if not self.console.is_terminal:
            return
        if step is None:
            if self.status is not None:
                self.status.stop()
                self.status = None
            return
        from mllab.ui.render import inert

        if self.status is None:
            self.status = self.console.status("")
            self.status.start()
        self.status.update(Text(inert(step, lines=1), style="dim"))

    # ---------------------------------------------------------------- the learner

    def _command(self, command: str) -> None:
        if command == "hint":
            self.on_hint()
        elif command == "submit":
            source = snapshot(self.path)
            if source is None:
                self._say(f"nothing to submit: {self.path} is missing", "yellow")
                return
            self.seen, self.source = digest(source), source
            self._cancel()
            self._start("submit")
        else:
            self._say(f"keys: {KEYS}", "dim")

    def _say(self, text: str, style: str = "") -> None:
        from mllab.ui.render import inert

        self.console.print(Text(inert(text, limit=1000, lines=1), style=style))


def watch(lab, ws, file: str | None, device: str, poll: float) -> None:
    """``mllab watch``: the session on the learner's copy (or ``file``) until q, Ctrl-C,
    SIGTERM or a closed terminal; a submit is recorded as ``mllab submit`` records it."""
    from mllab.learner.loop import after_pass, next_hint, record
    from mllab.learner.running import learner_file, resolve_device
    from mllab.learner.workspace import WorkspaceError
    from mllab.ui import render
    from mllab.ui.terminal import console, say, warn

    path = learner_file(ws, lab, file, "watch")
    if device == "cuda":
        resolve_device(device)
    grader = Grader(lab.id, path, device)

    def submitted(result) -> None:
        render.report(console, result)
        record(ws, lab, path, result)
        if result.verdict == "pass":
            after_pass(ws, lab)

    def hinted() -> None:
        try:
            next_hint(ws, lab)
        except WorkspaceError as exc:  # e.g. a read-only workspace: keep watching
            warn(str(exc))

    stops = {number: signal.signal(number, _interrupt)
             for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        with Commands() as commands:
            Session(console, lab, path, grader, commands, poll, hinted, submitted).run()
    except KeyboardInterrupt as exc:
        say(f"stopped watching ({exc.args[0] if exc.args else 'Ctrl-C'})", style="dim")
    finally:
        grader.cancel()
        for number, previous in stops.items():
            signal.signal(number, previous)


def _interrupt(signum, frame):
    """SIGTERM (or a closed terminal) stops ``watch`` the way Ctrl-C does."""
    raise KeyboardInterrupt(signal.Signals(signum).name)


if __name__ == "__main__" and sys.argv[1:2] == ["work"]:
    sys.exit(_work(*sys.argv[2:6]))
