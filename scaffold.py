"""``mllab new ID``: the skeleton of a lab, runnable and gradable from the first minute.

The skeleton trains a real (scikit-learn) model on seeded data, so ``mllab run``,
``mllab submit`` and ``mllab validate`` work at once; ``validate`` then lists what the
author still has to do: plant the bug (the broken file passes), write the fixes.
"""

from __future__ import annotations

import re
from pathlib import Path

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{2,40}")

LAB_TOML = '''title = "{title}"
difficulty = "intermediate"
topics = ["write the topics"]
summary = "One sentence: the symptom the team sees."
interview_questions = ["Which interview question does this lab train?"]
hints = [
    "Where to look.",
    "What to measure there.",
    "What is wrong (without the code of the fix).",
]

[grading]
required = ["Config", "train", "predict"]
seeds = [0, 1, 2]
tolerated_failures = 1
timeout_s = 60
memory_mb = 4096
shown = []

[[grading.targets]]
metric = "accuracy"
op = ">="
value = 0.85
label = "accuracy on fresh data"
advice = "The next step a learner should take when this check fails (the symptom, not the fix)."

# Fill in from `mllab validate {id} --seeds 20`: [calibration.<file stem>] metric = [mean, min, max]
'''

SCENARIO = '''## What the team sees

The symptom, as the team would describe it.

## What "fixed" means

- **accuracy** on fresh data >= 0.85

## Rules

- Keep the names and signatures: `Config`, `train(data, cfg)`, `predict(model, X)`.
'''

DEBRIEF = '''## What went wrong

## Why the fixes work

## How to spot it next time

## Interview questions this answers
'''

GRADING = '''"""Grading for {id}: runs only in the grading process (data, metrics).

``make_split`` draws this seed's world and data and chooses every input the
sandboxed runs get; ``measure`` scores the arrays they returned against ``truth``,
which never leaves this process. Every check belongs here, never in harness.py.
"""

from __future__ import annotations

import numpy as np

from mllab.graders import Split

N_FEATURES = 10


def _rows(world: np.ndarray, seed: int, n_rows: int):
    """``n_rows`` points of the world whose decision direction is ``world``."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_rows, N_FEATURES))
    return X, (X @ world + 0.5 * rng.standard_normal(n_rows) > 0).astype(int)


def make_split(train_seed: int, eval_seed: int) -> Split:
    # one world per grading, drawn from the evaluation seed: training and evaluation
    # rows come from the same problem, and an answer not learned from the rows is wrong
    world = np.random.default_rng([eval_seed, 0]).standard_normal(N_FEATURES)
    X_eval, y_eval = _rows(world, eval_seed, 2000)
    return Split(train=_rows(world, train_seed, 2000), eval=X_eval, truth=y_eval)


def measure(outputs, truth: np.ndarray) -> dict[str, float]:
    pred = outputs.array("pred", len(truth), kind="binary", what="predict()")
    return {{"accuracy": float((pred == truth).mean())}}
'''

HARNESS = '''"""The sandboxed side of {id}: call the learner's functions, return their arrays.

Runs in the same interpreter as the learner's code, so a learner can see, wrap or
replace anything here: keep it to calls with the inputs the grading process chose,
and never compute a check here.
"""


def harness(submission, train, eval, device: str, seed: int) -> dict:
    model = submission.call("train", train, submission.call("Config"))
    return {{"pred": submission.call("predict", model, eval)}}
'''

BROKEN = '''"""{title}.

The story: who runs this, what they see, and the goal (never the cause).
The grader calls `train((X, y), Config())` and then `predict(model, X)`.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression


@dataclass
class Config:
    C: float = 1.0
    """Inverse regularization strength."""


# ---------------------------------------------------------------- training


def train(data, cfg: Config) -> LogisticRegression:
    X, y = data
    return LogisticRegression(C=cfg.C).fit(X, y)


def predict(model: LogisticRegression, X: np.ndarray) -> np.ndarray:
    return model.predict(X)


# ---------------------------------------------------------------- report


def main() -> None:
    from sklearn.datasets import make_classification

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    X, y = make_classification(3000, n_features=10, n_informative=5, random_state=args.seed)
    model = train((X[:2000], y[:2000]), Config())
    print(f"accuracy on held-out rows: {{(predict(model, X[2000:]) == y[2000:]).mean():.3f}}")


if __name__ == "__main__":
    main()
'''


class ScaffoldError(Exception):
    """The id is not usable, or the lab already exists."""


def new_lab(course: Path, lab_id: str) -> list[Path]:
    """Write the skeleton of lab ``lab_id`` into ``course``; return the files written."""
    if not ID_PATTERN.fullmatch(lab_id):
        raise ScaffoldError(f"{lab_id!r}: use 3-41 lowercase letters, digits and '_', named "
                            "after the symptom (e.g. exploding_gradients)")
    folder = course / "labs" / lab_id
    broken = course / "broken_models" / f"{lab_id}.py"
    if folder.exists() or broken.exists():
        raise ScaffoldError(f"{lab_id} already exists in {course}")
    title = lab_id.replace("_", " ").capitalize()
    files = {folder / "lab.toml": LAB_TOML.format(id=lab_id, title=title),
             folder / "scenario.md": SCENARIO, folder / "debrief.md": DEBRIEF,
             folder / "grading.py": GRADING.format(id=lab_id),
             folder / "harness.py": HARNESS.format(id=lab_id),
             broken: BROKEN.format(title=title)}
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for sub in ("fixes", "non_fixes"):
        (folder / sub).mkdir()
    return list(files)
