"""Installing mllab adds one import name, ``mllab``, and never shadows a user's ``datasets``."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERIC = {"datasets", "labs", "graders", "cli", "tests", "broken_models", "render", "workspace"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = out / "source"  # a copy, so no build/ folder is left in (or reused from) the repo
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", "mllab-work"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(source)], check=True, capture_output=True)
    (built,) = out.glob("mllab-*.whl")
    return built


def test_wheel_has_one_top_level_name_and_every_lab_file(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"mllab"}
    for lab in (ROOT / "labs").glob("*/lab.toml"):
        for path in lab.parent.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert f"mllab/{path.relative_to(ROOT)}" in names
        assert f"mllab/broken_models/{lab.parent.name}.py" in names
    skeleton = sorted((ROOT / "instructor" / "skeleton").glob("*"))  # what `mllab new` copies
    assert skeleton
    for path in skeleton:
        assert f"mllab/instructor/skeleton/{path.name}" in names
    for folder in ("learner", "instructor", "ui"):  # pyproject lists its packages one by one
        for path in (ROOT / folder).glob("*.py"):
            assert f"mllab/{folder}/{path.name}" in names


def test_fresh_venv_keeps_a_users_datasets_package(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    fake = tmp_path / "site" / "datasets"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("WHO = 'huggingface'\n")
    pth = next((venv / "lib").glob("python*/site-packages"))
    (pth / "users.pth").write_text(str(fake.parent) + "\n")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    probe = ("import datasets, mllab.labs as labs; "
             "print(datasets.WHO, 'imbalanced_fraud' in labs.ids())")
    done = subprocess.run([python, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert done.stdout.split() == ["huggingface", "True"], done.stderr
