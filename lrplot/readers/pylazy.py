"""mmengine's pure-Python configs (mmengine >= 0.8: mmdetection's ``mmdet/configs``,
mmpretrain's ``mmpretrain/configs``), read as data: nothing is imported or run.

Such a config inherits with ``with read_base(): from .._base_.schedules.schedule_1x import *``
(relative imports of other config files, found from the files at hand as mmengine's
``Config._parse_lazy_import`` finds them; ``from .x import name [as alias]`` takes one name),
names classes by importing them (``from mmengine.optim import LinearLR`` then
``type=LinearLR``: lrplot keeps the class's name, never the class) and changes what it
inherited with Python statements, followed here as mmengine's ``ConfigDict`` makes them behave:

- ``x = ...`` rebinds (a dict replaces the inherited one whole);
- ``x.update(...)`` merges key by key into an inherited dict (which is a ``ConfigDict``) but
  replaces keys of a dict the file wrote itself (a plain ``dict``), as Python does;
- ``x.merge(dict(...))`` merges with ``_delete_=True`` honoured; ``x.a = v`` and ``x[k] = v``
  set one key; ``.append`` / ``.extend`` grow a list.

Values are the data of :mod:`lrplot.readers.pyconfig` (literals, ``dict(...)``, names,
indexing, arithmetic). Objects are shared as Python shares them (``a = b`` then ``b.update``
changes ``a``). A statement lrplot does not follow (``if``, ``for``, a call of anything else)
makes the names it binds or changes unreadable, an error where the schedule needs them.
Absolute imports of configs (``from mmdet.configs.x import *``) would need the installed
package and are refused, as are cycles and imports outside the config's tree.
"""

from __future__ import annotations

import ast
import functools
import os
from typing import Any, Callable

from lrplot.problems import Problem, SpecError
from lrplot.readers import pyvalues
from lrplot.readers.pyvalues import MAX_DEPTH, MAX_NESTING, MAX_NODES, Unreadable
from lrplot.yamlio import Mark

KEEP_TYPES = ("mmengine", "torch")
"""Packages whose classes lrplot names bare (``LinearLR``, ``SGD``); others keep their package
(``mmdet.QuadraticWarmupLR``)."""


def _nested(method: Callable) -> Callable:
    """Count the nesting of a recursive walk over values, refused past ``MAX_NESTING``."""

    @functools.wraps(method)
    def walk(self: "_Run", *args: Any) -> Any:
        self.nesting[0] += 1
        try:
            if self.nesting[0] > MAX_NESTING:
                raise SpecError([Problem(f"{self.file}:1:1", f"values nested more than "
                                                             f"{MAX_NESTING} deep, or a value "
                                                             "that contains itself")])
            return method(self, *args)
        finally:
            self.nesting[0] -= 1
    return walk


class ConfigDict(dict):
    """A dict the way mmengine's ``ConfigDict`` stores, updates and merges (addict's)."""


class Imported:
    """A class or module a config imports, by name only."""

    def __init__(self, module: str, name: str | None, where: str):
        self.module, self.name, self.where = module, name, where

    def attribute(self, attr: str) -> "Imported":
        if self.name is None:
            return Imported(self.module, attr, self.where)
        return Imported(f"{self.module}.{self.name}", attr, self.where)

    def type_name(self) -> str:
        package = self.module.split(".")[0]
        name = self.name or self.module.split(".")[-1]
        return name if package in KEEP_TYPES else f"{package}.{name}"

    def __deepcopy__(self, memo: Any) -> "Imported":
        return self


def document_data(loader: Any, tree: ast.Module, file: str
                  ) -> tuple[dict[str, Any], dict[tuple, Mark]]:
    """The top config's names as data (dicts and lists, ``type`` classes as their names) with
    the mark of every value."""
    run = _Run(loader, file)
    run.execute(tree)
    return run.document()


class _Run:
    """One file executed as data."""

    def __init__(self, loader: Any, file: str):
        self.loader, self.file = loader, file
        self.names: dict[str, Any] = {}
        self.name_marks: dict[str, Mark] = {}
        self.marks: dict[int, dict[Any, Mark]] = {}
        self.alive: list[Any] = []  # keeps marked containers alive so their ids stay theirs
        self.budget = [MAX_NODES]
        self.nesting = [0]
        self.read_base_seen = False
        self.imported: set[str] = set()  # names bound by an import, which Config drops

    # -- locations ---------------------------------------------------------------------------

    def mark(self, node: ast.AST) -> Mark:
        return Mark(self.file, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1)

    def where(self, node: ast.AST) -> str:
        mark = self.mark(node)
        return f"{mark.file}:{mark.line}:{mark.column}"

    def fail(self, node: ast.AST, message: str) -> SpecError:
        return SpecError([Problem(self.where(node), message)])

    def spend(self, node: ast.AST | None) -> None:
        self.budget[0] -= 1
        if self.budget[0] < 0:
            where = self.where(node) if node is not None else f"{self.file}:1:1"
            raise SpecError([Problem(where, f"the config builds more than {MAX_NODES} values")])

    def keep(self, container: Any) -> dict[Any, Mark]:
        table = self.marks.get(id(container))
        if table is None:
            table = self.marks[id(container)] = {}
            self.alive.append(container)
        return table

    def set_key(self, container: Any, key: Any, value: Any, mark: Mark | None) -> None:
        container[key] = value
        if mark is not None:
            self.keep(container)[key] = mark

    # -- copies as mmengine makes them -------------------------------------------------------

    @_nested
    def hook(self, item: Any) -> Any:
        """``ConfigDict._hook``: a plain dict becomes a ConfigDict copy, a list or tuple a copy
        of its items hooked; anything else (a ConfigDict included) is stored as it is."""
        self.spend(None)
        if type(item) is dict:
            return self.config_dict(item)
        if isinstance(item, (list, tuple)):
            copied = [self.hook(x) for x in item]
            result = type(item)(copied) if isinstance(item, tuple) else copied
            self.keep(result).update(self.marks.get(id(item), {}))
            return result
        return item

    def config_dict(self, source: dict) -> ConfigDict:
        """``ConfigDict(source)``."""
        result = ConfigDict()
        marks = self.marks.get(id(source), {})
        for key, value in source.items():
            self.set_key(result, key, self.hook(value), marks.get(key))
        return result

    @_nested
    def lazy_copy(self, item: Any) -> Any:
        """``Config._dict_to_config_dict_lazy``: a base file's names as the importing file
        sees them (every dict a new ConfigDict, every list and tuple a new one)."""
        self.spend(None)
        if isinstance(item, dict):
            result: Any = ConfigDict()
            for key, value in item.items():
                self.set_key(result, key, self.lazy_copy(value),
                             self.marks.get(id(item), {}).get(key))
            return result
        if isinstance(item, (list, tuple)):
            copied = [self.lazy_copy(x) for x in item]
            result = tuple(copied) if isinstance(item, tuple) else copied
            self.keep(result).update(self.marks.get(id(item), {}))
            return result
        return item

    @_nested
    def deep_copy(self, item: Any) -> Any:
        self.spend(None)
        if isinstance(item, dict):
            result: Any = type(item)()
            for key, value in item.items():
                self.set_key(result, key, self.deep_copy(value),
                             self.marks.get(id(item), {}).get(key))
            return result
        if isinstance(item, (list, tuple)):
            copied = [self.deep_copy(x) for x in item]
            result = tuple(copied) if isinstance(item, tuple) else copied
            self.keep(result).update(self.marks.get(id(item), {}))
            return result
        return item

    # -- statements --------------------------------------------------------------------------

    def execute(self, tree: ast.Module) -> None:
        for statement in tree.body:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.With):
            self.read_base(node)
        elif isinstance(node, ast.ImportFrom):
            self.import_from(node)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is not None:
                    self.bind(alias.asname, Imported(alias.name, None, self.where(node)), node,
                              True)
                else:
                    top = alias.name.split(".")[0]
                    self.bind(top, Imported(top, None, self.where(node)), node, True)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = self.value(node.value, 0)
            for target in targets:
                self.assign(target, value, node)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            left = self.names.get(node.target.id,
                                  Unreadable(self.where(node), f"{node.target.id!r} unbound"))
            right = self.value(node.value, 0)
            if isinstance(node.op, ast.Add) and isinstance(left, list) and \
                    isinstance(right, (list, tuple)):
                for item in list(right):  # += extends the list in place, seen by its aliases
                    self.spend(node)
                    left.append(item)
                    self.keep(left)[len(left) - 1] = self.mark(node)
                return
            result = self.operate(ast.BinOp(left=node.target, op=node.op, right=node.value),
                                  left, right, node)
            self.bind(node.target.id, result, node)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and \
                isinstance(node.value.func, ast.Attribute):
            self.method(node.value)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            pass  # a docstring
        elif isinstance(node, ast.Pass):
            pass
        else:
            self.taint(node, f"a value a {type(node).__name__} statement may change")

    def taint(self, node: ast.AST, what: str) -> None:
        """Make unreadable every name ``node`` binds or changes (lrplot does not follow it),
        and every name holding a dict or list those names hold (Python shares them)."""
        touched = set(pyvalues.changed_names(node, self.names))
        reached = self.containers([self.names[n] for n in touched if n in self.names])
        for name, value in list(self.names.items()):
            if name in touched or self.containers([value]) & reached:
                self.bind(name, Unreadable(self.where(node), what), node,
                          name in self.imported)
        for name in touched - set(self.names):
            self.bind(name, Unreadable(self.where(node), what), node)

    def containers(self, values: list) -> set[int]:
        """The ids of the dicts and lists reachable from ``values``."""
        found: set[int] = set()
        stack = list(values)
        while stack:
            value = stack.pop()
            if isinstance(value, (dict, list, tuple)) and id(value) not in found:
                self.spend(None)
                found.add(id(value))
                stack.extend(value.values() if isinstance(value, dict) else value)
        return found

    def bind(self, name: str, value: Any, node: ast.AST, imported: bool = False) -> None:
        (self.imported.add if imported else self.imported.discard)(name)
        self.names[name] = value
        self.name_marks[name] = self.mark(node)

    def read_base(self, node: ast.With) -> None:
        expr = node.items[0].context_expr
        if len(node.items) != 1 or not (isinstance(expr, ast.Call) and
                                        isinstance(expr.func, ast.Name) and
                                        expr.func.id == "read_base"):
            raise self.fail(node, "only `with read_base():` may open a block in an mmengine "
                                  "config (mmengine refuses other context managers)")
        if self.read_base_seen:
            raise self.fail(node, "a second `with read_base():` block (mmengine reads the "
                                  "first only): import every base in one")
        self.read_base_seen = True
        parsed: dict[str, _Run] = {}
        for inner in node.body:
            if not isinstance(inner, ast.ImportFrom) or inner.module is None:
                raise self.fail(inner, "`with read_base():` holds `from .file import ...` "
                                       "lines only")
            if inner.level == 0:
                raise self.fail(inner, f"{inner.module}: an absolute import of a config needs "
                                       "the installed package; lrplot reads the files at hand "
                                       "only (write it relative, from ..x import *)")
            path = os.path.normpath(os.path.join(
                os.path.dirname(self.file), *([".."] * (inner.level - 1)),
                inner.module.replace(".", "/") + ".py"))
            # mmengine parses each base in order first, one run per module name (the last
            # parse of a module named twice is the one every import of it shares)
            parsed["." * inner.level + inner.module] = self.loader.within(
                path, self.where(inner), self.base_run)
        for inner in node.body:
            assert isinstance(inner, ast.ImportFrom)
            names = parsed["." * inner.level + str(inner.module)]
            for alias in inner.names:
                if alias.name == "*":
                    for name, value in names.names.items():
                        self.bind(name, value, inner, name in names.imported)
                        self.name_marks[name] = names.name_marks.get(name, self.mark(inner))
                    continue
                if alias.name not in names.names:
                    raise self.fail(inner, f"{inner.module} sets no {alias.name!r}")
                self.bind(alias.asname or alias.name, names.names[alias.name], inner,
                          alias.name in names.imported)

    def base_run(self, tree: ast.Module, file: str) -> "_Run":
        if not pyvalues.is_lazy(tree):
            raise SpecError([Problem(f"{file}:1:1", "a classic config (_base_ = ...) imported "
                                                    "by a pure-Python one: mmengine refuses a "
                                                    "chain that mixes the two styles")])
        run = _Run(self.loader, file)
        run.budget, run.nesting = self.budget, self.nesting
        run.execute(tree)
        # the importing file sees the base's names as new ConfigDicts, with the base's marks
        run.names = {name: run.lazy_copy(value) for name, value in run.names.items()
                     if not name.startswith("__")}
        self.marks.update(run.marks)
        self.alive.extend(run.alive)
        return run

    def import_from(self, node: ast.ImportFrom) -> None:
        module = "." * node.level + (node.module or "")
        if node.level:
            raise self.fail(node, f"{module}: a config file is imported inside `with "
                                  "read_base():` only")
        for alias in node.names:
            if alias.name == "*":
                raise self.fail(node, f"from {module} import *: mmengine takes * only from "
                                      "config files, inside `with read_base():`")
            self.bind(alias.asname or alias.name, Imported(module, alias.name, self.where(node)),
                      node, True)

    def assign(self, target: ast.AST, value: Any, node: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, value, node)
            return
        if isinstance(target, (ast.Attribute, ast.Subscript)):
            container = self.value(target.value, 0)
            key = self.key(target)
            if isinstance(container, ConfigDict) and isinstance(key, str):
                self.set_key(container, key, self.hook(value), self.mark(node))
                return
            if isinstance(target, ast.Subscript) and (
                    type(container) is dict or isinstance(container, list) and
                    isinstance(key, int) and -len(container) <= key < len(container)):
                self.set_key(container, key, value, self.mark(node))
                return
        self.taint(ast.Assign(targets=[target], value=ast.Constant(None)),
                   f"a value set by an assignment lrplot does not follow (at "
                   f"{self.where(node)})")

    def key(self, target: ast.Attribute | ast.Subscript) -> Any:
        if isinstance(target, ast.Attribute):
            return target.attr
        return pyvalues.literal_index(target.slice)

    def method(self, call: ast.Call) -> None:
        """``x.update(...)``, ``x.merge(...)``, ``x.append(v)``, ``x.extend(v)``."""
        func = call.func
        assert isinstance(func, ast.Attribute)
        target = self.value(func.value, 0)
        args = [self.value(a, 0) for a in call.args if not isinstance(a, ast.Starred)]
        starred = any(isinstance(a, ast.Starred) for a in call.args) or \
            any(k.arg is None for k in call.keywords)
        kwargs = ConfigDict() if isinstance(target, ConfigDict) else {}
        if not starred:
            for keyword in call.keywords:
                assert keyword.arg is not None
                self.set_key(kwargs, keyword.arg, self.value(keyword.value, 0),
                             self.mark(keyword.value))
        name = func.attr
        if not starred and name == "update" and isinstance(target, dict) and len(args) <= 1 \
                and all(isinstance(a, dict) for a in args):
            for source in [*args, kwargs]:
                if isinstance(target, ConfigDict):
                    self.update(target, source)
                else:
                    for key, value in source.items():
                        self.set_key(target, key, value, self.marks.get(id(source), {}).get(key))
            return
        if not starred and name == "merge" and isinstance(target, ConfigDict) and \
                len(args) == 1 and isinstance(args[0], dict) and not call.keywords:
            self.merge(target, args[0])
            return
        if not starred and name in ("append", "extend") and isinstance(target, list) and \
                len(args) == 1 and not call.keywords and \
                (name == "append" or isinstance(args[0], (list, tuple))):
            for item in [args[0]] if name == "append" else list(args[0]):
                self.spend(call)
                target.append(item)
                self.keep(target)[len(target) - 1] = self.mark(call)
            return
        self.taint(ast.Expr(value=call), f"a value {ast.unparse(func)}(...) changes, which "
                                         f"lrplot does not follow (at {self.where(call)})")

    @_nested
    def update(self, target: ConfigDict, source: dict) -> None:
        """``ConfigDict.update``: dicts into dicts key by key, anything else replaces."""
        marks = self.marks.get(id(source), {})
        for key, value in list(source.items()):
            if key not in target or not isinstance(target[key], dict) or \
                    not isinstance(value, dict):
                self.set_key(target, key, self.hook(value), marks.get(key))
            else:
                self.update(target[key], value) if isinstance(target[key], ConfigDict) else \
                    target[key].update(value)

    def merge(self, target: ConfigDict, other: dict) -> None:
        """``ConfigDict.merge``: ``other`` into a copy of ``target``, ``_delete_=True``
        dropping what ``target`` held there."""
        default = object()

        def marks_of(d: Any) -> dict:
            return self.marks.get(id(d), {})

        @_nested
        def into(run: "_Run", a: Any, b: Any) -> Any:
            run.spend(None)
            if isinstance(a, dict):
                if not isinstance(b, dict):
                    a.pop("_delete_", None)
                    return a
                if a.pop("_delete_", False):
                    b.clear()
                result: dict = {}
                for key in [*b.keys(), *a.keys()]:
                    if key == "_delete_":
                        continue
                    mark = marks_of(a).get(key) or marks_of(b).get(key)
                    run.set_key(result, key, into(run, a.get(key, default),
                                                  b.get(key, default)), mark)
                return result
            return a if a is not default else b

        merged = into(self, self.deep_copy(other), self.deep_copy(target))
        target.clear()
        self.marks.pop(id(target), None)
        for key, value in merged.items():
            self.set_key(target, key, self.hook(value), marks_of(merged).get(key))

    # -- values ------------------------------------------------------------------------------

    def value(self, node: ast.AST, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nested more than {MAX_DEPTH} deep")
        self.spend(node)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                return Unreadable(self.where(node), "a starred item")
            items = [self.value(e, depth + 1) for e in node.elts]
            result: Any = tuple(items) if isinstance(node, ast.Tuple) else items
            self.keep(result).update({i: self.mark(e) for i, e in enumerate(node.elts)})
            return result
        if isinstance(node, ast.Dict):
            result = {}
            for key, item in zip(node.keys, node.values):
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    return Unreadable(self.where(node), "a dict with keys that are not names")
                self.set_key(result, key.value, self.value(item, depth + 1), self.mark(item))
            return result
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id == "dict" and "dict" not in self.names and not node.args:
            result = {}
            for keyword in node.keywords:
                if keyword.arg is None:
                    spread = self.value(keyword.value, depth + 1)
                    if not isinstance(spread, dict):
                        return Unreadable(self.where(keyword.value), "** of something not a "
                                                                     "dict")
                    for key, item in spread.items():
                        self.set_key(result, key, item,
                                     self.marks.get(id(spread), {}).get(key))
                    continue
                self.set_key(result, keyword.arg, self.value(keyword.value, depth + 1),
                             self.mark(keyword.value))
            return result
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            return Unreadable(self.where(node), f"the name {node.id!r}, not assigned above")
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            return self.index(node, depth)
        if isinstance(node, ast.BinOp):
            return self.operate(node, self.value(node.left, depth + 1),
                                self.value(node.right, depth + 1), node)
        if isinstance(node, ast.UnaryOp):
            return pyvalues.unary(node, self.value(node.operand, depth + 1), self.where(node))
        return Unreadable(self.where(node), f"a {type(node).__name__} expression")

    def operate(self, node: ast.BinOp, left: Any, right: Any, at: ast.AST) -> Any:
        if isinstance(node.op, ast.Add) and isinstance(left, list) and \
                isinstance(right, list):
            for _ in range(len(left) + len(right)):
                self.spend(at)
            return left + right
        return pyvalues.binary(node, left, right, self.where(at))

    def index(self, node: ast.Attribute | ast.Subscript, depth: int) -> Any:
        container = self.value(node.value, depth + 1)
        if isinstance(container, Unreadable):
            return container
        key = self.key(node)
        if isinstance(node, ast.Attribute):
            if isinstance(container, Imported):
                return container.attribute(node.attr)
            if isinstance(container, ConfigDict) and node.attr in container:
                return container[node.attr]
            return Unreadable(self.where(node), f"the attribute {node.attr!r} (a dict the "
                                                "config wrote itself has none, an inherited "
                                                "one has its keys)")
        try:
            if key is None or isinstance(container, (str, bytes, Imported)):
                raise TypeError
            return container[key]
        except (KeyError, IndexError, TypeError):
            return Unreadable(self.where(node), "an index the value does not have")

    # -- the result --------------------------------------------------------------------------

    def document(self) -> tuple[dict[str, Any], dict[tuple, Mark]]:
        data: dict[str, Any] = {}
        marks: dict[tuple, Mark] = {}
        for name, value in self.names.items():
            if name.startswith("__") or name in self.imported:
                continue  # mmengine's Config drops imported names
            data[name] = self.plain(value, (name,), marks, set(), "")
            marks[(name,)] = self.name_marks.get(name, Mark(self.file, 1, 1))
        return data, marks

    @_nested
    def plain(self, value: Any, path: tuple, marks: dict[tuple, Mark], seen: set[int],
              key: Any) -> Any:
        self.spend(None)
        if isinstance(value, Imported):
            if key == "type":
                return value.type_name()
            return Unreadable(value.where, f"the imported {value.type_name()}, not data")
        if not isinstance(value, (dict, list, tuple)):
            return value
        if id(value) in seen:
            return Unreadable(f"{self.file}:1:1", "a value that contains itself")
        seen = seen | {id(value)}
        table = self.marks.get(id(value), {})
        items = value.items() if isinstance(value, dict) else enumerate(value)
        result: Any = {} if isinstance(value, dict) else []
        for k, item in items:
            if k in table:
                marks[path + (k,)] = table[k]
            converted = self.plain(item, path + (k,), marks, seen, k)
            if isinstance(result, dict):
                result[k] = converted
            else:
                result.append(converted)
        return result
