"""Every built-in lab, graded for real: the broken file fails, each fix passes, each non-fix fails.

One case per file (``pytest -k exploding`` runs one lab), graded as ``mllab submit`` grades
it (as many seed pairs as the lab lists, early stop once the verdict is clear), but on seed
pairs fixed here, so that the default test run is deterministic (``submit`` draws new ones
on every grading). By default each lab's broken file and its first fix run (CI's clock);
its other fixes and its non-fixes are behind ``-m slow`` too. The many-seed calibration
(``-m slow``) demands the expected verdict on each of 20 random (training, evaluation) seed
pairs, drawn afresh each time (the failure message names the draw, to repeat it).
"""

from __future__ import annotations

import pytest

from mllab import labs
from mllab.graders import Options, grade
from mllab.graders.engine import draw_seed_pairs
from mllab.graders.validate import cases, validate_file

BUILTIN = [lab for lab in labs.all_labs() if lab.folder.parent.parent == labs.BUILTIN_COURSE]
CASES = [(lab, role, path, expected) for lab in BUILTIN for role, path, expected in cases(lab)]
IDS = [f"{lab.id}-{role}-{path.stem}" for lab, role, path, _ in CASES]


def _default_run(lab, role: str, path) -> bool:
    """The broken file and the first fix of each lab: what the default test run grades."""
    return role == "broken" or (role == "fix" and path == lab.fixes()[0])


GRADED = [pytest.param(*case, id=name, marks=() if _default_run(*case[:3]) else pytest.mark.slow)
          for case, name in zip(CASES, IDS)]
CALIBRATION_DRAW, CALIBRATION_PAIRS = draw_seed_pairs(20)


@pytest.mark.parametrize("lab, role, path, expected", GRADED)
def test_lab_file_gets_expected_verdict(lab, role, path, expected):
    pairs = tuple((seed, 1_000_003 * (seed + 1)) for seed in lab.seeds)
    report = grade(lab, path, Options(device="cpu", seed_pairs=pairs))
    assert report.verdict == expected, f"{path.name}: {report.verdict}: {report.reason}"


@pytest.mark.slow
@pytest.mark.parametrize("lab, role, path, expected", CASES, ids=IDS)
def test_calibration_holds_on_many_seeds(lab, role, path, expected):
    row = validate_file(lab, role, path, expected, pairs=CALIBRATION_PAIRS, device="cpu")
    assert row.ok, (f"{row.file}: {row.verdict}: {row.reason}; {row.distributions} "
                    f"(repeat: mllab validate {lab.id} --seeds 20 --draw {CALIBRATION_DRAW})")
