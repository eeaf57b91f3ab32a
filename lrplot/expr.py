"""Expressions of the step — ``0.95 ** epoch``, ``min(1.0, (epoch + 1) / 10)`` — parsed, never run.

A config file must never execute code, yet LambdaLR, MultiplicativeLR and CyclicLR take a
function of the step. lrplot takes an *expression* instead. It is parsed with :mod:`ast` and
checked against a whitelist:

- numbers (``3``, ``0.95``, ``1e-3``), the step variable ``epoch`` (also ``step`` or ``x``),
  and the constants ``pi`` and ``e``;
- ``+ - * / // % **``, unary ``-`` and ``+``, comparisons (chains too), ``and``, ``or``,
  ``not`` and ``a if condition else b``;
- calls of ``min``, ``max``, ``abs`` and the math functions ``cos sin tan exp log log10 sqrt
  floor ceil`` (plain names, positional arguments).

Anything else — other names, attributes, other calls, lambdas, comprehensions, strings,
subscripts — is refused with a message that points at the offending column.

Evaluation is vectorized with numpy over the whole step array, and reproduces Python's semantics
element by element, because that is what torch computes when it calls a Python lambda:

- ints stay ints (``epoch // 10``, ``epoch ** 2``) and floats are IEEE doubles; numpy's float
  ``+ - * / // %`` round exactly as Python's float operations do (``np.floor_divide`` and
  ``np.remainder`` copy CPython's algorithm), and ``**`` and the math functions come from
  :mod:`lrplot.libm`, the C library's values that :mod:`math` gives too. Booleans act as the
  ints 0 and 1, as in Python.
- Python would raise on some elements (division by zero, ``log(0)``, ``sqrt(-1)``, an overflowing
  ``exp`` or ``**``, a negative number to a fractional power); numpy computes a placeholder
  there instead. Each such element is *marked*, and the mark follows Python's evaluation order —
  the branch of ``a if c else b`` that Python does not evaluate, or the right operand of an
  ``and`` that short-circuits, cannot fail. :meth:`Expression.evaluate` raises
  :class:`ExprError` naming the first failing step and the operation.
- An integer result beyond 2**53 (where int64 arithmetic and Python's big ints part ways) is
  refused with a hint to write a float literal (``3.0 ** epoch``).
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

VARIABLES = ("epoch", "step", "x")
"""Names of the step variable; all three mean the same thing."""

CONSTANTS = {"pi": math.pi, "e": math.e}
MATH_FUNCTIONS = ("cos", "sin", "tan", "exp", "log", "log10", "sqrt", "floor", "ceil")
FUNCTIONS = ("min", "max", "abs") + MATH_FUNCTIONS
MAX_LENGTH = 500
MAX_DEPTH = 100
"""Deepest nesting of an expression's syntax tree: checking and evaluating recurse once per
level, and 499 unary minus signs fit in :data:`MAX_LENGTH` (a real formula nests a few)."""
BLOCK = 1 << 16
"""Steps evaluated at once (512 kB of float64: a block stays in cache from pass to pass)."""
MAX_INT = 2**53
"""Largest integer magnitude an expression may produce (float64 and int64 agree below it)."""

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
           ast.Mod: "%", ast.Pow: "**"}
_CMPOPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}

_WHAT = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension", ast.GeneratorExp: "a generator expression",
    ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a mapping", ast.Set: "a set",
    ast.JoinedStr: "an f-string", ast.NamedExpr: "an assignment (:=)", ast.Starred: "unpacking",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "a slice",
    ast.BitAnd: "'&'", ast.BitOr: "'|'", ast.BitXor: "'^'", ast.LShift: "'<<'",
    ast.RShift: "'>>'", ast.MatMult: "'@'", ast.Invert: "'~'", ast.Is: "'is'",
    ast.IsNot: "'is not'", ast.In: "'in'", ast.NotIn: "'not in'",
}


class ExprError(ValueError):
    """An expression that is not allowed, or that fails at some step; the message says where."""


def _accepted() -> str:
    return (f"numbers, {', '.join(VARIABLES)} (the step), pi, e, + - * / // % **, comparisons, "
            f"and/or/not, 'a if c else b', and the functions {', '.join(FUNCTIONS)}")


@dataclass(frozen=True)
class Expression:
    """A checked expression; :meth:`evaluate` computes it for every step at once."""

    source: str
    tree: ast.expression

    def __str__(self) -> str:
        return self.source

    def table(self, steps: np.ndarray) -> tuple[list, list[str] | None]:
        """The value at each step as Python numbers, and per step the reason Python would
        raise there (None where it would not; None overall when it never would) — for callers
        that use only some of the values (a child schedule inside a composite)."""
        import numpy as np

        t = np.asarray(steps, dtype=np.int64)
        ev = _Evaluator(t, self.source)
        value = ev.eval(self.tree.body)
        out = np.broadcast_to(value.array, t.shape)
        kind = "float" if value.type == "float" else "int"
        values = np.array(out, dtype=np.float64 if kind == "float" else np.int64)
        errors = None
        if value.bad is not None:
            bad = np.broadcast_to(value.bad, t.shape)
            if bad.any():
                errors = [ev.reasons[b - 1] if b else None for b in bad.tolist()]
        if kind == "float" and not np.isfinite(values).all():
            errors = errors or [None] * len(t)
            for i in np.flatnonzero(~np.isfinite(values)).tolist():
                errors[i] = errors[i] or f"{self.source!r} is {values[i]}, not a finite number"
        if errors is not None:
            errors = [f"{self.source!r} fails at {VARIABLES[0]} = {int(t[i])}: {e}"
                      if e and not e.startswith(repr(self.source)) else e
                      for i, e in enumerate(errors)]
        return values.tolist(), errors

    def evaluate(self, steps: np.ndarray) -> np.ndarray:
        """The value at each step (float64 or int64 array, like ``steps``); raises
        :class:`ExprError` at the first step where Python would raise or give a non-number.

        A long run is evaluated :data:`BLOCK` steps at a time: each of the expression's passes
        then finds its block still in the processor's cache (about twice as fast)."""
        import numpy as np

        t = np.asarray(steps, dtype=np.int64)
        if t.ndim != 1 or len(t) <= BLOCK:
            return self._evaluate(t)
        first = self._evaluate(t[:BLOCK])
        out = np.empty(len(t), dtype=first.dtype)
        out[:BLOCK] = first
        for start in range(BLOCK, len(t), BLOCK):  # in order: the first failure is raised
            part = self._evaluate(t[start:start + BLOCK])
            if part.dtype != out.dtype:  # int ** negative int: float here, so float throughout
                out = out.astype(np.float64)
            out[start:start + BLOCK] = part
        return out

    def _evaluate(self, t: np.ndarray) -> np.ndarray:
        import numpy as np

        ev = _Evaluator(t, self.source)
        value = ev.eval(self.tree.body)
        out = np.broadcast_to(value.array, t.shape)
        bad = np.broadcast_to(value.bad, t.shape) if value.bad is not None else None
        if bad is not None and bad.any():
            i = int(np.argmax(bad != 0))
            raise ExprError(f"{self.source!r} fails at {VARIABLES[0]} = {int(t[i])}: "
                            f"{ev.reasons[int(bad[i]) - 1]}")
        if value.type == "float":
            finite = np.isfinite(out)
            if not finite.all():
                i = int(np.argmax(~finite))
                raise ExprError(f"{self.source!r} is {float(out[i])} at {VARIABLES[0]} = "
                                f"{int(t[i])}; it must be a finite number at every step")
            return np.array(out, dtype=np.float64)
        return np.array(out, dtype=np.int64)


def parse(source: Any) -> Expression:
    """Check ``source`` against the whitelist; raise :class:`ExprError` pointing at the problem."""
    if not isinstance(source, str):
        raise ExprError("expected an expression as text, such as '0.95 ** epoch'")
    return _parse(source.strip())


@lru_cache(maxsize=256)
def _parse(source: str) -> Expression:
    if not source:
        raise ExprError("empty expression; write a formula of epoch such as '0.95 ** epoch'")
    if len(source) > MAX_LENGTH:
        raise ExprError(f"expression longer than {MAX_LENGTH} characters")
    if "\n" in source or "\r" in source:
        raise ExprError("an expression is one line")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        column = exc.offset or 1
        raise ExprError(f"{source!r}: invalid syntax at column {column}"
                        f"{': ' + exc.msg if exc.msg and exc.msg != 'invalid syntax' else ''}"
                        ) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExprError(f"{source!r}: cannot parse (too deeply nested?)") from None
    depth = _depth(tree.body)
    if depth > MAX_DEPTH:
        raise ExprError(f"{_short(source)}: nested {depth} levels deep, more than the "
                        f"{MAX_DEPTH} an expression may have; write it more simply")
    _Checker(source).visit(tree.body)
    return Expression(source, tree)


def _depth(root: ast.AST) -> int:
    """The depth of a syntax tree, measured without recursion."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _short(source: str) -> str:
    return repr(source) if len(source) <= 60 else repr(source[:60]) + "..."


class _Checker:
    def __init__(self, source: str):
        self.source = source

    def refuse(self, node: ast.AST, what: str) -> None:
        column = getattr(node, "col_offset", 0) + 1
        end = getattr(node, "end_col_offset", None)
        piece = self.source[column - 1:end] if end else ""
        shown = f" ({piece!r})" if piece and piece != self.source else ""
        raise ExprError(f"{self.source!r}, column {column}{shown}: {what} is not allowed; "
                        f"an expression may use {_accepted()}")

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                what = "a string" if isinstance(value, (str, bytes)) else \
                    f"the constant {value!r}"
                self.refuse(node, what)
            if isinstance(value, int) and abs(value) > MAX_INT:
                self.refuse(node, f"an integer beyond 2**53 (write {float(value):g} instead)")
            if isinstance(value, float) and not math.isfinite(value):
                self.refuse(node, "a non-finite number")
        elif isinstance(node, ast.Name):
            if node.id not in VARIABLES and node.id not in CONSTANTS:
                hint = " (call it: cos(x))" if node.id in FUNCTIONS else ""
                self.refuse(node, f"the name {node.id!r}{hint}")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS:
                self.refuse(node, _WHAT.get(type(node.op), "this operator"))
            self.visit(node.left)
            self.visit(node.right)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
                self.refuse(node, _WHAT.get(type(node.op), "this operator"))
            self.visit(node.operand)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self.visit(value)
        elif isinstance(node, ast.Compare):
            for op in node.ops:
                if type(op) not in _CMPOPS:
                    self.refuse(node, _WHAT.get(type(op), "this comparison"))
            self.visit(node.left)
            for comparator in node.comparators:
                self.visit(comparator)
        elif isinstance(node, ast.IfExp):
            self.visit(node.test)
            self.visit(node.body)
            self.visit(node.orelse)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                self.refuse(func, f"attribute access (write {func.attr}(...), not "
                                  f"{ast.unparse(func)}(...))" if func.attr in FUNCTIONS
                            else "attribute access")
            if not isinstance(func, ast.Name):
                self.visit(func)  # refuses what it is (a lambda, a call, ...)
            if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
                name = func.id if isinstance(func, ast.Name) else ast.unparse(func)
                self.refuse(func, f"calling {name!r}")
            if node.keywords:
                self.refuse(node.keywords[0].value, "a keyword argument")
            for arg in node.args:
                if isinstance(arg, ast.Starred):
                    self.refuse(arg, "unpacking")
            wanted = (2, None) if func.id in ("min", "max") else (1, 1)
            count = len(node.args)
            if count < wanted[0] or (wanted[1] is not None and count > wanted[1]):
                need = "at least two arguments" if wanted[1] is None else "one argument"
                self.refuse(node, f"{func.id}() with {count} argument{'s' * (count != 1)} "
                                  f"({func.id} takes {need})")
            for arg in node.args:
                self.visit(arg)
        else:
            self.refuse(node, _WHAT.get(type(node), f"{type(node).__name__}"))


# -- evaluation ----------------------------------------------------------------------------------


@dataclass
class _Value:
    array: Any  # numpy array or numpy scalar
    type: str  # "bool", "int" or "float" (the Python type of every element)
    bad: Any = None  # None or an int array: 0 = fine, k = failed with reasons[k-1]


_RANK = {"bool": 0, "int": 1, "float": 2}


def _magnitude(values: Any) -> float:
    """The largest ``abs`` of an int array, as a float: ``|a| + |b|`` and ``|a| * |b|`` bound
    what ``a + b``, ``a - b`` and ``a * b`` can reach."""
    return float(max(-float(values.min()), float(values.max()))) if values.size else 0.0


class _Evaluator:
    def __init__(self, steps: np.ndarray, source: str):
        import numpy as np

        from lrplot import libm

        self.np, self.libm = np, libm
        self.steps = steps
        self.source = source
        self.reasons: list[str] = []

    # -- failure marks ---------------------------------------------------------------------

    def fail(self, where: Any, reason: str, node: ast.AST) -> Any:
        """A mark array: the reason's code where ``where`` holds, else 0 (None if nowhere)."""
        np = self.np
        where = np.asarray(where, dtype=bool)
        if not where.any():
            return None
        piece = ast.get_source_segment(self.source, node) or ""
        self.reasons.append(f"{reason} in {piece!r}" if piece and piece != self.source
                            else reason)
        return np.where(where, len(self.reasons), 0).astype(np.int32)

    def first(self, *marks: Any) -> Any:
        """Combine marks in evaluation order: the earliest failure of each element wins."""
        result = None
        for mark in marks:
            if mark is None:
                continue
            result = mark if result is None else self.np.where(result != 0, result, mark)
        return result

    def select(self, condition: Any, when_true: Any, when_false: Any) -> Any:
        """The marks of the branch actually taken."""
        np = self.np
        if when_true is None and when_false is None:
            return None
        zero = np.int32(0)
        return np.where(condition, zero if when_true is None else when_true,
                        zero if when_false is None else when_false).astype(np.int32)

    # -- nodes -----------------------------------------------------------------------------

    def eval(self, node: ast.AST) -> _Value:
        np = self.np
        if isinstance(node, ast.Constant):
            if isinstance(node.value, int):
                return _Value(np.int64(node.value), "int")
            return _Value(np.float64(node.value), "float")
        if isinstance(node, ast.Name):
            if node.id in CONSTANTS:
                return _Value(np.float64(CONSTANTS[node.id]), "float")
            return _Value(self.steps, "int")
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node, self.eval(node.left), self.eval(node.right))
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.BoolOp):
            return self.boolean(node)
        if isinstance(node, ast.IfExp):
            test = self.eval(node.test)
            body, orelse = self.eval(node.body), self.eval(node.orelse)
            cond = self.truthy(test)
            kind = self.common_type(body, orelse)
            array = np.where(cond, self.as_type(body, kind), self.as_type(orelse, kind))
            bad = self.first(test.bad, self.select(cond, body.bad, orelse.bad))
            return _Value(array, kind, bad)
        if isinstance(node, ast.Call):
            return self.call(node, [self.eval(a) for a in node.args])
        raise AssertionError(f"unchecked node {type(node).__name__}")  # pragma: no cover

    def truthy(self, value: _Value) -> Any:
        return value.array != 0  # NaN is truthy in Python, and NaN != 0 is True

    def common_type(self, *values: _Value) -> str:
        return max((v.type for v in values), key=_RANK.__getitem__)

    def as_type(self, value: _Value, kind: str) -> Any:
        np = self.np
        if kind == "float":
            return np.asarray(value.array, dtype=np.float64)
        if kind == "int":
            return np.asarray(value.array, dtype=np.int64)
        return value.array

    def check_int(self, array: Any, estimate: Any, node: ast.AST, bad: Any) -> Any:
        """Mark integer results whose magnitude (estimated in float) passes 2**53."""
        np = self.np
        with np.errstate(all="ignore"):
            too_big = ~(np.abs(estimate) <= MAX_INT)
        if bad is not None:
            too_big = too_big & (bad == 0)
        return self.first(bad, self.fail(
            too_big, "integer result beyond 2**53 (use a float literal, e.g. 3.0 instead of 3)",
            node))

    def unary(self, node: ast.UnaryOp) -> _Value:
        np = self.np
        operand = self.eval(node.operand)
        if isinstance(node.op, ast.Not):
            return _Value(~np.asarray(self.truthy(operand)), "bool", operand.bad)
        kind = "int" if operand.type == "bool" else operand.type
        array = self.as_type(operand, kind)
        return _Value(-array if isinstance(node.op, ast.USub) else +array, kind, operand.bad)

    def binary(self, node: ast.BinOp, left: _Value, right: _Value) -> _Value:
        np, libm = self.np, self.libm
        op = type(node.op)
        bad = self.first(left.bad, right.bad)
        ints = left.type != "float" and right.type != "float"
        a = self.as_type(left, "int" if ints else "float")
        b = self.as_type(right, "int" if ints else "float")
        with np.errstate(all="ignore"):
            if op in (ast.Add, ast.Sub, ast.Mult):
                f = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply}[op]
                result = f(a, b)
                if not ints:
                    return _Value(result, "float", bad)
                bound = (np.multiply if op == ast.Mult else np.add)(_magnitude(a), _magnitude(b))
                if bound <= MAX_INT:  # no element can pass it: spare the element-wise estimate
                    return _Value(result, "int", bad)
                estimate = f(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
                return _Value(result, "int", self.check_int(result, estimate, node, bad))
            fa, fb = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
            if op in (ast.Div, ast.FloorDiv, ast.Mod):
                zero = fb == 0
                divide_by_zero = self.fail(zero, "division by zero", node)
                if divide_by_zero is not None:
                    bad = self.first(bad, divide_by_zero)
                    b, fb = np.where(zero, 1, b), np.where(zero, 1.0, fb)
                if op == ast.Div:
                    return _Value(np.true_divide(fa, fb), "float", bad)
                f = np.floor_divide if op == ast.FloorDiv else np.remainder
                return _Value(f(a, b) if ints else f(fa, fb), "int" if ints else "float", bad)
            # power
            if ints:
                negative = fb < 0
                estimate = np.power(np.abs(fa), np.where(negative, 0.0, fb))
                exact = np.where(negative | ~(estimate <= MAX_INT), 0, b)
                int_result = np.power(a, exact)
                if negative.any():  # int ** negative int is float division in Python
                    bad = self.first(bad, self.fail(negative & (fa == 0),
                                                    "zero to a negative power", node))
                    floats = libm.power(fa, fb)
                    big = self.check_int(int_result, np.where(negative, 0.0, estimate), node,
                                         None)
                    return _Value(np.where(negative, floats, int_result), "float",
                                  self.first(bad, big))
                return _Value(int_result, "int", self.check_int(int_result, estimate, node, bad))
            result = libm.power(fa, fb)
            fractional = (fa < 0) & (fb != np.floor(fb)) & np.isfinite(fb)
            bad = self.first(
                bad,
                self.fail((fa == 0) & (fb < 0), "zero to a negative power", node),
                self.fail(fractional, "a negative number to a fractional power", node),
                self.fail(np.isinf(result) & np.isfinite(fa) & np.isfinite(fb),
                          "overflow", node))
            return _Value(result, "float", bad)

    def compare(self, node: ast.Compare) -> _Value:
        np = self.np
        ops = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater,
               ast.GtE: np.greater_equal, ast.Eq: np.equal, ast.NotEq: np.not_equal}
        left = self.eval(node.left)
        bad = left.bad
        result = None  # elements still evaluating (all True so far)
        for op, comparator in zip(node.ops, node.comparators):
            right = self.eval(comparator)
            # Python only evaluates this comparator where the chain is still true.
            live = True if result is None else result
            bad = self.first(bad, self.select(live, right.bad, None))
            kind = self.common_type(left, right)
            outcome = ops[type(op)](self.as_type(left, kind), self.as_type(right, kind))
            result = outcome if result is None else (result & outcome)
            left = right
        return _Value(np.asarray(result), "bool", bad)

    def boolean(self, node: ast.BoolOp) -> _Value:
        np = self.np
        values = [self.eval(v) for v in node.values]
        kind = self.common_type(*values)
        is_and = isinstance(node.op, ast.And)
        # Fold from the right: a and (b and c); the result is the first deciding operand.
        current = values[-1]
        array, bad = self.as_type(current, kind), current.bad
        for value in reversed(values[:-1]):
            truth = self.truthy(value)
            go_on = truth if is_and else ~truth
            array = np.where(go_on, array, self.as_type(value, kind))
            bad = self.first(value.bad, self.select(go_on, bad, None))
        return _Value(array, kind, bad)

    def call(self, node: ast.Call, args: list[_Value]) -> _Value:
        np, libm = self.np, self.libm
        name = node.func.id  # type: ignore[attr-defined]
        bad = self.first(*(a.bad for a in args))
        if name in ("min", "max"):
            kind = self.common_type(*args)
            current = self.as_type(args[0], kind)
            better = np.less if name == "min" else np.greater
            for arg in args[1:]:  # Python keeps the first extreme: replace only if strictly better
                item = self.as_type(arg, kind)
                current = np.where(better(item, current), item, current)
            return _Value(current, kind, bad)
        if name == "abs":
            kind = "int" if args[0].type == "bool" else args[0].type
            return _Value(np.abs(self.as_type(args[0], kind)), kind, bad)
        x = np.asarray(args[0].array, dtype=np.float64)
        with np.errstate(all="ignore"):
            if name in ("floor", "ceil"):
                if args[0].type != "float":  # math.floor(int) is the int itself
                    return _Value(self.as_type(args[0], "int"), "int", bad)
                result = (np.floor if name == "floor" else np.ceil)(x)
                bad = self.first(bad, self.fail(~np.isfinite(x), f"{name} of a non-finite "
                                                                   "number", node))
                safe = np.where(np.isfinite(result), result, 0.0)
                return _Value(safe.astype(np.int64), "int",
                              self.check_int(None, safe, node, bad))
            result = (np.sqrt if name == "sqrt" else getattr(libm, name))(x)
            if name in ("log", "log10"):
                problem = self.fail(~(x > 0) & ~np.isnan(x), "log of a number <= 0", node)
            elif name == "sqrt":
                problem = self.fail(x < 0, "sqrt of a negative number", node)
            elif name == "exp":
                problem = self.fail(np.isinf(result) & np.isfinite(x), "overflow", node)
            else:
                problem = self.fail(np.isinf(x), f"{name} of an infinite number", node)
        return _Value(result, "float", self.first(bad, problem))
