"""``lrplot code`` for torch kinds: ``torch.optim.lr_scheduler.<framework_class>`` with the
kind's parameters under their own names (lrplot's parameter table *is* torch's signature);
the children of a composite are built first, on the same optimizer, in order. A chained
schedule whose children have their own interval is those schedulers, each stepped by the loop
at its interval."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from lrplot.codegen import (_RECORD, _TRAIN, _arguments, _lambda, _optimizer_lines, _Script,
                            _stepping_loop, literal, scheduler_count)
from lrplot.schedules import Kind, get

if TYPE_CHECKING:
    from lrplot.spec import Curve

_OPTIMIZER_LAST = ("ChainedScheduler",)
"""torch schedulers whose optimizer argument comes after the others (and is optional)."""


def _torch(kind: Kind, params: Mapping[str, Any], base_lr: float, script: _Script,
           name: str) -> str:
    """Lines that assign the torch scheduler to ``name``; returns ``name``."""
    script.need("import torch")

    def children(items: Any) -> str:
        names = []
        for i, child in enumerate(items):
            child_kind = get(child.kind)
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


def _loop_stepped(curve: Curve, script: _Script) -> None:
    """Separate schedulers on one optimizer, built in order; after every iteration the loop
    steps those stepped per iteration, then at an epoch's end those stepped per epoch."""
    children = curve.params["schedulers"]
    names = [_torch(get(c.kind), c.mapping, c.base_lr if c.base_lr is not None else
                    curve.base_lr, script, f"scheduler_{i}") for i, c in enumerate(children)]
    per_epoch = [n for n, c in zip(names, children) if c.interval == "epoch"]
    script.lines.append("")
    if per_epoch:
        script.lines.append(f"steps_per_epoch = {curve.steps_per_epoch}  # optimizer steps "
                            "per epoch")
    script.lines += ["lrs = [optimizer.param_groups[0][\"lr\"]]  # lr[0]: right after "
                     "construction",
                     f"for step in range(1, {curve.steps}):",
                     f"    {_TRAIN}",
                     *(f"    {n}.step()  # every iteration" for n, c in zip(names, children)
                       if c.interval != "epoch")]
    if per_epoch:
        script.lines += ["    if step % steps_per_epoch == 0:  # the end of an epoch",
                         *(f"        {n}.step()" for n in per_epoch)]
    script.lines.append(f"    {_RECORD}")


def write_script(curve: Curve, script: _Script) -> None:
    script.need("import torch")
    script.lines += _optimizer_lines(curve)
    if curve.kind.child_intervals and any(c.interval for c in curve.params["schedulers"]):
        _loop_stepped(curve, script)
        return
    _torch(curve.kind, curve.params, curve.base_lr, script, "scheduler")
    step_call = "scheduler.step()"
    p = curve.params
    if curve.kind.framework_class == "ReduceLROnPlateau":  # stepped with the metric
        if p.get("metric") is not None:
            script.lines.append(f"metric = {_lambda(str(p['metric']), script)}  # your "
                                f"validation metric after each step")
            step_call = f"scheduler.step(metric({scheduler_count(curve)}))"
        else:
            script.need("import csv")
            column = p.get("metric_column")
            script.lines += [
                f"with open({literal(p['metric_file'])}, newline=\"\") as handle:",
                "    rows = list(csv.DictReader(handle))",
                f"metrics = [float(row[{literal(column)}]) for row in rows]" if column else
                "metrics = [float(next(v for k, v in row.items() if k.lower() not in "
                "(\"step\", \"epoch\"))) for row in rows]",
            ]
            step_call = f"scheduler.step(metrics[{scheduler_count(curve)} - 1])"
    script.lines += _stepping_loop(curve, step_call)
