"""How fast mllab answers: `mllab list` startup, and a grade of each lab's broken file and fixes.

    python benchmarks/speed.py [LAB ...] [--repeat 5] [--device cpu] [--json]

Grades use the lab's own seeds with early stopping, exactly as `mllab submit` does.
"""

from __future__ import annotations

import argparse
import json
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


def grade_seconds(lab_ids: list[str], device: str) -> list[dict]:
    """One row per graded file: lab, role, file, verdict, seconds, seeds run."""
    from mllab import labs
    from mllab.graders import Options, grade
    from mllab.graders.validate import cases

    rows = []
    for lab in (labs.get(i) for i in lab_ids) if lab_ids else labs.all_labs():
        for role, path, _ in cases(lab):
            if role == "non-fix":
                continue
            started = time.perf_counter()
            report = grade(lab, path, Options(device=device))
            rows.append({"lab": lab.id, "role": role, "file": path.name,
                         "verdict": report.verdict, "seeds": len(report.runs),
                         "seconds": round(time.perf_counter() - started, 2),
                         "per_seed": [run.seconds for run in report.runs]})
            print(f"{lab.id:22} {role:7} {path.name:34} {report.verdict:6} "
                  f"{rows[-1]['seconds']:6.1f}s ({len(report.runs)} seeds)", file=sys.stderr)
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
    result = {"list_seconds": startup, "grades": grade_seconds(args.labs, args.device)}
    if args.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
