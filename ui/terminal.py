"""The terminal every command writes to: stdout and stderr consoles, a plain line, a
warning, a live line for a long task, and ``Stop``, how library code ends a command.

Into a pipe or a file, lines are written whole (no wrapping, no cropping): a diff or a
log line stays as it is; a terminal gets text wrapped at word boundaries.
"""

from __future__ import annotations

import contextlib
import sys
from types import SimpleNamespace

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from mllab.ui.render import inert, labelled

console = Console(soft_wrap=not sys.stdout.isatty())
errors = Console(stderr=True, soft_wrap=not sys.stderr.isatty())


class Stop(Exception):
    """Ends the command with one line (exit ``code``): raised where the problem is found,
    shown by ``cli.py`` (on stderr, or as JSON for a command asked for ``--json``)."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = 2):
    """End the command with ``message`` (see ``Stop``)."""
    raise Stop(message, code)


def say(text: str, style: str = "") -> None:
    """Print ``text`` as written (no markup), wrapped at word boundaries."""
    console.print(Text(text, style=style))


def warn(message: str) -> None:
    errors.print(labelled("warning:", inert(message, limit=1000, lines=1), "yellow"))


@contextlib.contextmanager
def status(message: str, quiet: bool):
    """Yield a ``status`` whose ``update(step)`` shows where a long task is: on a terminal, a
    live line (spinner, step, elapsed time); elsewhere (a log, CI) one plain line per step;
    nothing when ``quiet`` (JSON on stdout, ``--quiet``). Colours follow ``NO_COLOR``."""
    if quiet:
        yield SimpleNamespace(update=lambda step: None)
    elif not console.is_terminal:
        yield SimpleNamespace(update=lambda step: console.print(
            Text(f"{message}: {inert(step, lines=1)}", style="dim")))
    else:
        with Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False),
                      TimeElapsedColumn(), console=console, transient=True) as live:
            task = live.add_task(message)
            yield SimpleNamespace(update=lambda step: live.update(
                task, description=f"{message}: {inert(step, lines=1)}"))
