"""Every built-in lab, graded for real: the broken file fails, each fix passes, each non-fix fails.

One case per file (``pytest -k exploding`` runs one lab), graded exactly as ``mllab submit``
grades it: the lab's own seeds, fresh evaluation data, early stop once the verdict is clear.
The many-seed calibration (``-m slow``) demands the expected verdict on each of 20 seeds.
"""

from __future__ import annotations

import pytest

from mllab import labs
from mllab.graders import Options, grade
from mllab.graders.validate import cases, validate_file

BUILTIN = [lab for lab in labs.all_labs() if lab.folder.parent.parent == labs.BUILTIN_COURSE]
CASES = [(lab, role, path, expected) for lab in BUILTIN for role, path, expected in cases(lab)]
IDS = [f"{lab.id}-{role}-{path.stem}" for lab, role, path, _ in CASES]
CALIBRATION_SEEDS = tuple(range(20))


@pytest.mark.parametrize("lab, role, path, expected", CASES, ids=IDS)
def test_lab_file_gets_expected_verdict(lab, role, path, expected):
    report = grade(lab, path, Options(device="cpu"))
    assert report.verdict == expected, f"{path.name}: {report.verdict}: {report.reason}"


@pytest.mark.slow
@pytest.mark.parametrize("lab, role, path, expected", CASES, ids=IDS)
def test_calibration_holds_on_many_seeds(lab, role, path, expected):
    row = validate_file(lab, role, path, expected, seeds=CALIBRATION_SEEDS, device="cpu")
    assert row.ok, f"{row.file}: {row.verdict}: {row.reason}; {row.distributions}"
