"""A lab's reference fixes as complete files, to show as diffs against the broken file.

A reference fix usually imports the team's code (``from mllab.broken_models.<id>
import *``) and redefines only what it changes. ``complete_fix`` puts those
definitions in place in a copy of the broken file, the way a learner would have
edited it: a redefined function, class or constant replaces the team's own where
it stood; a subclass of the team's dataclass that only changes defaults changes
those fields; new helpers go just before the definition that follows them in the fix;
new imports join the file's imports; patches of the team's module
(``_team.build_model = build_model``) and references through it (``_team.X``)
become unnecessary. A fix it cannot merge this way is shown as it is.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

Definition = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)


class _Unmergeable(Exception):
    """The fix does something ``complete_fix`` does not rewrite."""


def summary(fix: Path) -> str:
    """The first line of the fix's docstring ('Fix: ...'), or ''."""
    try:
        doc = ast.get_docstring(ast.parse(fix.read_text())) or ""
    except SyntaxError:
        return ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def complete_fix(broken_file: Path, fix: Path, lab_id: str) -> str | None:
    """The broken file with the fix's changes in place, or None when the fix cannot be
    merged into it (then show the fix as it is)."""
    try:
        text = _Merge(broken_file.read_text(), fix.read_text(), lab_id).text()
        compile(text, str(fix), "exec", dont_inherit=True)
    except (_Unmergeable, SyntaxError, ValueError):
        return None
    return text


def _names(node: ast.stmt) -> list[str]:
    """The top-level names a definition binds."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return [t.id for t in targets if isinstance(t, ast.Name)]


def _is_block(text: str) -> bool:
    """Whether ``text`` holds a function or class (set apart by two blank lines)."""
    return any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
               for n in ast.parse(textwrap.dedent(text)).body)


def _joined(pieces: list[str]) -> str:
    """Top-level statements one after the other, functions and classes set apart."""
    text = pieces[0]
    for before, after in zip(pieces, pieces[1:]):
        text += ("\n\n" if _is_block(before) or _is_block(after) else "") + after
    return text


def _first_line(node: ast.stmt) -> int:
    """The 1-based first line of ``node``, its decorators included."""
    return min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])


class _Merge:
    def __init__(self, broken: str, fix: str, lab_id: str):
        self.broken_lines = broken.splitlines(keepends=True)
        self.fix_source = fix
        self.broken = ast.parse(broken)
        self.fix = ast.parse(fix)
        self.module = f"mllab.broken_models.{lab_id}"
        self.lab_id = lab_id
        self.team_aliases: set[str] = set()  # names of the team's module: `as _team`
        self.renamed: dict[str, str] = {}  # `Config as _TeamConfig`: {'_TeamConfig': 'Config'}
        self.defined = {name: node for node in self.broken.body if isinstance(node, Definition)
                        for name in _names(node)}
        self.replaced: dict[int, tuple[int, str]] = {}  # first line -> (last line, new text)
        self.helpers: dict[int, list[str]] = {}  # first line of a replaced definition -> new
        self.top_level: set[int] = set()  # first lines of replaced top-level definitions
        self.pending: list[str] = []  # new definitions not yet placed
        self.imports: list[ast.stmt] = []

    # ---------------------------------------------------------------- reading the fix

    def text(self) -> str:
        body = self.fix.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the fix's docstring describes the fix, not the file
        for node in body:
            self._take(node)
        self._refuse_wrappers(body)
        if not self.replaced:
            raise _Unmergeable("the fix redefines nothing of the team's file")
        return self._assemble()

    def _take(self, node: ast.stmt) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return self._take_import(node)
        if self._patches_team_module(node):
            return None
        if isinstance(node, ast.ClassDef) and self._is_field_override(node):
            return self._override_fields(node)
        if not isinstance(node, Definition) or not _names(node):
            raise _Unmergeable(f"line {node.lineno}: not a definition")
        text = self._segment(node)
        known = [self.defined[name] for name in _names(node) if name in self.defined]
        if not known:
            self.pending.append(text)
            return None
        old = known[0]
        if self._uses_old_value(text):  # NUMERIC = [c for c in _team.NUMERIC if ...]
            text = "".join(self.broken_lines[_first_line(old) - 1:old.end_lineno]) + text
        self.replaced[_first_line(old)] = (old.end_lineno, text)
        self.top_level.add(_first_line(old))
        self.helpers.setdefault(_first_line(old), []).extend(self.pending)
        self.pending = []
        return None

    def _refuse_wrappers(self, body: list[ast.stmt]) -> None:
        """A fix that calls the team's version of what it redefines (``team.train(...)``
        inside its own ``train``), or sets the team module's globals from inside a function,
        has no plain-name equivalent in one file: merged, it would recurse or bind a local."""
        redefined = {name for node in body if isinstance(node, Definition)
                     for name in _names(node) if name in self.defined}
        for node in body:
            if self._patches_team_module(node):
                continue
            own = set(_names(node)) if isinstance(node, (ast.Assign, ast.AnnAssign)) else set()
            for sub in ast.walk(node):  # (NUMERIC = [... _team.NUMERIC ...] keeps the old value)
                if not (isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and
                        sub.value.id in self.team_aliases):
                    continue
                if isinstance(sub.ctx, ast.Store) or sub.attr in redefined - own:
                    raise _Unmergeable(f"line {sub.lineno}: uses the team's own {sub.attr}")

    @staticmethod
    def _uses_old_value(text: str) -> bool:
        """Whether an assignment's value reads the name it assigns (its old value)."""
        (node,) = ast.parse(textwrap.dedent(text)).body
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            return False
        names = set(_names(node))
        return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node.value))

    def _take_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.ImportFrom):
            if node.module == "__future__":
                return
            if node.module == self.module:
                for alias in node.names:
                    if alias.asname and alias.asname != alias.name:
                        self.renamed[alias.asname] = alias.name
                return
            if node.module == "mllab.broken_models":
                for alias in node.names:
                    if alias.name != self.lab_id:
                        raise _Unmergeable("imports another lab's file")
                    self.team_aliases.add(alias.asname or alias.name)
                return
        else:
            for alias in node.names:
                if alias.name == self.module:
                    if not alias.asname:
                        raise _Unmergeable("refers to the team's module by its full name")
                    self.team_aliases.add(alias.asname)
                    return
        self.imports.append(node)

    def _patches_team_module(self, node: ast.stmt) -> bool:
        """``_team.name = ...`` (or ``_team.a, _team.b = ...``): the team's module patched to
        use the fix's definitions, which the complete file has in place already."""
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            return False
        target = node.targets[0]
        targets = target.elts if isinstance(target, ast.Tuple) else [target]
        return all(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and
                   t.value.id in self.team_aliases for t in targets)

    def _is_field_override(self, node: ast.ClassDef) -> bool:
        """``class Config(_TeamConfig)`` whose body only gives fields new values."""
        return (len(node.bases) == 1 and isinstance(node.bases[0], ast.Name) and
                self.renamed.get(node.bases[0].id) == node.name and
                isinstance(self.defined.get(node.name), ast.ClassDef) and
                all(isinstance(s, (ast.AnnAssign, ast.Assign)) for s in node.body))

    def _override_fields(self, node: ast.ClassDef) -> None:
        fields = {name: s for s in self.defined[node.name].body
                  if isinstance(s, (ast.AnnAssign, ast.Assign)) for name in _names(s)}
        for statement in node.body:
            (name,) = _names(statement) or [None]
            old = fields.get(name)
            if old is None:
                raise _Unmergeable(f"{node.name}.{name} is not a field of the team's class")
            indent = re.match(r"\s*", self.broken_lines[old.lineno - 1]).group()
            text = textwrap.indent(textwrap.dedent(self._segment(statement)), indent)
            self.replaced[old.lineno] = (old.end_lineno, text)

    def _segment(self, node: ast.stmt) -> str:
        """The fix's source lines of ``node`` (its decorators and the comments just above
        included), with references through the team's module made plain names."""
        source = self.fix_source.splitlines(keepends=True)
        first = _first_line(node) - 1
        while first > 0 and source[first - 1].lstrip().startswith("#"):
            first -= 1  # the comments that introduce it
        text = "".join(source[first:node.end_lineno])
        for alias in self.team_aliases:
            text = re.sub(rf"\b{re.escape(alias)}\.(?=[A-Za-z_])", "", text)
        for alias, name in self.renamed.items():
            text = re.sub(rf"\b{re.escape(alias)}\b", name, text)
        return text if text.endswith("\n") else text + "\n"

    # ---------------------------------------------------------------- writing the file

    def _assemble(self) -> str:
        """The broken file's lines with each replaced definition's new text, new helpers
        just before the definition that follows them in the fix (the last ones after the
        last replaced definition)."""
        lines = list(self.broken_lines)
        if self.pending and not self.top_level:
            raise _Unmergeable("new definitions, but no place in the team's file to put them")
        last = max(self.top_level, default=0)
        for start in sorted(self.replaced, reverse=True):
            end, text = self.replaced[start]
            after = self.pending if start == last else []
            lines[start - 1:end] = [_joined([*self.helpers.get(start, []), text, *after])]
        return self._with_imports("".join(lines))

    def _with_imports(self, text: str) -> str:
        """``text`` with the fix's imports the broken file lacks: names from a module it
        already imports from join that line; other imports follow its last import."""
        tree = ast.parse(text)
        existing = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        bound = {a.asname or a.name for n in existing for a in n.names}
        joined: dict[int, ast.ImportFrom] = {}  # first line of an existing import -> merged
        extra: list[str] = []
        for node in self.imports:
            missing = [a for a in node.names if (a.asname or a.name) not in bound]
            bound.update(a.asname or a.name for a in missing)
            same = next((n for n in existing if isinstance(n, ast.ImportFrom) and
                         isinstance(node, ast.ImportFrom) and
                         (n.module, n.level) == (node.module, node.level)), None)
            if missing and same is not None:
                into = joined.setdefault(same.lineno, ast.ImportFrom(
                    module=same.module, names=list(same.names), level=same.level))
                into.names = sorted([*into.names, *missing], key=lambda a: a.name)
            elif missing:
                extra.append(ast.unparse(node) + "\n")
        edits = [(n.lineno, n.end_lineno, ast.unparse(joined[n.lineno]) + "\n")
                 for n in existing if n.lineno in joined]
        if extra:
            after = max((n.end_lineno for n in existing), default=0)
            edits.append((after + 1, after, "".join(extra)))  # an insertion: empty range
        lines = text.splitlines(keepends=True)
        for start, end, new in sorted(edits, reverse=True):
            lines[start - 1:end] = [new]
        return "".join(lines)
