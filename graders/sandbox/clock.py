"""When a run's learner code started, as the grading process sees it: the run sends one
byte on a pipe just before it imports the submission (``inside.start_clock``)."""

from __future__ import annotations

import os
import threading
import time


class Clock(threading.Thread):
    """Note when the first byte arrives on a pipe (``at``, monotonic), then close it: a run
    sends it before the learner's code can run, so nothing the code does moves it."""

    def __init__(self, fd: int):
        super().__init__(daemon=True)
        self.fd, self.at = fd, None

    def run(self) -> None:
        try:
            if os.read(self.fd, 1):
                self.at = time.monotonic()
        finally:
            os.close(self.fd)

