"""Runnable code that builds the same schedule in its framework: ``lrplot code``.

For a torch kind the scheduler is ``torch.optim.lr_scheduler.<Kind.framework_class>`` and its
arguments are the kind's parameters under their own names — lrplot's parameter table *is*
torch's signature, so nothing is repeated here. Parameters left at their default are omitted;
expressions become lambdas; the children of a composite (SequentialLR, ChainedScheduler) are
built first, on the same optimizer, in order. transformers kinds call the framework's function
(``transformers.get_cosine_schedule_with_warmup``) the same way.

Every snippet is a complete script: the imports, one parameter standing in for the model, an
SGD optimizer at ``base_lr``, the scheduler, and a loop that records the lr of each step —
``lrs`` equals lrplot's series (``lrs[i]`` is the lr after ``i`` calls of ``scheduler.step()``).
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


# -- values -----------------------------------------------------------------------------------------

_MATH = ("cos", "sin", "tan", "exp", "log", "log10", "sqrt", "floor", "ceil", "pi", "e")


def _lambda(source: str, script: _Script) -> str:
    """An lrplot expression as a Python lambda (math names imported from :mod:`math`)."""
    tree = ast.parse(source, mode="eval")
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
        if p.name not in params:
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


# -- frameworks -------------------------------------------------------------------------------------


_OPTIMIZER_LAST = ("ChainedScheduler",)
"""torch schedulers whose optimizer argument comes after the others (and is optional)."""


def _torch(kind: schedules.Kind, params: Mapping[str, Any], base_lr: float, script: _Script,
           name: str) -> str:
    """Lines that assign the torch scheduler to ``name``; returns ``name``."""
    script.need("import torch")

    def children(items: Any) -> str:
        names = []
        for i, child in enumerate(items):
            child_kind = schedules.get(child.kind)
            child_params = child.mapping
            child_lr = child.base_lr if getattr(child, "base_lr", None) is not None else base_lr
            names.append(_torch(child_kind, child_params, child_lr, script, f"{name}_{i}"))
        return "[" + ", ".join(names) + "]"

    # ChainedScheduler(schedulers, optimizer=None): the optimizer is not its first argument.
    args = [] if kind.framework_class in _OPTIMIZER_LAST else ["optimizer"]
    if kind.own_base_lr:  # CyclicLR's base_lr: the optimizer's lr unless the schedule sets one
        args.append(f"base_lr={literal(base_lr)}")
    args += _arguments(kind, params, script, children)
    if kind.framework_class in _OPTIMIZER_LAST:
        args.append("optimizer=optimizer")
    call = f"torch.optim.lr_scheduler.{kind.framework_class}({', '.join(args)})"
    script.lines.append(f"{name} = {call}")
    return name


def _transformers(kind: schedules.Kind, params: Mapping[str, Any], base_lr: float,
                  script: _Script, name: str) -> str:
    script.need("import torch")
    script.need(f"from transformers import {kind.framework_class}")
    args = ["optimizer"] + _arguments(kind, params, script)
    script.lines.append(f"{name} = {kind.framework_class}({', '.join(args)})")
    return name


FRAMEWORKS: dict[str, Callable[..., str]] = {"torch": _torch, "transformers": _transformers}
"""framework -> emitter(kind, params, base_lr, script, name) that assigns the scheduler to name."""


# -- scripts ------------------------------------------------------------------------------------------


def curve_code(curve: Curve) -> str:
    """A runnable script that builds the curve's schedule and records ``lrs``, its lr series."""
    kind = curve.kind
    emit = FRAMEWORKS.get(kind.framework)
    if emit is None:
        raise CodegenError(f"{kind.name}: no code export for {kind.framework} schedules yet "
                           f"(supported: {', '.join(FRAMEWORKS)})")
    script = _Script()
    script.lines += [
        f"# {curve.label}",
        "params = [torch.nn.Parameter(torch.zeros(1))]  # your model.parameters()",
        f"optimizer = torch.optim.SGD(params, lr={literal(curve.base_lr)})",
    ]
    emit(kind, curve.params, curve.base_lr, script, "scheduler")
    script.lines += [
        "",
        "lrs = []  # the lr of each step, as lrplot computes it",
        f"for step in range({curve.steps}):",
        "    lrs.append(optimizer.param_groups[0][\"lr\"])",
        "    optimizer.step()  # your training step: forward, loss.backward(), optimizer.step()",
        "    scheduler.step()",
    ]
    return "\n".join(script.imports + [""] + script.lines) + "\n"


def figure_code(spec: FigureSpec) -> str:
    """One script per curve, separated by a rule; each runs on its own."""
    return ("\n# " + "-" * 77 + "\n\n").join(curve_code(c) for c in spec.curves)
