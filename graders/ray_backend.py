"""``grade-class --backend ray``: the same grading, one Ray task per submission.

Optional (``pip install 'mllab[ray]'``). Each task receives the bytes the driver read from
the class folder, checks that its copy of the lab is the driver's, and grades in a fresh
grading process on its node (``batch.grade_file``), so a task grades exactly as a local
``grade-class`` does, at the sandbox level that node offers (named in the report). The lab's
needs are Ray resources: one CPU, the lab's ``memory_mb``, and a GPU with ``--device cuda``,
so GPU gradings land on GPU workers. Workers need mllab and the course at the same path.

Verified grading (a secret): the driver derives every seed and sends those, never the secret;
each task checks that its node's sandbox meets what verified grading needs before grading.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from mllab.graders.batch import ClassPlan, Entry, grade_file, internal_error, lab_digest
from mllab.graders import sandbox
from mllab.graders.engine import Options, without_secret
from mllab.graders.report import Report
from mllab.labs import load


class RayUnavailable(Exception):
    """Ray is not installed, or the backend cannot grade these options."""


def grade_on_ray(plan: ClassPlan, address: str | None, jobs: int
                 ) -> Iterator[tuple[Entry, Report]]:
    """(entry, report) for each student of ``plan.todo``, in the order they finish. Without
    ``address``, a local Ray instance with ``jobs`` CPUs is started and stopped."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable("Ray is not installed: pip install ray") from None
    ours = not ray.is_initialized()
    if ours:
        ray.init(address=address, num_cpus=None if address else jobs, include_dashboard=False,
                 log_to_driver=False, logging_level="ERROR")
    try:
        task = ray.remote(grade_task).options(
            num_cpus=1, num_gpus=1 if plan.options.device == "cuda" else 0,
            memory=plan.lab.memory_mb * 2**20, max_retries=0)
        digest = lab_digest(plan.lab)
        options = without_secret(plan.lab, plan.options)
        pending = {task.remote(str(plan.lab.folder), digest, Path(entry.found).name,
                               entry.source, options): entry for entry in plan.todo}
        while pending:
            (done,), _ = ray.wait(list(pending), num_returns=1)
            entry = pending.pop(done)
            try:
                report = Report.from_dict(ray.get(done))
            except Exception as exc:  # noqa: BLE001 - a lost worker or node, a Ray fault
                report = internal_error(plan.lab, entry.found, plan.options,
                                        f"the Ray task failed: {type(exc).__name__}: "
                                        f"{str(exc).splitlines()[0] if str(exc) else ''}")
            yield entry, report
    finally:
        if ours:
            ray.shutdown()


def grade_task(lab_folder: str, digest: str, filename: str, source: bytes,
               options: Options) -> dict:
    """On a Ray worker: the report (``to_dict``) of grading ``source`` as ``filename``."""
    lab = load(Path(lab_folder))
    if lab_digest(lab) != digest:
        return internal_error(lab, filename, options, f"this worker's copy of {lab_folder} "
                              "differs from the driver's").to_dict()
    missing = sandbox.weaknesses(sandbox.available_isolation()[0])
    if options.verified and missing and not options.allow_weak_isolation:
        return internal_error(lab, filename, options, "this worker cannot grade verified: its "
                              f"sandbox misses {'; '.join(missing)} (install bubblewrap on it, "
                              "or pass --allow-weak-isolation)").to_dict()
    with tempfile.TemporaryDirectory(prefix="mllab-ray-") as folder:
        file = Path(folder) / filename
        file.write_bytes(source)
        return grade_file(lab, file, options).to_dict()
