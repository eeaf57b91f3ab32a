"""What lrplot reads as data in a Python config, shared by both of mmengine's styles
(:mod:`lrplot.readers.pyconfig`, :mod:`lrplot.readers.pylazy`): the value that is not data,
bounded arithmetic, which statements change which names, and which style a file is in."""

from __future__ import annotations

import ast
from typing import Any


MAX_NODES = 2_000_000
"""Values one config may build or copy in all (a value shared twice counts twice): a bound on
what nested references (``a = [a, a]`` forty times) could make of a short file."""

MAX_NESTING = 100
"""How deep values may nest once names have been put into one another (``a = [a]`` again
and again; a value that contains itself would nest without end)."""

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


def unary(node: ast.UnaryOp, operand: Any, where: str) -> Any:
    """``-x`` or ``+x`` of a number, else unreadable."""
    if _is_number(operand) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return -operand if isinstance(node.op, ast.USub) else +operand
    return Unreadable(where, "arithmetic on something not a number")


def binary(node: ast.BinOp, left: Any, right: Any, where: str) -> Any:
    """Arithmetic of two numbers, bounded (no huge powers or integers), else unreadable."""
    import operator

    ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv,
           ast.Mod: operator.mod, ast.Pow: operator.pow}
    op = ops.get(type(node.op))
    if op is None or not (_is_number(left) and _is_number(right)):
        return Unreadable(where, "arithmetic lrplot does not evaluate")
    if op is operator.pow and isinstance(left, int) and isinstance(right, int) and \
            (right < 0 or right * max(1, abs(left).bit_length()) > MAX_INT_BITS):
        return Unreadable(where, "a power too large")
    try:
        result = op(left, right)
    except (ZeroDivisionError, OverflowError, ValueError):
        return Unreadable(where, "arithmetic that fails")
    if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
        return Unreadable(where, "a number too large")
    if isinstance(result, complex):
        return Unreadable(where, "a complex number")
    return result


def changed_names(node: ast.AST, bound: Any) -> list[str]:
    """The names a statement binds (``x = ``, ``def x``, ``import x``), changes in place
    (``x.a = ``, ``x[0] = ``, ``x.update(...)``) or merely uses when they are ``bound`` (a
    loop's ``for s in x: s['a'] = 1`` changes ``x``): what lrplot cannot know after a
    statement it does not follow."""
    names: list[str] = []
    for inner in ast.walk(node):
        root: ast.AST | None = None
        if isinstance(inner, ast.Name) and (not isinstance(inner.ctx, ast.Load) or
                                            inner.id in bound):
            names.append(inner.id)
        elif isinstance(inner, (ast.Attribute, ast.Subscript)) and \
                isinstance(inner.ctx, (ast.Store, ast.Del)):
            root = inner
        elif isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute):
            root = inner.func
        elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(inner.name)
        elif isinstance(inner, (ast.Import, ast.ImportFrom)):
            names.extend((alias.asname or alias.name).split(".")[0] for alias in inner.names)
        while isinstance(root, (ast.Attribute, ast.Subscript)):
            root = root.value
        if isinstance(root, ast.Name):
            names.append(root.id)
    return names


def base_variable(node: ast.AST) -> str | None:
    """``a.b`` of ``{{_base_.a.b}}`` (which Python parses as a set holding a set), else None."""
    if not (isinstance(node, ast.Set) and len(node.elts) == 1 and
            isinstance(node.elts[0], ast.Set) and len(node.elts[0].elts) == 1):
        return None
    keys: list[str] = []
    probe = node.elts[0].elts[0]
    while isinstance(probe, ast.Attribute):
        keys.insert(0, probe.attr)
        probe = probe.value
    if not (keys and isinstance(probe, ast.Name) and probe.id == "_base_"):
        return None
    return ".".join(keys)


def is_lazy(tree: ast.Module) -> bool:
    """mmengine's ``Config._is_lazy_import``: the pure-Python style (``with read_base():``,
    relative imports, imports of packages) unless the file assigns ``_base_``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and \
                node.targets[0].id == "_base_":
            return False
        if isinstance(node, ast.With):
            return True
        if isinstance(node, ast.ImportFrom):
            if node.level:
                return True
            if node.module == "mmengine" and [a.name for a in node.names] == ["Config"]:
                continue
            if isinstance(node.module, str) and not is_builtin_module(node.module):
                return True
        if isinstance(node, ast.Import) and \
                any(not is_builtin_module(alias.name) for alias in node.names):
            return True
    return False


def is_builtin_module(name: str) -> bool:
    """mmengine's ``_is_builtin_module``: a module of Python's standard library."""
    import sys

    return name.startswith("mmengine.config") or name.split(".")[0] in sys.stdlib_module_names


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def literal_index(node: ast.AST) -> str | int | None:
    """The key or index ``x[...]`` names literally (``'a'``, ``0``, ``-1``), else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = literal_index(node.operand)
        return -inner if isinstance(inner, int) else None
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)) and \
            not isinstance(node.value, bool):
        return node.value
    return None


def copy_counted(value: Any, budget: list[int], where: str, depth: int = 0) -> Any:
    """A copy of ``value`` in which nothing is shared, each dict and list item spending one of
    ``budget``; past it, or nested past ``MAX_NESTING``, an error at ``where`` (never a copy
    that would exhaust memory or the stack)."""
    from lrplot.problems import Problem, SpecError

    budget[0] -= 1
    if budget[0] < 0:
        raise SpecError([Problem(where, f"the config builds more than {MAX_NODES} values")])
    if depth > MAX_NESTING:
        raise SpecError([Problem(where, f"values nested more than {MAX_NESTING} deep")])
    if isinstance(value, dict):
        return {key: copy_counted(item, budget, where, depth + 1)
                for key, item in value.items()}
    if isinstance(value, list):
        return [copy_counted(item, budget, where, depth + 1) for item in value]
    return value
