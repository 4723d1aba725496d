"""Run an untrusted command under a time, memory, process and output budget.

The package reads as its guarantees; what runs *inside* a run is ``inside`` alone,
everything else runs in the grading process:

* ``levels``: the isolation levels (bubblewrap, unshare, process group), the probes that
  find which work here, and the user a run becomes;
* ``inside``: in the run, before the learner's code: its own namespaces (a server's run),
  no privilege, no capability, the clock's signal;
* ``budget``: time, memory, processes and output, watched over the run's whole tree;
* ``clock``: when the learner's code started, as seen from outside;
* ``logs``: a bounded tail of what a run printed;
* ``users``: a uid of its own for each run of a root grader;
* ``cleanup``: run folders removed whatever a run made of them;
* ``cold``: a run in a fresh interpreter; ``server``: a pre-imported interpreter forking
  one run per job; ``runner``: which of the two a grading uses.

The names below are what the rest of mllab imports.
"""

from mllab.graders.sandbox.budget import ChildRun, Limits, process_table as _process_table
from mllab.graders.sandbox.budget import tree as _tree
from mllab.graders.sandbox.cleanup import RUN_FOLDER, SCRATCH, WORKDIR_PREFIX, run_folder
from mllab.graders.sandbox.cold import run
from mllab.graders.sandbox.inside import (CLOCK_VAR, RUN_AS_VAR, RUN_DIR, drop_privileges,
                                          enter_run, exit_code, start_clock)
from mllab.graders.sandbox.levels import (ISOLATION_NOTES, RUN_GID, RUN_UID, available_isolation,
                                          below_floor, describe, unprivileged, weaknesses)
from mllab.graders.sandbox.runner import COLD_VAR, Cancelled, Runner
from mllab.graders.sandbox.server import Server, ServerLost, ServerUnusable
from mllab.graders.sandbox.users import is_run_uid
from mllab.graders.sandbox import cleanup as _cleanup


def remove_stale_run_folders() -> None:
    """Remove run folders whose grading process is gone (never raises)."""
    _cleanup.remove_stale_run_folders(lambda uid: uid == RUN_UID or is_run_uid(uid))


__all__ = ["CLOCK_VAR", "COLD_VAR", "Cancelled", "ChildRun", "ISOLATION_NOTES", "Limits",
           "RUN_AS_VAR", "RUN_DIR", "RUN_FOLDER", "RUN_GID", "RUN_UID", "Runner", "SCRATCH",
           "Server", "ServerLost", "ServerUnusable", "WORKDIR_PREFIX", "available_isolation",
           "below_floor", "describe", "drop_privileges", "enter_run", "exit_code",
           "remove_stale_run_folders", "run", "run_folder", "start_clock", "unprivileged",
           "weaknesses"]
