"""How long a learner waits: `mllab run` of each lab's broken file and `mllab submit` of its
first reference fix, through the real CLI (start-up, sandbox and the traced "what we
noticed" run included), in wall-clock seconds.

    python benchmarks/learner_seconds.py [LAB ...] [--repeat 1] [--all-fixes] [--json]

(--all-fixes submits every reference fix, not only the first.)

The targets (issue 23): every lab's `run` within 60 s and every reference fix graded
within 15 s on a quiet 2-core machine. Nothing here runs in the default tests except a
smoke run on the test course's tiny lab (tests/test_benchmarks.py).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUN_LIMIT_S, SUBMIT_LIMIT_S = 60, 15


def _mllab() -> str:
    return shutil.which("mllab") or str(Path(sys.executable).with_name("mllab"))


def _seconds(argv: list[str], repeat: int) -> tuple[float, int]:
    """(median wall-clock seconds, the last exit code) of running ``argv``."""
    times, code = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        code = subprocess.run(argv, capture_output=True).returncode
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 1), code


def lab_row(lab, repeat: int, workspace: Path, all_fixes: bool = False) -> dict:
    """One lab's `run` (broken file, default options) and `submit` seconds: its first
    reference fix, or every one with ``all_fixes`` (the row then shows the slowest)."""
    common = ["--workspace", str(workspace)]
    run_s, run_code = _seconds([_mllab(), "run", lab.id, "--file", str(lab.broken_file),
                                *common], repeat)
    submits = {fix.name: _seconds([_mllab(), "submit", lab.id, "--file", str(fix), "--json",
                                   *common], repeat)
               for fix in (lab.fixes() if all_fixes else lab.fixes()[:1])}
    fix = max(submits, key=lambda name: submits[name][0])
    submit_s, submit_code = submits[fix]
    return {"lab": lab.id, "run_s": run_s, "run_exit": run_code, "fix": fix,
            "submit_s": submit_s, "submit_exit": submit_code,
            "submits": {name: s for name, (s, _) in submits.items()},
            "within_targets": run_s <= RUN_LIMIT_S and submit_s <= SUBMIT_LIMIT_S}


def table(rows: list[dict]) -> str:
    """The rows as a Markdown table."""
    lines = ["| lab | `run` s | `submit` s (fix) | exits run/submit | within 60/15 s |",
             "|---|---:|---:|---|---|"]
    lines += [f"| {r['lab']} | {r['run_s']} | {r['submit_s']} ({r['fix']}) | "
              f"{r['run_exit']}/{r['submit_exit']} | {'yes' if r['within_targets'] else 'NO'} |"
              for r in rows]
    return "\n".join(lines)


def main() -> None:
    from mllab import labs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labs", nargs="*", help="lab ids (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command")
    parser.add_argument("--all-fixes", action="store_true",
                        help="submit every reference fix (the table shows the slowest)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="mllab-bench-ws-") as workspace:
        for lab in (labs.get(i) for i in args.labs) if args.labs else labs.all_labs():
            rows.append(lab_row(lab, args.repeat, Path(workspace), args.all_fixes))
            submits = "  ".join(f"{name} {s:.1f}s" for name, s in rows[-1]["submits"].items())
            print(f"{lab.id:22} run {rows[-1]['run_s']:6.1f}s  submit {submits}",
                  file=sys.stderr, flush=True)
    print(json.dumps(rows, indent=2) if args.json else table(rows))


if __name__ == "__main__":
    main()
