"""What a run printed, kept bounded: the grading process never holds more than a tail."""

from __future__ import annotations

import os
import stat
import threading
from collections import deque
from pathlib import Path


class Tail(threading.Thread):
    """Read a pipe to its end, keeping only the last bytes and counting all of them."""

    def __init__(self, pipe, keep: int = 16_000):
        super().__init__(daemon=True)
        self.pipe, self.keep = pipe, keep
        self.chunks: deque[bytes] = deque()
        self.kept = 0
        self.total = 0

    def run(self) -> None:
        while chunk := self.pipe.read1(65536):
            self.total += len(chunk)
            self.chunks.append(chunk)
            self.kept += len(chunk)
            while self.kept - len(self.chunks[0]) >= self.keep:
                self.kept -= len(self.chunks.popleft())

    def text(self) -> str:
        return b"".join(self.chunks)[-self.keep:].decode("utf-8", "replace")



def size(path: Path) -> int:
    try:
        return os.lstat(path).st_size
    except OSError:
        return 0


def tail_of(path: Path, keep: int = 16_000) -> str:
    """The last ``keep`` bytes of a run's log (a plain file only: the run owns its folder)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return ""
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return ""
        os.lseek(fd, max(0, info.st_size - keep), os.SEEK_SET)
        return os.read(fd, keep).decode("utf-8", "replace")
    finally:
        os.close(fd)

