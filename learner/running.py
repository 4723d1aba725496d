"""``mllab run``: the learner's file, checked, then run the way the team runs it, attached to
this terminal (a live line with the training step and loss on one), and what we noticed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from mllab.learner.workspace import Workspace
from mllab.ui.render import inert
from mllab.ui.terminal import console, fail, say


def run(lab, ws: Workspace, file: str | None, device: str, seed: int, no_diagnose: bool) -> int:
    """Run the learner's copy (or ``file``) on ``seed``, then, when it ended well, say what
    a second, traced run noticed; the script's exit code."""
    from mllab.learner.diagnosis import noticed_after

    path = learner_file(ws, lab, file, "run")
    require_compiles(path)
    resolved = resolve_device(device)
    code = run_script(path, resolved, seed)
    if code == 0 and not no_diagnose:
        noticed_after(lab, path, ws, resolved, "what we noticed comes from a second, traced run "
                      "of your functions on one seed of the lab's data")
    return code


def learner_file(ws: Workspace, lab, file: str | None, command: str) -> Path:
    """``--file`` if given, else the learner's copy in the workspace; stops with one line
    when it is missing or unreadable."""
    path = ws.require_copy(lab) if file is None else Path(file).resolve()
    if not path.is_file():
        fail(f"no such file: {path}; without --file, `mllab {command} {lab.id}` uses your "
             "workspace copy")
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    return path


def require_compiles(path: Path) -> None:
    """Stop with one line when ``path`` is not valid Python (what ``run`` would crash on)."""
    try:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        fail(f"syntax error in {path.name}, line {exc.lineno}: {exc.msg}")
    except ValueError as exc:  # e.g. null bytes: not a text file
        fail(f"{path.name} is not a Python source file: {exc}")
    except (MemoryError, RecursionError):  # e.g. 100,000 nested unary minus signs
        fail(f"{path.name} is nested too deeply for Python to compile")


def resolve_device(requested: str) -> str:
    """``cpu`` or ``cuda``: ``auto`` resolved on this machine; stops when ``cuda`` is asked
    for on a machine without one."""
    if requested == "cpu":
        return "cpu"
    if cuda_available():
        return "cuda"
    if requested == "cuda":
        fail("this machine has no CUDA device (PyTorch sees no GPU); use --device cpu")
    return "cpu"


def cuda_available() -> bool:
    """Asked in a child process, so that the CLI itself never imports torch; without a GPU
    driver's device files (NVIDIA, or ROCm's /dev/kfd) the answer is no, without asking."""
    if not any(Path(p).exists() for p in ("/dev/nvidiactl", "/dev/nvidia0", "/dev/kfd")):
        return False
    probe = "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"
    return subprocess.call([sys.executable, "-c", probe], stderr=subprocess.DEVNULL) == 0


def run_script(path: Path, device: str, seed: int) -> int:
    """Run ``path``'s script the way the team does, attached to this terminal (a live line
    with the training step and loss on one); its exit code."""
    from mllab.graders.engine import CHILD_SCRIPT

    say(f"running {path} on {device}, seed {seed}", style="dim")
    try:
        with tempfile.TemporaryDirectory(prefix="mllab-run-") as scratch:
            live = Path(scratch) / "progress" if console.is_terminal else None
            return foreground([sys.executable, str(CHILD_SCRIPT), "run", str(path),
                               "--device", device, "--seed", str(seed)], cwd=path.parent,
                              live=live)
    except KeyboardInterrupt:
        fail(f"interrupted (Ctrl-C): stopped the run of {path.name}")


def foreground(argv: list[str], cwd: Path, live: Path | None = None) -> int:
    """Run ``argv`` attached to this terminal; return its exit code.

    Ctrl-C reaches only this process (the child starts with SIGINT ignored), which then
    stops the child with SIGTERM: no traceback from deep inside a library, no process left.
    With ``live`` (a file the child writes "step N loss X" to), the child's output is
    passed through line by line above a live line showing its training step and loss.
    """
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by the child
    try:
        if live is None:
            child = subprocess.Popen(argv, cwd=cwd)
        else:
            child = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     env={**os.environ, "MLLAB_PROGRESS": str(live),
                                          "PYTHONUNBUFFERED": "1"})
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        if live is None:
            return child.wait()
        return _with_live_training(child, live)
    except KeyboardInterrupt:
        child.terminate()
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise


def _with_live_training(child: subprocess.Popen, progress_file: Path) -> int:
    """Show ``child``'s output as it comes, under a live line with the training step and
    loss it last wrote to ``progress_file``; return its exit code."""
    import threading

    from mllab.graders.engine import TRAINING_LINE
    from mllab.graders.report import metric_text

    with Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False),
                  TimeElapsedColumn(), console=console, transient=True) as live:
        task = live.add_task("training")

        def passed_through() -> None:
            for raw in iter(child.stdout.readline, b""):
                shown = raw.decode("utf-8", "replace").rstrip("\r\n").split("\r")[-1]
                live.console.print(Text(inert(shown, limit=1000, lines=1)))

        reader = threading.Thread(target=passed_through, daemon=True)
        reader.start()
        while child.poll() is None:
            try:
                match = TRAINING_LINE.fullmatch(progress_file.read_bytes()[:64])
            except OSError:
                match = None
            if match:
                live.update(task, description=f"training: step {int(match[1])}, "
                                              f"loss {metric_text(float(match[2]))}")
            time.sleep(0.25)
        reader.join(timeout=5)
    return child.returncode
