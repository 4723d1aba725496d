"""How fast mllab answers: `mllab list` startup, sandboxed-run start-up, and grades.

    python benchmarks/speed.py [LAB ...] [--repeat 5] [--device cpu] [--json]

Grades use the lab's own training seeds with early stopping, as `mllab submit` does
(with fixed evaluation seeds, so that the bare run repeats them). For each graded file
the *bare* time is what the same learner calls (every stage of every seed the grade
ran) take in one plain process without a sandbox (benchmarks/bare_runner.py): the
difference is what isolation, fresh processes and data transfer cost.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def list_startup_seconds(repeat: int) -> list[float]:
    """Wall-clock seconds of `mllab list --json`, one per run."""
    mllab = shutil.which("mllab") or str(Path(sys.executable).with_name("mllab"))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([mllab, "list", "--json"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


THREADS = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")
STARTUP_IMPORTS = "import numpy, pandas, sklearn, torch"


def startup_seconds(repeat: int) -> dict[str, float]:
    """Median seconds to start Python and import the lab stack: bare, and per isolation level."""
    import tempfile

    from mllab.graders import sandbox

    argv = [sys.executable, "-I", "-c", STARTUP_IMPORTS]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **THREADS}
    result = {}
    for level in ("bare", *sandbox.available_isolation()):
        times = []
        for _ in range(repeat):
            with tempfile.TemporaryDirectory(prefix="mllab-bench-") as workdir:
                started = time.perf_counter()
                if level == "bare":
                    subprocess.run(argv, check=True, env=env, cwd=workdir)
                else:
                    sandbox.run(argv, Path(workdir), sandbox.Limits(60, 4096), env, level,
                                (Path(sys.prefix), Path(sys.base_prefix)))
                times.append(time.perf_counter() - started)
        result[level] = round(statistics.median(times), 3)
        print(f"start-up ({STARTUP_IMPORTS}), {level}: median {result[level]:.3f}s",
              file=sys.stderr)
    return result


def bare_seconds(lab, path: Path, pairs) -> float:
    """Seconds the grade's learner calls take in one plain process (no sandbox)."""
    import tempfile

    from mllab.graders import Carry

    sys.path.insert(0, str(Path(__file__).parent))
    from bare_runner import CarryMark

    grading = lab.grading()
    seeds = []
    for train_seed, eval_seed in pairs:
        stages = grading.make_split(train_seed, eval_seed).plan()
        seeds.append((train_seed, [(stage.entry, {key: CarryMark(v.output) if isinstance(v, Carry)
                                                  else v for key, v in stage.inputs.items()})
                                   for stage in stages]))
    with tempfile.NamedTemporaryFile(suffix=".pkl") as job:
        pickle.dump({"harness": str(lab.harness_file), "file": str(path),
                     "required": list(lab.required), "seeds": seeds}, job)
        job.flush()
        done = subprocess.run([sys.executable, str(Path(__file__).with_name("bare_runner.py")),
                               job.name], capture_output=True, text=True,
                              env={**os.environ, **THREADS})
    return float(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else float("nan")


def grade_seconds(lab_ids: list[str], device: str) -> list[dict]:
    """One row per graded file: lab, role, file, verdict, seconds, seeds run, bare seconds."""
    from mllab import labs
    from mllab.graders import Options, grade
    from mllab.graders.validate import cases

    rows = []
    for lab in (labs.get(i) for i in lab_ids) if lab_ids else labs.all_labs():
        pairs = tuple((seed, 1_000_003 * (seed + 1)) for seed in lab.seeds)
        for role, path, _ in cases(lab):
            if role == "non-fix":
                continue
            started = time.perf_counter()
            report = grade(lab, path, Options(device=device, seed_pairs=pairs))
            seconds = round(time.perf_counter() - started, 2)
            bare = round(bare_seconds(lab, path, pairs[:len(report.runs)]), 2)
            rows.append({"lab": lab.id, "role": role, "file": path.name,
                         "verdict": report.verdict, "seeds": len(report.runs),
                         "seconds": seconds, "bare_seconds": bare,
                         "per_seed": [run.seconds for run in report.runs]})
            print(f"{lab.id:22} {role:7} {path.name:34} {report.verdict:6} {seconds:6.1f}s "
                  f"(bare {bare:5.1f}s, {len(report.runs)} seeds)", file=sys.stderr)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labs", nargs="*", help="lab ids (default: all)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of `mllab list`")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    startup = list_startup_seconds(args.repeat)
    print(f"mllab list: median {statistics.median(startup):.3f}s over {args.repeat} runs",
          file=sys.stderr)
    result = {"list_seconds": startup, "startup_seconds": startup_seconds(3),
              "grades": grade_seconds(args.labs, args.device)}
    if args.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
