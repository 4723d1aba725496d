"""Run a grade's learner calls in one plain process, without any sandbox: the bare time.

    python bare_runner.py JOB.pkl   # written by speed.py; prints the seconds spent in calls

JOB.pkl holds the harness file, the learner's file and, per seed, the stages with
their inputs (``Carry`` inputs are filled from the outputs of earlier stages here).
"""

from __future__ import annotations

import importlib.util
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "graders"))


class CarryMark:
    """Stands for an output of an earlier stage of the same seed."""

    def __init__(self, carry: str):
        self.carry = carry


def main(job_file: str) -> None:
    sys.modules.setdefault("bare_runner", sys.modules[__name__])
    with open(job_file, "rb") as fh:
        job = pickle.load(fh)
    import child  # the sandbox's own module, for Submission and seed_everything

    spec = importlib.util.spec_from_file_location("lab_harness", job["harness"])
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    submission = child.Submission(Path(job["file"]), Path(job["file"]).name,
                                  tuple(job["required"]))
    spent = 0.0
    for seed, stages in job["seeds"]:
        outputs: dict = {}
        for entry, inputs in stages:
            inputs = {k: outputs[v.carry] if isinstance(v, CarryMark) else v
                      for k, v in inputs.items()}
            child.seed_everything(seed)
            started = time.perf_counter()
            returned = getattr(harness, entry)(submission, **inputs, device="cpu", seed=seed)
            spent += time.perf_counter() - started
            outputs.update({k: v.detach().cpu().numpy() if hasattr(v, "detach") else v
                            for k, v in returned.items()})
    print(f"{spent:.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
