"""detectron2's LazyConfig ``.py`` files, read as data: never imported, never run.

``tools/lazyconfig_train_net.py`` trains ``cfg.train.max_iter`` iterations with the optimizer
``cfg.optimizer`` (its ``lr`` is the base lr) and ``LRMultiplier(optimizer,
instantiate(cfg.lr_multiplier), max_iter)`` (detectron2's LRScheduler hook). This module
evaluates the parts of a config that hold those, with :mod:`ast`:

- literals, ``dict(...)``, lists, comprehensions over lists, and arithmetic on numbers (checked
  and computed by :mod:`lrplot.expr`'s whitelist);
- ``L(Class)(key=value, ...)`` (LazyCall) as a mapping with ``_target_``, as detectron2 makes it;
- ``name.attr = value``, ``name.attr *= 4``, chained ``a = b = value``;
- ``from ..common.coco_schedule import lr_multiplier_1x as lr_multiplier``: the file at hand
  (relative to the importing file, as detectron2's LazyConfig resolves it), read the same way,
  only when a value from it is needed;
- calls of functions the files define (``default_X_scheduler(1)``): their ``if``/``else``,
  assignments and ``return``, with the arguments bound.

Anything else (lambdas, calls of other code, imports of modules that are not config files) is
an opaque value: an error naming its line if the schedule needs it, ignored otherwise.
"""

from __future__ import annotations

import ast
import copy
import os
from dataclasses import dataclass, field
from typing import Any

from lrplot.problems import Problem, SpecError
from lrplot.readers.run import Explanation, RunFacts
from lrplot.readers.source import Output, Source
from lrplot.yamlio import Document, Mark

MAX_DEPTH = 40
"""Nested calls and imports followed at most (a recursion in a config is an error)."""


def is_lazyconfig(text: str) -> bool:
    """A detectron2 LazyConfig: it uses LazyCall, or names lr_multiplier (set or imported)."""
    return "LazyCall" in text or "lr_multiplier" in text


@dataclass(eq=False)
class Node(dict):
    """A mapping a config builds (``dict(...)``, ``L(X)(...)``), with the mark of each key."""

    marks: dict[str, Mark] = field(default_factory=dict)
    made: Mark | None = None

    def __hash__(self) -> int:  # pragma: no cover - nodes are not used as keys
        return id(self)


@dataclass(frozen=True)
class Symbol:
    """A name from code that is not a config (``detectron2.solver.WarmupParamScheduler``)."""

    path: str


@dataclass(frozen=True)
class LazyCaller:
    """``L(target)``: calling it makes a :class:`Node` with ``_target_``."""

    target: str


@dataclass(frozen=True)
class Opaque:
    """A value lrplot does not evaluate, and why, and where."""

    why: str
    where: str


@dataclass(frozen=True)
class Function:
    node: ast.FunctionDef
    module: "Module"


class _Return(Exception):
    def __init__(self, value: Any):
        self.value = value


class Module:
    """One config file's top-level names, evaluated statement by statement."""

    def __init__(self, path: str, loader: "Loader", depth: int):
        self.path = path
        self.loader = loader
        self.depth = depth
        self.names: dict[str, Any] = {}
        self.marks: dict[str, Mark] = {}
        self.imports: dict[str, tuple[str, str]] = {}  # name -> (file, name there), unread

    def mark(self, node: ast.AST) -> Mark:
        return Mark(self.path, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1)

    def where(self, node: ast.AST) -> str:
        return str(self.mark(node))

    # -- statements -------------------------------------------------------------------------

    def run(self, body: list[ast.stmt], scope: dict[str, Any]) -> None:
        for statement in body:
            self.statement(statement, scope)

    def statement(self, s: ast.stmt, scope: dict[str, Any]) -> None:
        if isinstance(s, ast.ImportFrom):
            for alias in s.names:
                name = alias.asname or alias.name
                if s.level:
                    base = os.path.dirname(self.path)
                    for _ in range(s.level - 1):
                        base = os.path.dirname(base)
                    file = os.path.join(base, *(s.module or "").split(".")) + ".py"
                    self.imports[name] = (file, alias.name)
                    scope.pop(name, None)
                else:
                    scope[name] = Symbol(f"{s.module}.{alias.name}")
        elif isinstance(s, ast.Import):
            for alias in s.names:
                scope[alias.asname or alias.name.split(".")[0]] = Symbol(
                    alias.name if alias.asname else alias.name.split(".")[0])
        elif isinstance(s, ast.FunctionDef):
            scope[s.name] = Function(s, self)
        elif isinstance(s, ast.Assign):
            value = self.value(s.value, scope)
            for target in s.targets:
                self.assign(target, value, scope, s)
        elif isinstance(s, ast.AnnAssign) and s.value is not None:
            self.assign(s.target, self.value(s.value, scope), scope, s)
        elif isinstance(s, ast.AugAssign):
            current = self.value(s.target, scope) if not isinstance(s.target, ast.Subscript) \
                else Opaque("a subscript", self.where(s))
            value = self.binop(current, s.op, self.value(s.value, scope), s)
            self.assign(s.target, value, scope, s)
        elif isinstance(s, ast.If):
            test = self.value(s.test, scope)
            if isinstance(test, Opaque):
                raise SpecError([Problem(self.where(s), f"cannot decide this if: {test.why}")])
            self.run(s.body if test else s.orelse, scope)
        elif isinstance(s, ast.Return):
            raise _Return(self.value(s.value, scope) if s.value else None)
        # expressions (docstrings, calls for their effects), classes, loops: not data

    def assign(self, target: ast.expr, value: Any, scope: dict[str, Any], s: ast.stmt) -> None:
        if isinstance(target, ast.Name):
            scope[target.id] = value
            self.imports.pop(target.id, None)
            if scope is self.names:
                self.marks[target.id] = self.mark(s)
        elif isinstance(target, ast.Attribute):
            owner = self.value(target.value, scope)
            if isinstance(owner, Node):
                owner[target.attr] = value
                owner.marks[target.attr] = self.mark(s)
        # tuples, subscripts: not the schedule's

    # -- expressions ------------------------------------------------------------------------

    def lookup(self, name: str, scope: dict[str, Any], node: ast.AST) -> Any:
        if name in scope:
            return scope[name]
        if scope is not self.names and name in self.names:
            return self.names[name]
        if name in self.imports:
            file, there = self.imports.pop(name)
            value = self.loader.imported(file, there, self, node)
            self.names[name] = value
            return value
        return Opaque(f"{name!r} is not defined in the config", self.where(node))

    def value(self, node: ast.expr, scope: dict[str, Any]) -> Any:
        try:
            return ast.literal_eval(node)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            pass
        if isinstance(node, ast.Name):
            return self.lookup(node.id, scope, node)
        if isinstance(node, ast.Attribute):
            owner = self.value(node.value, scope)
            if isinstance(owner, Node):
                if node.attr in owner:
                    return owner[node.attr]
                return Opaque(f"no {node.attr!r} here", self.where(node))
            if isinstance(owner, Symbol):
                return Symbol(f"{owner.path}.{node.attr}")
            return owner if isinstance(owner, Opaque) else \
                Opaque(f"attribute {node.attr!r} of a non-config value", self.where(node))
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [self.value(e, scope) for e in node.elts]
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.Dict):
            out = Node(made=self.mark(node))
            for k, v in zip(node.keys, node.values):
                key = self.value(k, scope) if k is not None else None
                if isinstance(key, str):
                    out[key] = self.value(v, scope)
                    out.marks[key] = self.mark(v)
            return out
        if isinstance(node, ast.BinOp):
            return self.binop(self.value(node.left, scope), node.op,
                              self.value(node.right, scope), node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.value(node.operand, scope)
            if _number(operand):
                return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return self.compare(self.value(node.left, scope), node.ops[0],
                                self.value(node.comparators[0], scope), node)
        if isinstance(node, ast.ListComp) and len(node.generators) == 1 and \
                not node.generators[0].ifs and isinstance(node.generators[0].target, ast.Name):
            generator = node.generators[0]
            items = self.value(generator.iter, scope)
            if isinstance(items, (list, tuple)):
                out = []
                for item in items:
                    inner = {**scope, generator.target.id: item}  # type: ignore[union-attr]
                    out.append(self.value(node.elt, inner))
                return out
        if isinstance(node, ast.Call):
            return self.call(node, scope)
        return Opaque(f"{type(node).__name__.lower()} expressions are not read",
                      self.where(node))

    def call(self, node: ast.Call, scope: dict[str, Any]) -> Any:
        function = self.value(node.func, scope)
        if any(isinstance(k.arg, type(None)) for k in node.keywords) or \
                any(isinstance(a, ast.Starred) for a in node.args):
            return Opaque("* and ** arguments are not read", self.where(node))
        args = [self.value(a, scope) for a in node.args]
        kwargs = {k.arg: self.value(k.value, scope) for k in node.keywords}
        if isinstance(function, Symbol) and function.path.rsplit(".", 1)[-1] in (
                "LazyCall", "L") and len(args) == 1 and not kwargs:
            target = args[0]
            return LazyCaller(target.path if isinstance(target, Symbol) else repr(target))
        if isinstance(function, LazyCaller) or (isinstance(function, Symbol) and
                                                function.path == "builtins.dict") or \
                (isinstance(node.func, ast.Name) and node.func.id == "dict" and
                 "dict" not in scope and "dict" not in self.names):
            if args:
                return Opaque("positional arguments of a lazy call are not read",
                              self.where(node))
            out = Node(made=self.mark(node))
            if isinstance(function, LazyCaller):
                out["_target_"] = function.target
            for k in node.keywords:
                out[k.arg] = kwargs[k.arg]  # type: ignore[index]
                out.marks[k.arg] = self.mark(k.value)  # type: ignore[index]
            return out
        if isinstance(function, Function):
            return self.loader.called(function, args, kwargs, node, self)
        return Opaque("a call of code lrplot does not run", self.where(node))

    def binop(self, left: Any, op: ast.operator, right: Any, node: ast.AST) -> Any:
        if isinstance(left, list) and isinstance(right, list) and isinstance(op, ast.Add):
            return left + right
        if not (_number(left) and _number(right)):
            return Opaque("arithmetic on values that are not numbers", self.where(node))
        return _arithmetic(left, op, right, self.where(node))

    def compare(self, left: Any, op: ast.cmpop, right: Any, node: ast.AST) -> Any:
        if not (_number(left) and _number(right)):
            return Opaque("a comparison of values that are not numbers", self.where(node))
        table = {ast.Lt: left < right, ast.LtE: left <= right, ast.Gt: left > right,
                 ast.GtE: left >= right, ast.Eq: left == right, ast.NotEq: left != right}
        return table.get(type(op), Opaque("a comparison lrplot does not read",
                                          self.where(node)))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _arithmetic(left: Any, op: ast.operator, right: Any, where: str) -> Any:
    """``left op right`` through lrplot.expr's whitelist (the operator checked there)."""
    import numpy as np

    from lrplot import expr

    text = ast.unparse(ast.BinOp(ast.Constant(left), op, ast.Constant(right)))
    try:
        result = expr.parse(text).evaluate(np.zeros(1, dtype=np.int64))
    except (expr.ExprError, ValueError, TypeError, OverflowError, ZeroDivisionError) as exc:
        raise SpecError([Problem(where, f"cannot compute {text}: {exc}")]) from None
    value = result[0] if np.ndim(result) else result
    if isinstance(left, int) and isinstance(right, int) and not isinstance(op, ast.Div) \
            and float(value) == int(value):
        return int(value)
    return float(value)


class Loader:
    """The files of one read: each evaluated once, imports copied (detectron2 loads a config
    file afresh for each import)."""

    def __init__(self) -> None:
        self.modules: dict[str, Module] = {}

    def load(self, path: str, depth: int = 0, text: str | None = None) -> Module:
        from lrplot import inputs, yamlio

        real = os.path.realpath(path)
        if real in self.modules:
            return self.modules[real]
        if depth > MAX_DEPTH:
            raise SpecError([Problem(path, "imports nest too deeply (a cycle?)")])
        if text is None:
            refusal = inputs.regular_problem(path)
            if refusal:
                raise SpecError([Problem(path, refusal)])
            text = yamlio.read_config(path).decode("utf-8", errors="replace")
        try:
            tree = ast.parse(text, filename=path)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            line = getattr(exc, "lineno", None) or 1
            raise SpecError([Problem(f"{path}:{line}:1", f"not valid Python: "
                                                         f"{getattr(exc, 'msg', exc)}")]) from None
        module = Module(path, self, depth)
        self.modules[real] = module
        try:
            module.run(tree.body, module.names)
        except _Return:
            pass
        except RecursionError:
            raise SpecError([Problem(path, "the config nests too deeply to read")]) from None
        return module

    def imported(self, file: str, name: str, into: Module, node: ast.AST) -> Any:
        if not os.path.isfile(file):
            return Opaque(f"{os.path.relpath(file, os.path.dirname(into.path))} is not at hand",
                          into.where(node))
        module = self.load(file, into.depth + 1)
        if name not in module.names and name in module.imports:
            module.lookup(name, module.names, node)
        if name not in module.names:
            return Opaque(f"{name!r} is not defined in {file}", into.where(node))
        return copy.deepcopy(module.names[name])

    def called(self, function: Function, args: list, kwargs: dict, node: ast.Call,
               caller: Module) -> Any:
        spec = function.node.args
        names = [a.arg for a in spec.args]
        if len(args) > len(names) or any(k not in names for k in kwargs):
            return Opaque(f"arguments {function.node.name}() does not take",
                          caller.where(node))
        scope: dict[str, Any] = dict(zip(names, args))
        scope.update(kwargs)
        defaults = spec.defaults
        for name, default in zip(names[len(names) - len(defaults):], defaults):
            if name not in scope:
                scope[name] = function.module.value(default, function.module.names)
        if any(n not in scope for n in names):
            return Opaque(f"a missing argument of {function.node.name}()", caller.where(node))
        caller.depth += 1
        if caller.depth > MAX_DEPTH:
            raise SpecError([Problem(caller.where(node), "calls nest too deeply (recursion)")])
        try:
            function.module.run(function.node.body, scope)
        except _Return as done:
            return done.value
        finally:
            caller.depth -= 1
        return None


# -- the document and the reader ------------------------------------------------------------


def config_document(text: str, path: str) -> Document:
    """A LazyConfig as a document: the top-level names the schedule needs (``lr_multiplier``,
    ``train``, ``optimizer``), evaluated; the reader checks them."""
    loader = Loader()
    module = loader.load(path, text=text)
    data: dict[str, Any] = {"__lazyconfig__": True}
    marks: dict[tuple, Mark] = {(): Mark(path, 1, 1)}
    for name in ("lr_multiplier", "train", "optimizer"):
        value = module.lookup(name, module.names, ast.Name(name, lineno=1, col_offset=0)) \
            if name in module.names or name in module.imports else None
        if value is None:
            continue
        data[name] = value
        if name in module.marks:
            marks[(name,)] = module.marks[name]
        elif isinstance(value, Node) and value.made:
            marks[(name,)] = value.made
        _node_marks(value, (name,), marks)
    return Document(data, marks, path, os.path.dirname(path))


def _node_marks(value: Any, path: tuple, marks: dict[tuple, Mark]) -> None:
    if isinstance(value, Node):
        for key, mark in value.marks.items():
            marks[path + (key,)] = mark
            _node_marks(value.get(key), path + (key,), marks)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _node_marks(item, path + (i,), marks)


SCHEDULER_KEYS = {"scheduler", "schedulers"}


def _child(source: Source, value: Any, path: tuple) -> dict[str, Any]:
    """An fvcore param scheduler ``L(Class)(...)`` as an lrplot child mapping."""
    from lrplot import schedules

    if isinstance(value, Opaque):
        raise source.fail(path, f"the schedule needs this value, which lrplot does not read: "
                                f"{value.why} ({value.where})")
    if not isinstance(value, Node) or "_target_" not in value:
        raise source.fail(path, "expected an fvcore param scheduler, L(Class)(...)")
    target = str(value["_target_"])
    cls = target.rsplit(".", 1)[-1]
    try:
        kind = schedules.get(f"detectron2.{cls}")
    except schedules.UnknownKind:
        kind = None
    if kind is None or kind.refused_as_child:
        known = [k.framework_class for k in schedules.all_kinds()
                 if k.framework == "detectron2" and not k.refused_as_child]
        raise source.fail(path + ("_target_",), f"{target}: not an fvcore param scheduler "
                                                f"lrplot knows ({', '.join(known)})")
    out: dict[str, Any] = {"type": kind.name}
    for key, item in value.items():
        if key == "_target_":
            continue
        if key in SCHEDULER_KEYS:
            items = item if isinstance(item, list) else [item]
            out[key] = [_child(source, c, path + (key,) + ((i,) if isinstance(item, list)
                                                             else ()))
                        for i, c in enumerate(items)]
        else:
            out[key] = _plain(source, item, path + (key,))
    return out


def _plain(source: Source, value: Any, path: tuple) -> Any:
    if isinstance(value, Opaque):
        raise source.fail(path, f"the schedule needs this value, which lrplot does not read: "
                                f"{value.why} ({value.where})")
    if isinstance(value, (list, tuple)):
        return [_plain(source, v, path + (i,)) for i, v in enumerate(value)]
    if isinstance(value, (Node, Symbol, LazyCaller, Function)):
        raise source.fail(path, "expected a number, a name or a list of numbers here")
    return value


def read(doc: Document, facts: RunFacts) -> tuple[Document, Explanation]:
    source = Source(doc)
    ex = Explanation()
    rules = "tools/lazyconfig_train_net.py + LRScheduler hook, detectron2 @ 02b5c4e"
    if facts.interval is not None or facts.epochs is not None:
        raise source.fail((), "--interval/--epochs: detectron2 counts iterations "
                              "(train.max_iter); give --max-steps to change them")
    if "lr_multiplier" not in source.data:
        raise source.fail((), "no lr_multiplier in this LazyConfig (nor in the files it "
                              "imports): detectron2's training script needs one")
    child = _child(source, source.data["lr_multiplier"], ("lr_multiplier",))
    ex.add("lr_multiplier", child["type"], "", source.at(("lr_multiplier",)))
    if facts.max_steps is not None:
        max_iter = ex.add("train.max_iter", facts.max_steps, "", "--max-steps")
    else:
        train = source.get(("train",))
        got = source.get(("train", "max_iter"))
        if not isinstance(train, Node) or isinstance(got, Opaque) or got is None:
            raise source.fail(("train",) if isinstance(train, Node) else (),
                              "no train.max_iter this config sets (or imports from "
                              "common/train.py); give --max-steps")
        number = source.number(("train", "max_iter"), None, "", integer=True, minimum=1)
        source.raise_if_any()
        max_iter = ex.read("train.max_iter", number)
    optimizer = source.get(("optimizer",))
    lr = source.get(("optimizer", "lr"))
    if facts.learning_rate is not None:
        base_lr = ex.add("optimizer.lr", facts.learning_rate, "", "--learning-rate")
    elif isinstance(optimizer, Node) and lr is not None and not isinstance(lr, Opaque):
        got = source.number(("optimizer", "lr"), None, "", minimum=0)
        source.raise_if_any()
        base_lr = ex.read("optimizer.lr", got)
    else:
        raise source.fail(("optimizer",) if isinstance(optimizer, Node) else (),
                          "no optimizer.lr this config sets (or imports from "
                          "common/optim.py); give --learning-rate")
    base_lr, bias_lr = _groups(source, ex, base_lr)
    out = Output(source)
    out.figure("steps", ex.add("steps", max_iter, "", f"train.max_iter: {rules} trains "
                               "iterations 0..max_iter-1"), ("train", "max_iter"))
    out.figure("base_lr", float(base_lr), ("optimizer", "lr"))
    curve = {"type": "detectron2.lr_multiplier", "multiplier": [child], "max_iter": max_iter}
    origins = {"multiplier": ("lr_multiplier",), "max_iter": ("train", "max_iter")}
    if bias_lr is None:
        out.curve(curve, origins, ("lr_multiplier",))
    else:
        out.curve({**curve, "label": "params"}, origins, ("lr_multiplier",))
        out.curve({**curve, "label": "bias", "base_lr": float(bias_lr)}, origins,
                  ("optimizer", "params", "bias_lr_factor"))
    ex.add("schedule", "detectron2.lr_multiplier", "", "LRMultiplier(optimizer, "
           "instantiate(cfg.lr_multiplier), cfg.train.max_iter)")
    return out.document(), ex


def _groups(source: Source, ex: Explanation, lr: float) -> tuple[float, float | None]:
    """The groups ``get_default_optimizer_params`` builds (``optimizer.params``): its
    ``base_lr`` sets every group's lr (``"${..lr}"``: the optimizer's), and a
    ``bias_lr_factor`` other than 1 gives the biases ``base_lr x bias_lr_factor``."""
    params = source.get(("optimizer", "params"))
    if not isinstance(params, Node):
        return lr, None
    where = "get_default_optimizer_params, detectron2/solver/build.py"
    base = params.get("base_lr")
    if isinstance(base, str) and base.strip() == "${..lr}":
        base = lr
    elif base is not None:
        got = source.number(("optimizer", "params", "base_lr"), None, "", minimum=0)
        source.raise_if_any()
        lr = base = ex.read("optimizer.params.base_lr", got)
    if params.get("lr_factor_func") is not None:
        ex.note("optimizer.params.lr_factor_func scales each parameter's lr by its name (layer "
                "decay); the curve is the lr before that factor")
    factor = params.get("bias_lr_factor")
    if factor is None or factor == 1.0:
        return lr, None
    got = source.number(("optimizer", "params", "bias_lr_factor"), None, "", minimum=0)
    source.raise_if_any()
    if base is None:
        raise source.fail(("optimizer", "params", "bias_lr_factor"),
                          "bias_lr_factor requires base_lr (get_default_optimizer_params raises)")
    bias = ex.add("bias lr", lr * got.value, f"{lr} x {got.value}", where)
    return lr, bias
