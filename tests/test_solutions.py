"""``mllab solution`` shows each reference fix as the complete fixed file, diffed against the
broken one: the fix's definitions merged into the team's file (``mllab.solutions``)."""

from __future__ import annotations

import ast
import re
import textwrap

import pytest

from mllab import labs
from mllab.solutions import complete_fix


def _patches_team_module(lab, fix) -> bool:
    """A fix that assigns the team module's globals cannot be merged (it is shown as written)."""
    return re.search(r"^\s*_team\.\w+.*=", fix.read_text(), re.MULTILINE) is not None


BUILTIN = [(lab, fix) for lab in labs.all_labs() if lab.folder.parent.parent == labs.BUILTIN_COURSE
           for fix in lab.fixes()]
BUILTIN_FIXES = [pytest.param(lab, fix, id=f"{lab.id}-{fix.stem}") for lab, fix in BUILTIN
                 if not _patches_team_module(lab, fix)]


@pytest.mark.parametrize("lab, fix", BUILTIN_FIXES)
def test_every_builtin_fix_completes_into_the_team_file(lab, fix):
    text = complete_fix(lab.broken_file, fix, lab.id)
    assert text is not None, "shown as written instead of as a diff"
    tree = ast.parse(text)
    top = {getattr(n, "name", None) for n in tree.body}
    assert set(lab.required) - {"Config"} <= top  # the graded functions are all there
    assert "mllab.broken_models" not in text and "_team" not in text
    broken = lab.broken_file.read_text()
    kept = [line for line in broken.splitlines() if line in text.splitlines()]
    assert len(kept) > len(broken.splitlines()) / 2  # the team's file, edited, not replaced


def _complete(tmp_path, broken: str, fix: str) -> str | None:
    (tmp_path / "broken.py").write_text(textwrap.dedent(broken))
    (tmp_path / "fix.py").write_text(textwrap.dedent(fix))
    return complete_fix(tmp_path / "broken.py", tmp_path / "fix.py", "demo")


BROKEN = '''\
    """The team's file."""

    from dataclasses import dataclass

    import numpy as np
    from sklearn.metrics import accuracy_score

    COLUMNS = ["a", "b", "leak"]


    @dataclass
    class Config:
        lr: float = 0.5
        """Step size."""
        epochs: int = 3


    def build(cfg: Config):
        """The team's model."""
        return np.zeros(len(COLUMNS))


    def train(cfg: Config):
        return build(cfg)


    def main():
        print(accuracy_score([1], [1]))
    '''


def test_each_kind_of_change_lands_where_the_team_had_it(tmp_path):
    fix = '''\
        """Fix: drop the leak, a smaller step, a better model."""

        from dataclasses import dataclass

        from sklearn.metrics import roc_auc_score
        from sklearn.linear_model import Ridge

        from mllab.broken_models import demo as _team
        from mllab.broken_models.demo import *  # noqa: F403
        from mllab.broken_models.demo import Config as _TeamConfig

        # the leak is only known after the fact
        COLUMNS = [c for c in _team.COLUMNS if c != "leak"]


        @dataclass
        class Config(_TeamConfig):
            lr: float = 0.05


        def regularised(cfg):
            return Ridge(alpha=cfg.lr)


        def build(cfg):
            return regularised(cfg)


        _team.COLUMNS, _team.build = COLUMNS, build
        '''
    assert _complete(tmp_path, BROKEN, fix) == textwrap.dedent('''\
        """The team's file."""

        from dataclasses import dataclass

        import numpy as np
        from sklearn.metrics import accuracy_score, roc_auc_score
        from sklearn.linear_model import Ridge

        COLUMNS = ["a", "b", "leak"]
        # the leak is only known after the fact
        COLUMNS = [c for c in COLUMNS if c != "leak"]


        @dataclass
        class Config:
            lr: float = 0.05
            """Step size."""
            epochs: int = 3


        def regularised(cfg):
            return Ridge(alpha=cfg.lr)


        def build(cfg):
            return regularised(cfg)


        def train(cfg: Config):
            return build(cfg)


        def main():
            print(accuracy_score([1], [1]))
        ''')


@pytest.mark.parametrize("fix", [
    "from mllab.broken_models.demo import *\nprint('side effect')\n",  # not a definition
    "from mllab.broken_models.demo import *\nimport numpy\n",  # redefines nothing
    "from mllab.broken_models.demo import Config as _C\nclass Config(_C):\n    extra: int = 1\n",
    "from mllab.broken_models.demo import Config as _C\nclass Config(_C):\n    lr: float = 1\n"
    "def helper():\n    pass\n",  # a new helper, but no definition of the team's to put it by
])
def test_a_fix_that_cannot_be_merged_is_shown_as_written(tmp_path, fix):
    assert _complete(tmp_path, BROKEN, fix) is None


@pytest.mark.slow
@pytest.mark.parametrize("lab, fix", BUILTIN_FIXES)
def test_every_complete_fixed_file_passes_grading(lab, fix, tmp_path):
    """What the learner is shown must itself be a fix (slow: trains every reference fix)."""
    from mllab.graders import Options, grade

    path = tmp_path / f"{lab.id}.py"
    path.write_text(complete_fix(lab.broken_file, fix, lab.id))
    report = grade(lab, path, Options(device="cpu"))
    assert report.verdict == "pass", report.reason
