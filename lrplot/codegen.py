"""Runnable code that builds the same schedule in its framework: ``lrplot code``.

For a torch kind the scheduler is ``torch.optim.lr_scheduler.<Kind.framework_class>`` and its
arguments are the kind's parameters under their own names — lrplot's parameter table *is*
torch's signature, so nothing is repeated here. Parameters left at their default are omitted;
expressions become lambdas; the children of a composite (SequentialLR, ChainedScheduler) are
built first, on the same optimizer, in order. transformers kinds call the framework's function
(``transformers.get_cosine_schedule_with_warmup``) the same way.

Every snippet is a complete script: the imports, one parameter standing in for the model, an
SGD optimizer at ``base_lr``, the scheduler, and a loop that records the lr of each step —
``lrs`` equals lrplot's series (``lrs[i]`` is the lr after ``i`` calls of ``scheduler.step()``;
with ``interval: epoch`` the loop calls it once every ``steps_per_epoch`` iterations, so
``lrs[i]`` is the lr after ``i // steps_per_epoch`` calls).
A figure becomes one script: the imports once, one function per curve returning its ``lrs``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

from lrplot import schedules
from lrplot.params import Param

if TYPE_CHECKING:
    from lrplot.spec import Curve, FigureSpec


class CodegenError(ValueError):
    """A schedule that has no code equivalent here (the message says why)."""


@dataclass
class _Script:
    """Lines being built: imports (kept unique, in order) and body lines."""

    imports: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def need(self, line: str) -> None:
        if line not in self.imports:
            self.imports.append(line)


# -- values ----------------------------------------------------------------------------------------

_MATH = ("cos", "sin", "tan", "exp", "log", "log10", "sqrt", "floor", "ceil", "pi", "e")


def _lambda(source: str, script: _Script) -> str:
    """An lrplot expression as a Python lambda (math names imported from :mod:`math`)."""
    tree = ast.parse(source, mode="eval")
    if not source.isprintable() or "#" in source or "\\" in source:
        # Spread over lines, or with a comment or an escape: the parsed expression, written
        # back on one line, so nothing in the text can end the lambda's line.
        source = ast.unparse(tree)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used = sorted(names & set(_MATH))
    if used:
        script.need(f"from math import {', '.join(used)}")
    variables = [v for v in ("epoch", "step", "x") if v in names]
    if len(variables) <= 1:
        return f"lambda {variables[0] if variables else 'epoch'}: {source}"
    aliases = ", ".join(variables[1:])
    return f"lambda {variables[0]}: (lambda {aliases}: {source})" \
           f"({', '.join([variables[0]] * (len(variables) - 1))})"


def comment(text: str) -> str:
    """``text`` as the body of a ``#`` comment: every character that could end the line
    (``str.splitlines`` splits at \\n \\r \\v \\f \\x1c-\\x1e \\x85 \\u2028 \\u2029, Python's
    tokenizer at \\n and \\r) or is otherwise not printable is written as its escape."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def literal(value: Any) -> str:
    """A parameter value as Python source."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return repr(value)  # int, bool, None, str


def _is_default(p: Param, value: Any) -> bool:
    if p.required:
        return False
    default = p.default
    if isinstance(default, (list, tuple)) and isinstance(value, (list, tuple)):
        return list(default) == list(value)
    return type(default) is type(value) and default == value or (default is None and value is None)


def _arguments(kind: schedules.Kind, params: Mapping[str, Any], script: _Script,
               build_children: Callable[[Any], str] | None = None) -> list[str]:
    args = []
    for p in kind.params:
        if p.name not in params or p.name in LRPLOT_ONLY:
            continue
        value = params[p.name]
        if p.type == "schedulers":
            assert build_children is not None
            args.append(f"{p.name}={build_children(value)}")
            continue
        if _is_default(p, value):
            continue
        if p.type == "expr" and value is not None:
            args.append(f"{p.name}={_lambda(str(value), script)}")
        else:
            args.append(f"{p.name}={literal(value)}")
    return args


# -- frameworks ------------------------------------------------------------------------------------

LRPLOT_ONLY = {"metric", "metric_file", "metric_column", "updates_per_epoch"}
"""Parameters that are lrplot's, not the framework's: they say how the scheduler is driven
(the metric ReduceLROnPlateau is stepped with, how often timm's epoch step comes)."""

_RECORD = "lrs.append(optimizer.param_groups[0][\"lr\"])  # lr[step]"
_TRAIN = "optimizer.step()  # your training step: forward, loss.backward(), optimizer.step()"


def _optimizer_lines(curve: Curve) -> list[str]:
    return ["params = [torch.nn.Parameter(torch.zeros(1))]  # your model.parameters()",
            f"optimizer = torch.optim.SGD(params, lr={literal(curve.base_lr)})"]


def per_epoch(curve: Curve) -> int | None:
    """The iterations per epoch when the loop steps the scheduler once per epoch (``interval:
    epoch``), else None: the test :attr:`lrplot.spec.Curve.repeat` expands the series by."""
    return curve.steps_per_epoch if curve.interval == "epoch" and curve.steps_per_epoch else None


def scheduler_count(curve: Curve) -> str:
    """The number of ``scheduler.step()`` calls so far, as an expression of the loop's ``step``
    (the iteration): ``step`` itself, or the epochs completed when stepped per epoch."""
    return "step // steps_per_epoch" if per_epoch(curve) else "step"


def epoch_lines(curve: Curve) -> list[str]:
    """The ``steps_per_epoch`` assignment an epoch-stepped loop reads (none otherwise)."""
    spe = per_epoch(curve)
    return [f"steps_per_epoch = {spe}  # optimizer steps per epoch; the scheduler steps once "
            "per epoch"] if spe else []


def _stepping_loop(curve: Curve, step_call: str = "scheduler.step()") -> list[str]:
    if per_epoch(curve):  # the value after k epochs holds for the k-th epoch's iterations
        step = ["    if step % steps_per_epoch == 0:  # the end of an epoch",
                f"        {step_call}"]
    else:
        step = [f"    {step_call}"]
    return ["", *epoch_lines(curve),
            "lrs = [optimizer.param_groups[0][\"lr\"]]  # lr[0]: right after construction",
            f"for step in range(1, {curve.steps}):",
            f"    {_TRAIN}",
            *step,
            f"    {_RECORD}"]


# -- scripts ---------------------------------------------------------------------------------------


def _writer(kind: schedules.Kind) -> Callable[[Curve, _Script], None]:
    """The function of the kind's framework that writes a script's body: the setup and the loop
    recording ``lrs`` (:attr:`lrplot.schedules.Framework.code`)."""
    reference = schedules.framework(kind.framework).code
    if reference is None:
        supported = ", ".join(f.name for f in schedules.frameworks() if f.code)
        raise CodegenError(f"{kind.name}: no code export for {kind.framework} schedules yet "
                           f"(supported: {supported})")
    return schedules.resolve(reference)


def curve_code(curve: Curve) -> str:
    """A runnable script that builds the curve's schedule and records ``lrs``, its lr series."""
    write = _writer(curve.kind)
    script = _Script()
    script.lines.append(f"# {comment(curve.label)}")
    write(curve, script)
    return "\n".join(script.imports + [""] + script.lines) + "\n"


def figure_code(spec: FigureSpec) -> str:
    """One runnable script for the whole figure: the imports once, one function per curve that
    builds its schedule and returns ``lrs`` (its lr series), and a table of them by label.
    Running the script prints each curve's first and last lr."""
    imports: list[str] = []
    functions: list[str] = []
    names: list[tuple[str, str]] = []  # (function, label)
    several = len(spec.panels) > 1
    curves = [(f"{panel.title}: {curve.label}" if several and panel.title else curve.label,
               curve) for panel in spec.panels for curve in panel.curves]
    for i, (label, curve) in enumerate(curves, 1):
        write = _writer(curve.kind)
        script = _Script(imports=imports)  # one import list for every function
        write(curve, script)
        name = f"{_identifier(curve.kind.name)}_{i}"
        if label in {known for _, known in names}:  # the same curve in two panels (a zoom)
            label = f"{label} ({i})"
        names.append((name, label))
        body = [f"# {comment(curve.label)}", *script.lines, "return lrs"]
        functions.append(f"def {name}():\n" + "\n".join(
            f"    {line}" if line else "" for line in body) + "\n")
    table = ["SCHEDULES = {"] + [f"    {label!r}: {name}," for name, label in names] + ["}"]
    main = ['if __name__ == "__main__":',
            "    for label, build in SCHEDULES.items():",
            "        lrs = build()",
            "        print(f\"{label}: {len(lrs)} steps, lr[0] = {lrs[0]:.6g}, "
            "lr[-1] = {lrs[-1]:.6g}\")"]
    return "\n".join(imports) + "\n\n\n" + "\n\n".join(functions) + "\n\n" + \
        "\n".join(table) + "\n\n" + "\n".join(main) + "\n"


def _identifier(name: str) -> str:
    """A kind name as part of a Python function name (hf.cosine -> hf_cosine)."""
    import re

    text = re.sub(r"\W+", "_", name.lower()).strip("_")
    return text if text and not text[0].isdigit() else f"schedule_{text}"
