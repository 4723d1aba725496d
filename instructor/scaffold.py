"""``mllab new ID``: the skeleton of a lab, a small real example from the first minute.

The skeleton (``skeleton/``) trains a real scikit-learn model (or, with ``--template
torch``, a small PyTorch network) on data drawn from one world per grading, with a
planted bug: the broken file reads only a legacy subset of the columns and fails, its
reference fix reads them all and passes, and a non-fix (weaker regularisation; for
torch, more epochs) fails. ``mllab validate ID`` then lists what the author still has
to do: every ``FILL IN`` placeholder, named by file and field, and a second fix.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{2,40}")
SKELETON = Path(__file__).resolve().parent / "skeleton"
PLACEHOLDER = "FILL IN"  # validate names every field that still holds it
CONFIG_VAR = "XDG_CONFIG_HOME"


class ScaffoldError(Exception):
    """The id is not usable, or the lab already exists."""


# per template: its broken file in skeleton/, and its non-fix (a one-line change)
TEMPLATES = {
    "sklearn": ("broken.py", ("C: float = 1.0", "C: float = 100.0"),
                ("weaker_regularization", "weaker regularisation")),
    "torch": ("broken_torch.py", ("epochs: int = 150", "epochs: int = 600"),
              ("more_epochs", "four times the epochs")),
}


def new_lab(course: Path, lab_id: str, template: str = "sklearn") -> list[Path]:
    """Write the skeleton of lab ``lab_id`` into ``course`` (a scikit-learn or PyTorch
    model, per ``template``); return the files written.

    The course is remembered (``known_courses``), so the lab is found by every later
    command, wherever it runs.
    """
    if not ID_PATTERN.fullmatch(lab_id):
        raise ScaffoldError(f"{lab_id!r}: use 3-41 lowercase letters, digits and '_', named "
                            "after the symptom (e.g. exploding_gradients)")
    from mllab.labs import courses

    folder = course / "labs" / lab_id
    broken = course / "broken_models" / f"{lab_id}.py"
    if folder.exists() or broken.exists():
        raise ScaffoldError(f"{lab_id} already exists in {course}")
    taken = [root / "labs" / lab_id for root in courses() if (root / "labs" / lab_id).exists()]
    if taken:  # two labs of one id would make the id ambiguous in every course
        raise ScaffoldError(f"{lab_id} already exists in another course ({taken[0]}); "
                            "choose another id")
    broken_name, (setting, changed), (non_fix_stem, non_fix) = TEMPLATES[template]
    values = {"id": lab_id, "title": lab_id.replace("_", " ").capitalize()}
    skeleton = {name: fill((SKELETON / name).read_text(), values)
                for name in ("lab.toml", "scenario.md", "debrief.md", "grading.py",
                             "harness.py")}
    skeleton["broken.py"] = fill((SKELETON / broken_name).read_text(), values)
    body = skeleton["broken.py"].split('"""\n', 1)[1]  # the broken file minus its docstring
    files = {folder / name: skeleton[name]
             for name in ("lab.toml", "scenario.md", "debrief.md", "grading.py", "harness.py")}
    files[broken] = skeleton["broken.py"]
    files[folder / "fixes" / "all_features.py"] = (
        '"""Reference fix: read every column, not only the legacy feature set."""\n' +
        body.replace("n_features: int = 3", "n_features: int = 10"))
    files[folder / "non_fixes" / f"{non_fix_stem}.py"] = (
        f'"""Non-fix: {non_fix}, still on the legacy feature set."""\n' +
        body.replace(setting, changed))
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        remember_course(course)
    except OSError as exc:
        raise ScaffoldError(f"cannot write the lab into {course}: {exc.strerror}") from None
    return list(files)


def fill(template: str, values: dict[str, str]) -> str:
    """``template`` with each ``{name}`` of ``values`` replaced (other braces left alone)."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def _courses_file() -> Path:
    base = os.environ.get(CONFIG_VAR) or Path.home() / ".config"
    return Path(base) / "mllab" / "courses"


def known_courses() -> list[Path]:
    """Courses ``mllab new`` wrote into, oldest first (missing ones skipped)."""
    try:
        lines = _courses_file().read_text().splitlines()
    except OSError:
        return []
    return [Path(line) for line in dict.fromkeys(lines) if line and Path(line).is_dir()]


def remember_course(course: Path) -> None:
    if course.resolve() in known_courses():
        return
    path = _courses_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fh.write(f"{course.resolve()}\n")


def placeholders(lab) -> list[str]:
    """Where ``lab`` still holds skeleton text: "file: field" for each, in file order."""
    import tomllib

    found = []

    def walk(value, where: str) -> None:
        if isinstance(value, str) and PLACEHOLDER in value:
            found.append(f"lab.toml: {where}")
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}" if where else key)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]")

    walk(tomllib.loads((lab.folder / "lab.toml").read_text()), "")
    for path in (lab.folder / "scenario.md", lab.folder / "debrief.md", lab.broken_file):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if PLACEHOLDER in line:
                found.append(f"{path.name}: line {number}")
    return found
