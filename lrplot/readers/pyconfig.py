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
import os
from typing import Any

from lrplot.problems import Problem, SpecError
from lrplot.readers.pyvalues import (MAX_DEPTH, MAX_NODES, Unreadable, base_variable, binary,
                                     changed_names, copy_counted, is_lazy, literal_index, unary)
from lrplot.yamlio import Document, Mark

MAX_FILES = 64
"""Files one config may pull in through ``_base_`` (mmdetection's deepest chains read ~6)."""


class Placeholder:
    """``{{_base_.a.b}}``: mmengine puts a placeholder there and substitutes the bases' value
    after the file ran (so a later ``_base_.a.b = v`` shows), wherever it is a whole value."""

    def __init__(self, keys: list[str], where: str):
        self.keys, self.where = keys, where

    def __deepcopy__(self, memo: Any) -> "Placeholder":
        return self


def is_config(text: str) -> bool:
    """Whether a Python file looks like an mmengine config: a top-level assignment of one of the
    names mmengine's runner reads, or the pure-Python style's ``with read_base():``."""
    names = ("param_scheduler", "_base_", "train_cfg", "optim_wrapper")
    return any(line.startswith(names) and "=" in line or line.startswith("with read_base()")
               for line in text.splitlines())


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
        self.budget = [MAX_NODES]
        self.stack: list[str] = []

    def fail(self, where: str, message: str) -> SpecError:
        return SpecError([Problem(where, message)])

    def load(self, path: str, named_at: str, lazy: bool | None = None
             ) -> tuple[dict[str, Any], dict[tuple, Mark]]:
        """The config at ``path`` (named at ``named_at``) with its bases merged; ``lazy``: the
        style its inheritance chain requires (mmengine refuses a chain that mixes them)."""
        return self.within(path, named_at, lambda tree, file: self.parse(tree, file, lazy))

    def within(self, path: str, named_at: str, parse: Any) -> Any:
        """``parse(tree, path)`` of the file at ``path``, once it is known to be a file of the
        config's tree, not yet on the chain being read, within the count of files."""
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
        try:
            tree = ast.parse(text, filename=path)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            line = getattr(exc, "lineno", None) or 1
            raise self.fail(f"{path}:{line}:1", f"not valid Python: "
                                                f"{getattr(exc, 'msg', exc)}") from None
        self.stack.append(real)
        try:
            return parse(tree, path)
        finally:
            self.stack.pop()

    def parse(self, tree: ast.Module, file: str, lazy: bool | None
              ) -> tuple[dict[str, Any], dict[tuple, Mark]]:
        style = is_lazy(tree)
        if lazy is not None and style != lazy:
            raise self.fail(f"{file}:1:1", "a file in the pure-Python style (with read_base(), "
                                           "imports) named by a classic config's _base_: "
                                           "mmengine refuses a chain that mixes the two styles")
        if style:
            from lrplot.readers import pylazy

            return pylazy.document_data(self, tree, file)
        # mmengine reads _base_ from the file before running it, and the bases' merged values
        # are what ``{{_base_.x}}`` and ``_base_.x`` in the file's own values stand for.
        bases: list[tuple[str, str]] = []
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and \
                    isinstance(statement.targets[0], ast.Name) and \
                    statement.targets[0].id == "_base_":
                bases = self.bases(statement.value, file)
        data: dict[str, Any] = {}
        data_marks: dict[tuple, Mark] = {}
        for base, where in bases:
            got, got_marks = self.load(base, where, False)
            for key in got:
                if key in data:
                    raise self.fail(where, f"_base_ files set {key!r} twice (mmengine refuses "
                                           "a key shared by two bases)")
            data.update(got)
            data_marks.update(got_marks)
        own: dict[str, Any] = {}
        marks: dict[tuple, Mark] = {}
        substituted: set[str] = set()
        taken: list[tuple[tuple, str]] = []  # the _base_ dicts and lists the file took
        shared: list[tuple | None] = []  # the _base_ paths set to a dict or list
        for statement in tree.body:
            at = Mark(file, statement.lineno, statement.col_offset + 1)
            keys = base_target(statement)
            if keys is not None:
                reader = _Values(file, own, data, data_marks, substituted, self.budget)
                shared.append(self.set_base(data, data_marks, keys, statement, reader, taken))
                taken.extend(reader.references)
                continue
            if not isinstance(statement, ast.Assign) or len(statement.targets) != 1 or \
                    not isinstance(statement.targets[0], ast.Name):
                if not isinstance(statement, (ast.Import, ast.ImportFrom, ast.Pass)) and \
                        not (isinstance(statement, ast.Expr) and
                             isinstance(statement.value, ast.Constant)):
                    # a statement lrplot does not follow may change these names' values,
                    # and through them the _base_ values they share (mmengine's objects are
                    # shared where lrplot's are copies)
                    where = f"{file}:{at.line}:{at.column}"
                    for path, _ in [*taken, *((p, "") for p in shared if p)]:
                        _poison(data, path, Unreadable(where, "a _base_ value a "
                                                       f"{type(statement).__name__} statement "
                                                       "may change"))
                    for name in changed_names(statement, own):
                        if name == "_base_":
                            raise self.fail(f"{file}:{at.line}:{at.column}", "this statement "
                                            "changes _base_ in place, which lrplot does not "
                                            "follow: set the value in this file instead")
                        own[name] = Unreadable(f"{file}:{at.line}:{at.column}", "a value a "
                                               f"{type(statement).__name__} statement changes")
                        marks[(name,)] = at
                continue
            name = statement.targets[0].id
            if name == "_base_":
                continue
            reader = _Values(file, own, data, data_marks, substituted, self.budget)
            own[name] = reader.value(statement.value, (name,), 0)
            if base_variable(statement.value) is not None:
                substituted.add(name)
            else:
                substituted.discard(name)
            for key in [k for k in marks if k[:1] == (name,)]:
                del marks[key]
            marks[(name,)] = at
            marks.update(reader.marks)
            taken.extend(reader.references)
        resolver = _Values(file, own, data, data_marks, substituted, self.budget)
        for name in list(own):
            own[name] = _substitute(own[name], (name,), resolver)
        marks.update(resolver.marks)
        _merge(own, data, marks, data_marks, ())
        _strip_delete(data)
        return _unsubstituted(data), data_marks

    def set_base(self, data: dict[str, Any], data_marks: dict[tuple, Mark], keys: list,
                 statement: ast.Assign, reader: "_Values", taken: list[tuple[tuple, str]]
                 ) -> tuple | None:
        """``_base_.a.b = value``: mmengine hands the file the bases' merged values as
        ``_base_`` and merges the file into them after it ran, so this changes the result."""
        where = f"{reader.file}:{statement.lineno}:{statement.col_offset + 1}"
        container: Any = data
        normal: list = []
        for i, key in enumerate(keys[:-1]):
            inside = container.get(key) if isinstance(container, dict) and \
                isinstance(key, str) else container[key] if isinstance(container, list) and \
                isinstance(key, int) and -len(container) <= key < len(container) else None
            if not isinstance(inside, (dict, list)):
                shown = "".join(f".{k}" if isinstance(k, str) else f"[{k}]" for k in keys[:i + 1])
                raise self.fail(where, f"_base_{shown}: the _base_ files set no dict or list "
                                       "there (mmengine fails here)")
            normal.append(key % len(container) if isinstance(key, int) else key)
            container = inside
        last = keys[-1]
        if isinstance(container, list) and not (isinstance(last, int) and
                                                -len(container) <= last < len(container)) or \
                isinstance(container, dict) and not isinstance(last, str):
            raise self.fail(where, "an index the _base_ value does not have")
        path = tuple([*normal, last % len(container) if isinstance(last, int) else last])
        for earlier, at in taken:
            if len(earlier) < len(path) and path[:len(earlier)] == earlier:
                raise self.fail(where, f"this changes a _base_ value inside one the file took "
                                       f"whole at {at} (mmengine shares it, so both change; "
                                       "lrplot does not follow that): set it before taking it")
        value = reader.value(statement.value, path, 0)
        container[last] = value
        for old in [k for k in data_marks if k[:len(path)] == path]:
            del data_marks[old]
        data_marks.update(reader.marks)
        data_marks[path] = Mark(reader.file, statement.lineno, statement.col_offset + 1)
        return path if isinstance(value, (dict, list)) else None

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

    def __init__(self, file: str, known: dict[str, Any], base: dict[str, Any] | None = None,
                 base_marks: dict[tuple, Mark] | None = None,
                 substituted: set[str] | None = None, budget: list[int] | None = None):
        self.file, self.known = file, known
        self.budget = budget if budget is not None else [MAX_NODES]
        self.references: list[tuple[tuple, str]] = []  # _base_ dicts and lists it took
        self.base, self.base_marks = base or {}, base_marks or {}
        self.substituted = substituted if substituted is not None else set()
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
        if isinstance(node, ast.Set):
            dotted = base_variable(node)
            if dotted is None:
                return Unreadable(self.where(node), "a set")
            return Placeholder(dotted.split("."), self.where(node))
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            return self.lookup(node, path)
        if isinstance(node, ast.Name):
            if node.id in self.known:
                return copy_counted(self.known[node.id], self.budget, self.where(node))
            if node.id in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.id]
            return Unreadable(self.where(node), f"the name {node.id!r}, not assigned above")
        if isinstance(node, (ast.BinOp, ast.UnaryOp)):
            return self.arithmetic(node, path, depth)
        return Unreadable(self.where(node), f"a {type(node).__name__} expression")

    def from_base(self, where: str, keys: list, path: tuple) -> Any:
        """The merged bases' value at ``keys``, as mmengine substitutes ``{{_base_.a.b}}`` and
        evaluates ``_base_.a.b`` (a copy, with the marks of where the bases wrote it)."""
        value: Any = self.base
        taken: list = []
        for i, key in enumerate(keys):
            if isinstance(value, Unreadable):
                return value
            found = isinstance(value, dict) and isinstance(key, str) and key in value or \
                isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value)
            if not found:
                shown = "_base_" + "".join(f".{k}" if isinstance(k, str) else f"[{k}]"
                                           for k in keys[:i + 1])
                raise SpecError([Problem(where, f"{shown}: the _base_ files set no such value "
                                                "(mmengine fails here)")])
            taken.append(key % len(value) if isinstance(key, int) else key)
            value = value[key]
        source = tuple(taken)
        for key, mark in self.base_marks.items():
            if key[:len(source)] == source and len(key) > len(source):
                self.marks[path + key[len(source):]] = mark
        if isinstance(value, (dict, list)):
            self.references.append((source, where))
        return copy_counted(value, self.budget, where)

    def lookup(self, node: ast.AST, path: tuple) -> Any:
        """``_base_.a.b``, ``_base_['a'][0]`` (the bases' merged values, which mmengine hands
        the file as ``_base_``) and ``name[key]`` of a value assigned above."""
        keys: list = []
        probe = node
        while isinstance(probe, (ast.Attribute, ast.Subscript)):
            if isinstance(probe, ast.Attribute):
                keys.insert(0, ("attribute", probe.attr))
            elif literal_index(probe.slice) is not None:
                keys.insert(0, ("item", literal_index(probe.slice)))
            else:
                return Unreadable(self.where(probe), "an index that is not a literal")
            probe = probe.value
        if isinstance(probe, ast.Name) and probe.id == "_base_":
            return self.from_base(self.where(node), [key for _, key in keys], path)
        if not (isinstance(probe, ast.Name) and probe.id in self.known):
            return Unreadable(self.where(node), f"a {type(node).__name__} expression")
        if any(how == "attribute" for how, _ in keys):
            return Unreadable(self.where(node), "an attribute of a dict (a config's own "
                                                "dicts have none; mmengine fails here)")
        value = self.known[probe.id]
        for _, key in keys:
            if isinstance(value, Unreadable):
                return value
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                return Unreadable(self.where(node), "an index the value does not have")
        return copy_counted(value, self.budget, self.where(node))

    def substitution(self, node: ast.AST) -> bool:
        """Whether ``node`` is a ``{{_base_.x}}`` or a name bound to one: mmengine puts a
        placeholder string there and substitutes only whole values, so arithmetic on it is
        not arithmetic on the base's value."""
        return base_variable(node) is not None or \
            isinstance(node, ast.Name) and node.id in self.substituted

    def arithmetic(self, node: ast.AST, path: tuple, depth: int) -> Any:
        operands = [node.operand] if isinstance(node, ast.UnaryOp) else \
            [node.left, node.right] if isinstance(node, ast.BinOp) else []
        if any(self.substitution(operand) for operand in operands):
            return Unreadable(self.where(node), "arithmetic on a {{_base_.x}} substitution "
                                                "(mmengine substitutes whole values only; "
                                                "write _base_.x)")
        if isinstance(node, ast.UnaryOp):
            return unary(node, self.value(node.operand, path, depth + 1), self.where(node))
        assert isinstance(node, ast.BinOp)
        left = self.value(node.left, path, depth + 1)
        right = self.value(node.right, path, depth + 1)
        if isinstance(node.op, ast.Add) and isinstance(left, list) and isinstance(right, list):
            self.budget[0] -= len(left) + len(right)  # the items are copies already
            if self.budget[0] < 0:
                raise SpecError([Problem(self.where(node), f"the config builds more than "
                                                           f"{MAX_NODES} values")])
            return left + right
        return binary(node, left, right, self.where(node))


def _poison(data: Any, path: tuple, value: Unreadable) -> None:
    """Put ``value`` at ``path`` of ``data``, if the path is there."""
    for key in path[:-1]:
        if isinstance(data, dict) and key in data or \
                isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            return
    last = path[-1]
    if isinstance(data, dict) and last in data or \
            isinstance(data, list) and isinstance(last, int) and 0 <= last < len(data):
        data[last] = value


def _substitute(value: Any, path: tuple, resolver: "_Values") -> Any:
    """mmengine's ``Config._substitute_base_vars``: every placeholder that is a whole value
    becomes the bases' value as the file left them."""
    if isinstance(value, Placeholder):
        return resolver.from_base(value.where, list(value.keys), path)
    if isinstance(value, dict):
        return {k: _substitute(v, path + (k,), resolver) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, path + (i,), resolver) for i, v in enumerate(value)]
    return value


def _unsubstituted(value: Any) -> Any:
    """A placeholder the file put into a _base_ value stays a string in mmengine: not data."""
    if isinstance(value, Placeholder):
        return Unreadable(value.where, "a {{_base_.x}} written into a _base_ value (mmengine "
                                       "substitutes the file's own values only)")
    if isinstance(value, dict):
        return {k: _unsubstituted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unsubstituted(v) for v in value]
    return value


def base_target(statement: ast.stmt) -> list | None:
    """The keys of ``_base_.a['b'][0] = value`` (literal keys and indices), else None."""
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
        return None
    keys: list = []
    probe = statement.targets[0]
    while isinstance(probe, (ast.Attribute, ast.Subscript)):
        if isinstance(probe, ast.Attribute):
            keys.insert(0, probe.attr)
        elif literal_index(probe.slice) is not None:
            keys.insert(0, literal_index(probe.slice))
        else:
            return None
        probe = probe.value
    return keys if keys and isinstance(probe, ast.Name) and probe.id == "_base_" else None


def load(path: str) -> Document:
    """The config at ``path`` with its bases merged, as a document whose marks point at the
    line and column each value was written (in whichever file wrote it)."""
    loader = _Loader(root_of(path))
    data, marks = loader.load(path, path)
    marks.setdefault((), Mark(path, 1, 1))
    return Document(data, marks, path)
