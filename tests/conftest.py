"""Shared fixtures: the test course with its tiny lab, golden submissions, a leftover-process probe."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from mllab import labs

# A test run started in the background (`nohup ... &`) inherits SIGINT ignored, and so would
# every mllab process it starts: the Ctrl-C tests need what a terminal gives, the default.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

TESTS = Path(__file__).resolve().parent
SUBMISSIONS = TESTS / "submissions"
COURSE = TESTS / "course"  # a course of one numpy-only lab, for testing the machinery fast


@pytest.fixture(autouse=True)
def test_course(monkeypatch, tmp_path_factory):
    """Every test sees the built-in labs plus the test course's ``tiny_lab``, and no course
    remembered from outside the tests (a private, empty configuration folder)."""
    monkeypatch.setenv(labs.COURSES_VAR, str(COURSE))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture(scope="session")
def tiny_lab() -> labs.Lab:
    """A numpy-only lab that trains in milliseconds, for testing the grader itself."""
    return labs.load(COURSE / "labs" / "tiny_lab")


def processes_matching(*needles: str) -> list[str]:
    """Command lines of running processes that contain any of ``needles``."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                if fh.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                    continue
        except OSError:
            continue
        if any(needle in cmdline for needle in needles):
            found.append(f"{entry.name}: {cmdline}")
    return found
