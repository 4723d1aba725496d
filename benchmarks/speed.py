"""How fast mllab answers: `mllab list` startup, sandboxed-run start-up, and grades.

    python benchmarks/speed.py [LAB ...] [--repeat 5] [--device cpu] [--cold] [--json]
        [--startup-repeat 3] [--isolation LEVEL]

With ``--cold`` grades start a fresh interpreter per run (no run server), for comparison.

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
TESTS = Path(__file__).resolve().parents[1] / "tests"
TINY_LAB = TESTS / "course" / "labs" / "tiny_lab"
STACK = "pandas,sklearn.linear_model,torch"  # what the probe's submission imports first


def startup_seconds(repeat: int, only: str | None = None,
                    imports: str = STACK) -> dict[str, dict[str, float]]:
    """Per-run start-up: seconds of each sandboxed run of a submission that imports the lab
    stack and trains for milliseconds (the test course's tiny lab), per isolation level, with
    a fresh interpreter per run ("cold") and with the run server ("server"); and the grade's
    own seconds, which include starting the server once. ``bare`` is the same imports in a
    plain interpreter, no sandbox."""
    from mllab import labs
    from mllab.graders import Options, grade, sandbox

    import tempfile

    course = Path(tempfile.mkdtemp(prefix="mllab-bench-course-"))
    stack = course / "imports_stack.py"
    # the tests' honest tiny-lab submission, importing the lab stack first
    stack.write_text(f"import {imports}  # noqa: F401, E401\n"
                     + (TESTS / "submissions" / "honest.py").read_text())
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **THREADS}
    bare = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-I", str(stack)], check=True, env=env)
        bare.append(time.perf_counter() - started)
    result = {"bare": {"per_run": round(statistics.median(bare), 3)}}
    shutil.copytree(TINY_LAB, course / "labs" / "tiny_lab")
    (course / "broken_models").mkdir()  # a lab is its folder and its broken file
    shutil.copy2(TINY_LAB.parents[1] / "broken_models" / "tiny_lab.py", course / "broken_models")
    toml = course / "labs" / "tiny_lab" / "lab.toml"  # room for torch's own memory
    toml.write_text(toml.read_text().replace("memory_mb = 600", "memory_mb = 4096"))
    lab = labs.load(course / "labs" / "tiny_lab")
    levels = [level for level in sandbox.available_isolation() if only in (None, level)]
    modes = [(level, "cold") for level in levels] + [("bwrap", "server")] * ("bwrap" in levels)
    for level, mode in modes:
        os.environ[sandbox.COLD_VAR] = "1" if mode == "cold" else "0"
        runs, grades = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            report = grade(lab, stack, Options(isolation=level, count=3,
                                               early_stop=False))
            grades.append(time.perf_counter() - started)
            assert report.verdict == "pass", report.reason
            runs += [run.seconds for run in report.runs]
        name = f"{level} {mode}"
        result[name] = {"per_run": round(statistics.median(runs), 3),
                        "grade_of_3_runs": round(statistics.median(grades), 3)}
        print(f"start-up, {name}: median {result[name]['per_run']:.3f}s per run, "
              f"{result[name]['grade_of_3_runs']:.2f}s per grade of 3 runs", file=sys.stderr)
    os.environ.pop(sandbox.COLD_VAR)
    shutil.rmtree(course)
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


def grade_seconds(lab_ids: list[str], device: str, cold: bool = False,
                  isolation: str | None = None) -> list[dict]:
    """One row per graded file: lab, role, file, verdict, seconds, seeds run, bare seconds."""
    from mllab import labs
    from mllab.graders import Options, grade
    from mllab.graders import sandbox
    from mllab.graders.validate import cases

    if cold:
        os.environ[sandbox.COLD_VAR] = "1"
    rows = []
    for lab in (labs.get(i) for i in lab_ids) if lab_ids else labs.all_labs():
        pairs = tuple((seed, 1_000_003 * (seed + 1)) for seed in lab.seeds)
        for role, path, _ in cases(lab):
            if role == "non-fix":
                continue
            started = time.perf_counter()
            report = grade(lab, path, Options(device=device, seed_pairs=pairs,
                                              isolation=isolation))
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
    parser.add_argument("--cold", action="store_true", help="grades without the run server")
    parser.add_argument("--startup-repeat", type=int, default=3,
                        help="grades of the tiny lab per isolation level")
    parser.add_argument("--isolation", default=None,
                        help="only this isolation level (default: each available one)")
    parser.add_argument("--imports", default=STACK,
                        help="modules the start-up probe's submission imports (comma-separated)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    startup = list_startup_seconds(args.repeat)
    print(f"mllab list: median {statistics.median(startup):.3f}s over {args.repeat} runs",
          file=sys.stderr)
    result = {"list_seconds": startup, "startup_seconds": startup_seconds(args.startup_repeat, args.isolation,
                                                      args.imports),
              "grades": grade_seconds(args.labs, args.device, args.cold, args.isolation)}
    if args.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
