"""nanoGPT's ``config/*.py`` files and ``python train.py config/x.py --key=value`` command lines.

nanoGPT's configurator ``exec``s a config file over train.py's globals, then applies
``--key=value`` overrides (``literal_eval``'d). lrplot never runs the file: it reads it with
:mod:`ast`, taking plain assignments whose value is a literal, or arithmetic over numbers and
names assigned above it, checked by lrplot's expression whitelist (:mod:`lrplot.expr`);
anything else (imports, calls, conditionals) is skipped, and named in a note when it sets a
name the schedule uses. What no line sets takes train.py's defaults (:data:`DEFAULTS`,
karpathy/nanoGPT train.py at 3adf61e154c3fe3fca428ad6bc3818b27a3b8291). The loop sets the lr
of iterations 0..max_iters inclusive: max_iters + 1 optimizer steps.
"""

from __future__ import annotations

import ast
import re
import shlex
from typing import Any

from lrplot.readers.run import Explanation, RunFacts
from lrplot.readers.source import Output, Source
from lrplot.yamlio import Document, Mark

NAME = "nanogpt"
TITLE = "nanoGPT config/*.py (read as data), or a train.py config/x.py command line"
RULES = "nanoGPT train.py @ 3adf61e"

DEFAULTS: dict[str, Any] = {"learning_rate": 6e-4, "max_iters": 600000, "warmup_iters": 2000,
                            "lr_decay_iters": 600000, "min_lr": 6e-5, "decay_lr": True}
"""train.py's globals that shape the schedule and the run."""

SCHEDULE = ("warmup_iters", "lr_decay_iters", "min_lr", "decay_lr")


def detect(data: Any) -> bool:
    return isinstance(data, dict) and "lr_decay_iters" in data and \
        any(k in data for k in ("learning_rate", "max_iters", "warmup_iters"))


# -- config files as data -----------------------------------------------------------------------


def _number(node: ast.AST, known: dict[str, Any], file: str) -> Any:
    """The value of an assignment: a literal, or whitelisted arithmetic over numbers and names
    assigned above (substituted, then checked and evaluated by lrplot.expr). None: not data."""
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    if any(not isinstance(known.get(n), (int, float)) or isinstance(known.get(n), bool)
           for n in names):
        return None

    class Substitute(ast.NodeTransformer):
        def visit_Name(self, name: ast.Name) -> ast.AST:
            return ast.copy_location(ast.Constant(known[name.id]), name)

    import numpy as np

    from lrplot import expr

    try:
        text = ast.unparse(Substitute().visit(node))
        result = expr.parse(text).evaluate(np.zeros(1, dtype=np.int64))
    except (expr.ExprError, ValueError, TypeError, OverflowError, RecursionError):
        return None
    value = result[0] if np.ndim(result) else result
    return int(value) if np.issubdtype(np.asarray(value).dtype, np.integer) else float(value)


def config_document(text: str, file: str, data: dict[str, Any] | None = None,
                    marks: dict[tuple, Mark] | None = None,
                    skipped: list[str] | None = None) -> Document:
    """A nanoGPT config file as a document of its top-level assignments, each marked at its
    line and column; ``data``/``marks`` carry on from earlier files (the configurator runs them
    one after the other)."""
    from lrplot.problems import Problem, SpecError

    data = {} if data is None else data
    marks = {(): Mark(file, 1, 1)} if marks is None else marks
    skipped = [] if skipped is None else skipped
    try:
        tree = ast.parse(text, filename=file)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        line = getattr(exc, "lineno", None) or 1
        raise SpecError([Problem(f"{file}:{line}:1", f"not valid Python: "
                                                     f"{getattr(exc, 'msg', exc)}")]) from None
    for statement in tree.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else \
            [statement.target] if isinstance(statement, ast.AnnAssign) and statement.value \
            else []
        for target in targets:
            if not isinstance(target, ast.Name):
                continue
            value = _number(statement.value, data, file)  # type: ignore[arg-type]
            if value is None:
                if target.id in DEFAULTS:
                    skipped.append(f"{file}:{statement.lineno}: {target.id} is not a literal "
                                   f"or arithmetic lrplot evaluates (or too large); "
                                   f"not read: train.py's default applies")
                data.pop(target.id, None)
                marks.pop((target.id,), None)
                continue
            data[target.id] = value
            marks[(target.id,)] = Mark(file, statement.lineno, statement.col_offset + 1)
    doc = Document(data, marks, file)
    doc.skipped = skipped  # type: ignore[attr-defined]
    return doc


def command_document(text: str, file: str, base_dir: str) -> Document | None:
    """The last ``train.py`` command line of a shell file naming a ``.py`` config or giving
    ``--key=value`` overrides: its config files (relative to the shell file's directory, then
    its parents) read in order, then the overrides. None when there is no such line."""
    from lrplot import yamlio
    from lrplot.problems import Problem, SpecError

    found = None
    lines = text.replace("\\\n", " ").splitlines()
    for number, line in enumerate(lines, 1):
        if re.search(r"(^|[\s/])train\.py(\s|$)", line):
            found = (number, line)
    if found is None:
        return None
    number, line = found
    try:
        tokens = shlex.split(line, comments=True)
    except ValueError as exc:
        raise SpecError([Problem(f"{file}:{number}:1", f"cannot split the command line: "
                                                        f"{exc}")]) from None
    start = next(i for i, t in enumerate(tokens) if t.endswith("train.py"))
    args = tokens[start + 1:]
    if not args or not all(a.endswith(".py") or re.match(r"--\w+=", a) for a in args):
        return None  # not a nanoGPT command line (timm's train.py takes other arguments)
    data: dict[str, Any] = {}
    marks: dict[tuple, Mark] = {(): Mark(file, number, 1)}
    skipped: list[str] = []
    for arg in args:
        column = line.find(arg) + 1
        if arg.endswith(".py"):
            path = _find(arg, base_dir)
            if path is None:
                raise SpecError([Problem(f"{file}:{number}:{column}",
                                         f"config file {arg!r} not found next to {file} or in "
                                         "its parent directories")])
            try:
                config_text = yamlio.read_config(path).decode("utf-8", errors="replace")
            except (OSError, yamlio.YamlError) as exc:
                raise SpecError([Problem(f"{file}:{number}:{column}", f"{arg}: {exc}")]) from None
            config_document(config_text, path, data, marks, skipped)
        else:
            key, _, raw = arg[2:].partition("=")
            try:
                value = ast.literal_eval(raw)
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                value = raw
            data[key] = value
            marks[(key,)] = Mark(file, number, column)
    doc = Document(data, marks, file)
    doc.skipped = skipped  # type: ignore[attr-defined]
    return doc


def _find(written: str, base_dir: str) -> str | None:
    import os

    directory = os.path.abspath(base_dir or ".")
    for _ in range(4):
        candidate = os.path.join(directory, written)
        if os.path.isfile(candidate):
            return candidate
        directory = os.path.dirname(directory)
    return None


# -- reading ------------------------------------------------------------------------------------


def read(doc: Document, facts: RunFacts) -> tuple[Document, Explanation]:
    source = Source(doc)
    ex = Explanation()
    for note in getattr(doc, "skipped", []):
        ex.note(note)

    def arg(name: str, **kind: Any) -> Any:
        default, where = DEFAULTS[name], f"default of {RULES}"
        got = source.boolean((name,), default, where) if isinstance(default, bool) else \
            source.number((name,), default, where, **kind)
        source.raise_if_any()
        return ex.read(name, got)

    if facts.max_steps is not None:
        max_iters = ex.add("max_iters", facts.max_steps, "", "--max-steps")
    else:
        max_iters = arg("max_iters", integer=True, minimum=0)
    if facts.interval is not None or facts.epochs is not None:
        raise source.fail((), "--interval/--epochs: nanoGPT counts iterations (max_iters); "
                              "give --max-steps to change them")
    lr = arg("learning_rate", minimum=0)
    params = {"warmup_iters": arg("warmup_iters", integer=True, minimum=0),
              "lr_decay_iters": arg("lr_decay_iters", integer=True, minimum=0),
              "min_lr": arg("min_lr", minimum=0), "decay_lr": arg("decay_lr")}
    out = Output(source)
    out.figure("steps", ex.add("steps", max_iters + 1, f"{max_iters} + 1", "train.py sets "
                               "the lr of iterations 0..max_iters, both included"),
               ("max_iters",))
    out.figure("base_lr", float(lr), ("learning_rate",))
    out.curve({"type": "nanogpt.cosine", **params}, {k: (k,) for k in params})
    _lint(out, source, max_iters, params)
    return out.document(), ex


def _lint(out: Output, source: Source, max_iters: int, p: dict[str, Any]) -> None:
    if not p["decay_lr"]:
        return
    decay, warmup = p["lr_decay_iters"], p["warmup_iters"]
    where = ("lr_decay_iters",) if source.has(("lr_decay_iters",)) else ("max_iters",)
    if decay < max_iters:
        out.warn("decay-ends-before-run", where,
                 f"lr_decay_iters {decay} < max_iters {max_iters}: the last "
                 f"{max_iters - decay} iterations train at min_lr",
                 "lr_decay_iters = max_iters (train.py: 'should be ~= max_iters')")
    elif decay > max_iters:
        out.warn("decay-outlives-run", where,
                 f"lr_decay_iters {decay} > max_iters {max_iters}: the run stops before the "
                 f"cosine reaches min_lr {p['min_lr']:g}",
                 "lr_decay_iters = max_iters")
    if warmup >= decay:
        out.warn("warmup-longer-than-decay", ("warmup_iters",) if source.has(
                 ("warmup_iters",)) else where,
                 f"warmup_iters {warmup} >= lr_decay_iters {decay}: no cosine; the lr drops "
                 "from the warm-up straight to min_lr",
                 "warmup_iters well below lr_decay_iters")
