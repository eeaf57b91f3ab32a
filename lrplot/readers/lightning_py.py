"""A LightningModule's ``configure_optimizers``, read from its ``.py`` file as data (``ast``;
the file is never imported or run).

What is read: the optimizer's class and ``lr``, the scheduler's class and keyword arguments, and
the ``interval`` / ``frequency`` of the returned scheduler dict. A value may be a literal, a name
bound (in the method) to one, or ``self.trainer.estimated_stepping_batches`` (optionally in
``int(...)``), which becomes the run's optimizer steps. Anything else is an error at its
file:line:col that says what is accepted. The result is the document a LightningCLI YAML would
be (``optimizer``, ``lr_scheduler``), so :mod:`lrplot.readers.lightning` derives the run from
the flags the same way.
"""

from __future__ import annotations

import ast
from typing import Any

from lrplot.problems import Problem, SpecError
from lrplot.yamlio import Document, Mark

MARKER = "__lightning_py__"
"""Key of a document read from Python (holds the returned ``interval`` and ``frequency``)."""

STEPS = "__estimated_stepping_batches__"
"""Stands for ``self.trainer.estimated_stepping_batches`` until the run's steps are known."""

ACCEPTED = ("a literal, a name bound to one in configure_optimizers, "
            "self.trainer.estimated_stepping_batches, or self.hparams.NAME with a LightningCLI "
            "YAML whose model.init_args give it")


def is_module(text: str) -> bool:
    """A Python file with a ``configure_optimizers`` method."""
    return "def configure_optimizers" in text


class _Reader:
    def __init__(self, file: str, hparams: dict[str, Any] | None = None):
        self.file = file
        self.hparams = hparams  # the LightningCLI YAML's model.init_args, when combined
        self.names: dict[str, ast.expr] = {}
        self.marks: dict[tuple, Mark] = {}

    def mark(self, node: ast.AST) -> Mark:
        return Mark(self.file, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1)

    def fail(self, node: ast.AST, message: str) -> SpecError:
        return SpecError([Problem(str(self.mark(node)), message)])

    def value(self, node: ast.expr, seen: tuple[str, ...] = ()) -> Any:
        """The value of an argument expression (:data:`ACCEPTED`)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool)):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.value(node.operand, seen)
            if isinstance(inner, (int, float)) and not isinstance(inner, bool):
                return -inner
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(item, seen) for item in node.elts]
        if isinstance(node, ast.Name) and node.id in self.names and node.id not in seen:
            return self.value(self.names[node.id], seen + (node.id,))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id == "int" and len(node.args) == 1 and not node.keywords:
            inner = self.value(node.args[0], seen)
            if inner == STEPS or isinstance(inner, int):
                return inner
        if ast.unparse(node) == "self.trainer.estimated_stepping_batches":
            return STEPS
        name = _hparam(node)
        if name is not None and self.hparams is not None:
            if name in self.hparams:
                return self.hparams[name]
            raise self.fail(node, f"self.hparams.{name}: not in the config's model.init_args "
                                  f"(given: {', '.join(self.hparams) or 'none'})")
        raise self.fail(node, f"{ast.unparse(node)}: cannot be read without running the "
                              f"code (accepted: {ACCEPTED})")

    def call(self, node: ast.expr, what: str) -> ast.Call:
        """The constructor call a name (or the expression itself) is bound to."""
        seen = set()
        while isinstance(node, ast.Name) and node.id in self.names and node.id not in seen:
            seen.add(node.id)
            node = self.names[node.id]
        if not isinstance(node, ast.Call):
            raise self.fail(node, f"{ast.unparse(node)}: expected the {what}'s constructor "
                                  f"call (e.g. torch.optim.lr_scheduler.CosineAnnealingLR("
                                  f"optimizer, T_max=...)) in configure_optimizers")
        return node

    def returned(self, node: ast.expr) -> tuple[ast.expr, ast.expr, dict[str, ast.expr]]:
        """(optimizer, scheduler, scheduler dict entries) of the returned value."""
        written = node
        node = self.names.get(node.id, node) if isinstance(node, ast.Name) else node
        if isinstance(node, ast.Dict):
            entries = self.entries(node)
            if "optimizer" in entries and "lr_scheduler" in entries:
                optimizer, scheduler = entries["optimizer"], entries["lr_scheduler"]
                return (optimizer, *self.scheduler_config(scheduler))
        if isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) == 2 and \
                all(isinstance(e, (ast.List, ast.Tuple)) and len(e.elts) == 1
                    for e in node.elts):
            [optimizer], [scheduler] = (e.elts for e in node.elts)  # type: ignore[attr-defined]
            return (optimizer, *self.scheduler_config(scheduler))
        raise self.fail(written, "configure_optimizers must return {'optimizer': ..., "
                              "'lr_scheduler': ...} or ([optimizer], [scheduler]) with one "
                              "optimizer and one scheduler")

    def scheduler_config(self, node: ast.expr) -> tuple[ast.expr, dict[str, ast.expr]]:
        node = self.names.get(node.id, node) if isinstance(node, ast.Name) else node
        if isinstance(node, ast.Dict):
            entries = self.entries(node)
            if "scheduler" not in entries:
                raise self.fail(node, "the lr_scheduler dict has no 'scheduler'")
            return entries["scheduler"], entries
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "dict":
            entries = {k.arg: k.value for k in node.keywords if k.arg}
            if "scheduler" in entries:
                return entries["scheduler"], entries
        return node, {}

    def entries(self, node: ast.Dict) -> dict[str, ast.expr]:
        out = {}
        for key, value in zip(node.keys, node.values):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                raise self.fail(node, "a dict with a computed key cannot be read")
            out[key.value] = value
        return out


def _method(tree: ast.Module, file: str) -> ast.FunctionDef:
    found = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and
             n.name == "configure_optimizers"]
    if len(found) != 1:
        raise SpecError([Problem(file, f"expected one configure_optimizers method, found "
                                       f"{len(found)}")])
    return found[0]


def _hparam(node: ast.expr) -> str | None:
    """NAME of ``self.hparams.NAME`` or ``self.hparams["NAME"]``."""
    if isinstance(node, ast.Attribute) and ast.unparse(node.value) == "self.hparams":
        return node.attr
    if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "self.hparams" and \
            isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def with_model(doc: Document) -> Document | None:
    """A LightningCLI YAML without ``lr_scheduler`` combined with its model's
    ``configure_optimizers``: the module ``model.class_path`` names, as a .py file under the
    YAML's directory (``pkg.model.Net`` -> ``pkg/model.py``), read with ``model.init_args`` as
    ``self.hparams``; None when there is no such file."""
    import os

    from lrplot import inputs
    from lrplot.yamlio import read_config

    model = doc.data.get("model")
    path = model.get("class_path") if isinstance(model, dict) else None
    if not isinstance(path, str) or path.count(".") < 1:
        return None
    base = doc.base_dir or os.path.dirname(doc.file)
    file = os.path.join(base, *path.split(".")[:-1]) + ".py"
    if not os.path.isfile(file) or inputs.named_file_problem(file, doc.file):
        return None
    text = read_config(file).decode("utf-8", errors="replace")
    if not is_module(text):
        return None
    hparams = model.get("init_args") or {}
    code = module_document(text, file, hparams if isinstance(hparams, dict) else {})
    data = {**doc.data, **code.data}
    return Document(data, {**doc.marks, **{k: v for k, v in code.marks.items() if k}},
                    doc.file, doc.base_dir)


def module_document(text: str, file: str,
                    hparams: dict[str, Any] | None = None) -> Document:
    """:func:`_document`; code nested or chained too deep to follow is an error, not a crash."""
    try:
        return _document(text, file, hparams)
    except (RecursionError, MemoryError):
        raise SpecError([Problem(file, "configure_optimizers nests or chains names too deep "
                                       f"to read (accepted: {ACCEPTED})")]) from None


def _document(text: str, file: str, hparams: dict[str, Any] | None) -> Document:
    """The optimizer and scheduler of the file's ``configure_optimizers`` as a LightningCLI
    document (``optimizer`` / ``lr_scheduler`` with ``class_path`` and ``init_args``), every
    value marked where the code says it."""
    try:
        tree = ast.parse(text, file)
    except SyntaxError as exc:
        raise SpecError([Problem(f"{file}:{exc.lineno or 1}:{exc.offset or 1}",
                                 f"not valid Python: {exc.msg}")]) from None
    except (ValueError, RecursionError, MemoryError):  # a NUL byte; nesting too deep to parse
        raise SpecError([Problem(file, "not Python lrplot can read (a NUL byte, or nesting "
                                       "too deep)")]) from None
    method = _method(tree, file)
    reader = _Reader(file, hparams)
    result: ast.expr | None = None
    for statement in method.body:  # the method's straight-line code, in order
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and \
                isinstance(statement.targets[0], ast.Name):
            reader.names[statement.targets[0].id] = statement.value
        elif isinstance(statement, ast.Return) and statement.value is not None:
            result = statement.value
            break
    if result is None:
        raise reader.fail(method, "configure_optimizers returns no scheduler at its top level "
                                  "(a return inside if/for/with is not read)")
    optimizer_node, scheduler_node, config = reader.returned(result)
    optimizer = reader.call(optimizer_node, "optimizer")
    scheduler = reader.call(scheduler_node, "scheduler")
    marks: dict[tuple, Mark] = {(): Mark(file, method.lineno, method.col_offset + 1)}
    lr: dict[str, Any] = {}
    lr_node = next((k.value for k in optimizer.keywords if k.arg == "lr"),
                   optimizer.args[1] if len(optimizer.args) > 1 else None)
    lr_problem = ""
    if lr_node is not None:
        marks[("optimizer", "init_args", "lr")] = reader.mark(lr_node)
        try:
            lr["lr"] = reader.value(lr_node)
        except SpecError as exc:  # self.lr: the lr may still come from --learning-rate
            lr_problem = str(exc.problems[0])
    marks[("optimizer", "class_path")] = reader.mark(optimizer.func)
    marks[("lr_scheduler", "class_path")] = reader.mark(scheduler.func)
    args: dict[str, Any] = {}
    for keyword in scheduler.keywords:
        if keyword.arg is None:
            raise reader.fail(keyword.value, "**arguments cannot be read (accepted: keyword "
                                             "arguments)")
        if keyword.arg == "optimizer":
            continue
        args[keyword.arg] = reader.value(keyword.value)
        marks[("lr_scheduler", "init_args", keyword.arg)] = reader.mark(keyword.value)
    if len(scheduler.args) > 1:
        raise reader.fail(scheduler.args[1], "a scheduler argument after the optimizer must "
                                             "be given by keyword (T_max=...)")
    loop: dict[str, Any] = {}
    for key in ("interval", "frequency"):
        if key in config:
            loop[key] = reader.value(config[key])
            marks[(MARKER, key)] = reader.mark(config[key])
    if loop.get("interval", "epoch") not in ("step", "epoch"):
        raise reader.fail(config["interval"], "interval: expected 'step' or 'epoch'")
    if loop.get("frequency", 1) != 1:
        raise reader.fail(config["frequency"], "frequency other than 1 is not read yet "
                                               "(accepted: 1, Lightning's default)")
    data = {MARKER: {"interval": loop.get("interval", "epoch"), "lr_problem": lr_problem},
            "optimizer": {"class_path": ast.unparse(optimizer.func), "init_args": lr},
            "lr_scheduler": {"class_path": ast.unparse(scheduler.func), "init_args": args}}
    return Document(data, marks, file)


def read(doc: Document, facts: Any, read_config: Any) -> Any:
    """``read_config`` (the LightningCLI reader) on the document, with the interval the code
    returns and ``self.trainer.estimated_stepping_batches`` replaced by the run's optimizer
    steps, which the reader derives first from the flags (as Lightning's Trainer does)."""
    from dataclasses import replace

    mark = doc.marks.get((MARKER, "interval"))
    said: dict[str, str] = {}
    if facts.interval is None:  # the code's interval, not --interval
        said["interval"] = f"{mark}: configure_optimizers" if mark else \
            f"{doc.mark(())}: configure_optimizers returns no interval (Lightning's default)"
    if facts.learning_rate is not None:
        said["base_lr"] = "--learning-rate"
    facts = replace(facts, interval=facts.interval or doc.data[MARKER]["interval"])
    if facts.learning_rate is not None:  # the lr the code computes, given by its flag
        optimizer = {**doc.data["optimizer"], "init_args": {"lr": facts.learning_rate}}
        doc = Document({**doc.data, "optimizer": optimizer}, doc.marks, doc.file, doc.base_dir)
    elif doc.data[MARKER]["lr_problem"]:
        raise SpecError([Problem("", doc.data[MARKER]["lr_problem"] +
                                 "; or give the lr with --learning-rate X")])
    args = doc.data["lr_scheduler"]["init_args"]
    derived = [k for k, v in args.items() if v == STEPS]
    if not derived:
        return _sources(*read_config(doc, facts), said)

    def with_args(init_args: dict) -> Document:
        section = {**doc.data["lr_scheduler"], "init_args": init_args}
        return Document({**doc.data, "lr_scheduler": section}, doc.marks, doc.file,
                        doc.base_dir)

    _, first = read_config(with_args({k: v for k, v in args.items() if k not in derived}),
                           facts)
    steps = next(line.value for line in first.lines if line.name == "num_training_steps")
    steps = int(steps)  # the Trainer's count is an int (--epochs may be given as 3.0)
    out, ex = read_config(with_args({k: steps if k in derived else v
                                     for k, v in args.items()}), facts)
    ex.add("estimated_stepping_batches", steps, "", f"num_training_steps, for "
                                                    f"{', '.join(derived)}")
    return _sources(out, ex, said)


def _sources(out: Document, ex: Any, said: dict[str, str]) -> tuple[Document, Any]:
    """The explanation with the sources the code (not a flag) gave: the interval it returns,
    an lr given by --learning-rate instead of the code's expression."""
    from dataclasses import replace

    ex.lines = [replace(line, source=said[line.name]) if line.name in said else line
                for line in ex.lines]
    return out, ex
