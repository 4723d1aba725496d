"""The README's quick start and CI agree, and the README lists every lab."""

from __future__ import annotations

import re
from pathlib import Path

from mllab import labs

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_ci_runs_exactly_the_readme_test_command():
    (command,) = re.findall(r'^TEST_COMMAND="(.+)"$', (ROOT / ".ci" / "run").read_text(), re.M)
    assert f"```bash\n{command}\n```" in README


def test_readme_lists_every_builtin_lab():
    for lab in labs.all_labs():
        if lab.folder.parent.parent == labs.BUILTIN_COURSE:
            assert f"`{lab.id}`" in README
