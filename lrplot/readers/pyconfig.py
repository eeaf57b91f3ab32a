"""mmengine's Python config files (mmdetection, mmpretrain, mmseg, ...) read as data.

A config is a Python file of top-level assignments: ``name = <value>`` where values are
literals, ``dict(key=value, ...)`` calls, lists, tuples, names assigned above in the same file
and arithmetic over numbers (``max_epochs - 5``, ``base_lr * 0.05``). lrplot never imports or
runs it: it walks the :mod:`ast`, takes what is data, and marks every value with its
``file:line:col``. Anything else (imports, conditionals, calls other than ``dict``) is skipped;
a value built from it is *unreadable*, an error only where the schedule needs it.

``_base_ = 'x.py'`` or a list of files is inheritance, resolved from the files at hand as
mmengine's ``Config.fromfile`` does: the bases (relative to the file naming them) are read and
merged in order, a key set by two bases is an error, then the file's own assignments merge in:
a dict merges key by key into the base's dict unless it says ``_delete_=True``, anything else
replaces. Files must stay in the config's tree (the nearest ``configs`` directory above it, else
its own directory), and a cycle, too many files or too deep nesting is an error, located.
"""

from __future__ import annotations

import ast
import copy
import os
from typing import Any

from lrplot.problems import Problem, SpecError
from lrplot.yamlio import Document, Mark

MAX_FILES = 64
"""Files one config may pull in through ``_base_`` (mmdetection's deepest chains read ~6)."""

MAX_DEPTH = 40
"""Nesting of lists and dicts a value may have."""

MAX_INT_BITS = 256
"""Integers larger than this many bits are not schedule numbers: refused, not computed."""


class Unreadable:
    """A value lrplot does not read as data (a call, an import's name), and where it is."""

    def __init__(self, where: str, what: str):
        self.where, self.what = where, what

    def __repr__(self) -> str:
        return f"<{self.what} at {self.where}>"

    def __deepcopy__(self, memo: Any) -> "Unreadable":
        return self


def is_config(text: str) -> bool:
    """Whether a Python file looks like an mmengine config: a top-level assignment of one of the
    names mmengine's runner reads."""
    names = ("param_scheduler", "_base_", "train_cfg", "optim_wrapper")
    return any(line.startswith(names) and "=" in line for line in text.splitlines())


def root_of(path: str) -> str:
    """The directory tree a config may read: the nearest ancestor named ``configs`` (where
    mmdetection's ``../_base_/`` files live), else the config's own directory."""
    directory = os.path.dirname(os.path.realpath(path))
    probe = directory
    while True:
        if os.path.basename(probe) == "configs":
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return directory
        probe = parent


class _Loader:
    def __init__(self, root: str):
        self.root = root
        self.files = 0
        self.stack: list[str] = []

    def fail(self, where: str, message: str) -> SpecError:
        return SpecError([Problem(where, message)])

    def load(self, path: str, named_at: str) -> tuple[dict[str, Any], dict[tuple, Mark]]:
        from lrplot import inputs, yamlio

        real = os.path.realpath(path)
        if real in self.stack:
            chain = " -> ".join(os.path.basename(p) for p in [*self.stack, real])
            raise self.fail(named_at, f"_base_ cycle: {chain}")
        self.files += 1
        if self.files > MAX_FILES:
            raise self.fail(named_at, f"_base_ pulls in more than {MAX_FILES} files")
        refusal = inputs.named_file_problem(path, os.path.join(self.root, "_"))
        if refusal:
            raise self.fail(named_at, refusal)
        if not os.path.isfile(path):
            raise self.fail(named_at, f"no such file: {path}")
        try:
            text = yamlio.read_config(path).decode("utf-8", errors="replace")
        except (OSError, yamlio.YamlError) as exc:
            raise self.fail(named_at, f"{path}: {exc}") from None
        self.stack.append(real)
        try:
            return self.parse(text, path)
        finally:
            self.stack.pop()

    def parse(self, text: str, file: str) -> tuple[dict[str, Any], dict[tuple, Mark]]:
        try:
            tree = ast.parse(text, filename=file)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            line = getattr(exc, "lineno", None) or 1
            raise self.fail(f"{file}:{line}:1", f"not valid Python: "
                                                f"{getattr(exc, 'msg', exc)}") from None
        own: dict[str, Any] = {}
        marks: dict[tuple, Mark] = {}
        bases: list[tuple[str, str]] = []
        for statement in tree.body:
            if not isinstance(statement, ast.Assign) or len(statement.targets) != 1 or \
                    not isinstance(statement.targets[0], ast.Name):
                continue
            name = statement.targets[0].id
            at = Mark(file, statement.lineno, statement.col_offset + 1)
            if name == "_base_":
                bases = self.bases(statement.value, file)
                continue
            reader = _Values(file, own)
            own[name] = reader.value(statement.value, (name,), 0)
            for key in [k for k in marks if k[:1] == (name,)]:
                del marks[key]
            marks[(name,)] = at
            marks.update(reader.marks)
        data: dict[str, Any] = {}
        data_marks: dict[tuple, Mark] = {}
        for base, where in bases:
            got, got_marks = self.load(base, where)
            for key in got:
                if key in data:
                    raise self.fail(where, f"_base_ files set {key!r} twice (mmengine refuses "
                                           "a key shared by two bases)")
            data.update(got)
            data_marks.update(got_marks)
        _merge(own, data, marks, data_marks, ())
        _strip_delete(data)
        return data, data_marks

    def bases(self, node: ast.AST, file: str) -> list[tuple[str, str]]:
        items = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
        found = []
        for item in items:
            where = f"{file}:{item.lineno}:{item.col_offset + 1}"
            if not (isinstance(item, ast.Constant) and isinstance(item.value, str)):
                raise self.fail(where, "_base_: expected file names (strings)")
            found.append((os.path.normpath(os.path.join(os.path.dirname(file), item.value)),
                          where))
        return found


def _merge(child: dict[str, Any], base: dict[str, Any], child_marks: dict[tuple, Mark],
           base_marks: dict[tuple, Mark], path: tuple) -> None:
    """mmengine's ``Config._merge_a_into_b``: ``child`` into ``base`` in place."""
    for key, value in child.items():
        here = path + (key,)
        if isinstance(value, dict) and isinstance(base.get(key), dict) and \
                not value.get("_delete_", False):
            if here in child_marks:
                base_marks[here] = child_marks[here]
            _merge(value, base[key], child_marks, base_marks, here)
            continue
        base[key] = value
        for old in [k for k in base_marks if k[:len(here)] == here]:
            del base_marks[old]
        for new, mark in child_marks.items():
            if new[:len(here)] == here:
                base_marks[new] = mark


def _strip_delete(value: Any) -> None:
    if isinstance(value, dict):
        value.pop("_delete_", None)
        for item in value.values():
            _strip_delete(item)
    elif isinstance(value, list):
        for item in value:
            _strip_delete(item)


class _Values:
    """One assignment's value as data, with a mark for every key and item."""

    def __init__(self, file: str, known: dict[str, Any]):
        self.file, self.known = file, known
        self.marks: dict[tuple, Mark] = {}

    def where(self, node: ast.AST) -> str:
        return f"{self.file}:{getattr(node, 'lineno', 1)}:{getattr(node, 'col_offset', 0) + 1}"

    def value(self, node: ast.AST, path: tuple, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise SpecError([Problem(self.where(node), f"nested more than {MAX_DEPTH} deep")])
        self.marks[path] = Mark(self.file, getattr(node, "lineno", 1),
                                getattr(node, "col_offset", 0) + 1)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(item, path + (i,), depth + 1) for i, item in enumerate(node.elts)]
        if isinstance(node, ast.Dict):
            result = {}
            for key, item in zip(node.keys, node.values):
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    return Unreadable(self.where(node), "a dict with keys that are not names")
                result[key.value] = self.value(item, path + (key.value,), depth + 1)
            return result
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id == "dict" and not node.args:
            result = {}
            for keyword in node.keywords:
                if keyword.arg is None:
                    return Unreadable(self.where(node), "dict(**...)")
                result[keyword.arg] = self.value(keyword.value, path + (keyword.arg,),
                                                 depth + 1)
            return result
        if isinstance(node, ast.Name):
            if node.id in self.known:
                return copy.deepcopy(self.known[node.id])
            if node.id in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.id]
            return Unreadable(self.where(node), f"the name {node.id!r}, not assigned above")
        if isinstance(node, (ast.BinOp, ast.UnaryOp)):
            return self.arithmetic(node, path, depth)
        return Unreadable(self.where(node), f"a {type(node).__name__} expression")

    def arithmetic(self, node: ast.AST, path: tuple, depth: int) -> Any:
        import operator

        if isinstance(node, ast.UnaryOp):
            operand = self.value(node.operand, path, depth + 1)
            if _is_number(operand) and isinstance(node.op, (ast.USub, ast.UAdd)):
                return -operand if isinstance(node.op, ast.USub) else +operand
            return Unreadable(self.where(node), "arithmetic on something not a number")
        assert isinstance(node, ast.BinOp)
        ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
               ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv,
               ast.Mod: operator.mod, ast.Pow: operator.pow}
        left = self.value(node.left, path, depth + 1)
        right = self.value(node.right, path, depth + 1)
        op = ops.get(type(node.op))
        if op is None or not (_is_number(left) and _is_number(right)):
            return Unreadable(self.where(node), "arithmetic lrplot does not evaluate")
        if op is operator.pow and isinstance(left, int) and isinstance(right, int) and \
                (right < 0 or right * max(1, abs(left).bit_length()) > MAX_INT_BITS):
            return Unreadable(self.where(node), "a power too large")
        try:
            result = op(left, right)
        except (ZeroDivisionError, OverflowError, ValueError):
            return Unreadable(self.where(node), "arithmetic that fails")
        if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
            return Unreadable(self.where(node), "a number too large")
        if isinstance(result, complex):
            return Unreadable(self.where(node), "a complex number")
        return result


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def load(path: str) -> Document:
    """The config at ``path`` with its bases merged, as a document whose marks point at the
    line and column each value was written (in whichever file wrote it)."""
    loader = _Loader(root_of(path))
    data, marks = loader.load(path, path)
    marks.setdefault((), Mark(path, 1, 1))
    return Document(data, marks, path)
