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


def test_docs_cite_only_files_that_exist():
    """A file a doc names (a path, or a top-level NAME.md) is in the repository; the per-lab
    files (lab.toml, grading.py, ...) are named by themselves and exist in every lab."""
    per_lab = {"lab.toml", "grading.py", "harness.py", "scenario.md", "debrief.md"}
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text()
        cited = set(re.findall(r"[`(]([\w./-]+\.(?:py|md|toml))\b", text))
        cited |= set(re.findall(r"\b([A-Z][A-Z_]+\.md)\b", text))
        for name in sorted(cited - per_lab):
            if name.startswith("mllab-work/"):  # a learner's workspace, not the repository
                continue
            assert any((base / name).exists() for base in (ROOT, ROOT / "docs",
                                                           ROOT / "graders")), (doc.name, name)
