"""``lrplot code`` for mmengine kinds: the real schedulers (``mmengine.optim.scheduler``,
mmdetection's ``QuadraticWarmupLR``) built in list order on one optimizer (``build_iter_from_epoch``
for ``convert_to_iter_based``), stepped as mmengine's ParamSchedulerHook steps them:
iteration-based ones after every iteration, ``by_epoch`` ones after every epoch, then
ReduceOnPlateauLR with the validation metric."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lrplot.codegen import _is_default, _lambda, _Script, literal
from lrplot.schedules import get

if TYPE_CHECKING:
    from lrplot.spec import Curve

LOCAL = ("steps_per_epoch", "initial_momentum", "convert_to_iter_based", "metric",
         "metric_file", "metric_column")
"""lrplot's parameters that are not the class's: the run, the optimizer, the metric."""


def _entries(curve: Curve) -> list[tuple[Any, dict[str, Any]]]:
    if curve.kind.composite:
        return [(get(c.kind), c.mapping) for c in curve.params["schedulers"]]
    return [(curve.kind, dict(curve.params))]


def write_script(curve: Curve, script: _Script) -> None:
    p = curve.params
    spe = p.get("steps_per_epoch")
    entries = _entries(curve)
    script.need("import torch")
    momentum = p.get("initial_momentum", next((c.get("initial_momentum") for _, c in entries
                                               if "initial_momentum" in c), 0.9))
    script.lines += [
        "params = [torch.nn.Parameter(torch.zeros(1))]  # your model.parameters()",
        f"optimizer = torch.optim.SGD(params, lr={literal(curve.base_lr)}, "
        f"momentum={literal(momentum)})",
        f"steps_per_epoch = {literal(spe)}  # len(train_dataloader)" if spe else
        "steps_per_epoch = None  # every scheduler steps in its own unit",
        "schedulers = []  # built in list order, as the Runner builds param_scheduler",
    ]
    metrics = []
    for i, (kind, params) in enumerate(entries):
        cls = kind.framework_class
        if cls.startswith("QuadraticWarmup"):
            script.need(f"from mmdet.engine.schedulers import {cls}")
        else:
            script.need(f"from mmengine.optim.scheduler import {cls}")
        args = ["optimizer"] + [f"{q.name}={literal(params[q.name])}" for q in kind.params
                                if q.name not in LOCAL and q.name in params
                                and not _is_default(q, params[q.name])]
        if params.get("convert_to_iter_based"):
            args.append("epoch_length=steps_per_epoch")
            script.lines.append(f"schedulers.append({cls}.build_iter_from_epoch("
                                f"{', '.join(args)}))")
        else:
            script.lines.append(f"schedulers.append({cls}({', '.join(args)}))")
        if cls.startswith("ReduceOnPlateau"):
            metrics.append((i, params))
    for i, params in metrics:
        if params.get("metric") is not None:
            script.lines.append(f"metric_{i} = {_lambda(str(params['metric']), script)}  "
                                "# the validation metric after each epoch (1 for the first)")
        else:
            script.need("import csv")
            column = params.get("metric_column")
            script.lines += [
                f"with open({literal(params['metric_file'])}, newline=\"\") as handle:",
                "    rows = list(csv.DictReader(handle))",
                f"values_{i} = [float(row[{literal(column)}]) for row in rows]" if column else
                f"values_{i} = [float(next(v for k, v in row.items() if k.lower() not in "
                "(\"step\", \"epoch\"))) for row in rows]",
                f"metric_{i} = lambda epoch: values_{i}[epoch - 1]",
            ]
    script.lines += [
        "lrs = [optimizer.param_groups[0][\"lr\"]]  # lr[0]: after the constructors' step",
        "epoch = 0",
        f"for it in range(1, {curve.steps}):  # it iterations done",
        "    optimizer.step()  # your training step: forward, loss.backward(), optimizer.step()",
    ]
    if spe is None:  # every scheduler steps once per unit
        script.lines += ["    epoch += 1",
                         "    for s in schedulers:",
                         "        s.step()"]
    else:
        script.lines += [
            "    for s in schedulers:  # ParamSchedulerHook.after_train_iter",
            "        if not s.by_epoch:",
            "            s.step()",
            "    if it % steps_per_epoch == 0:  # the end of an epoch: after_train_epoch",
            "        epoch += 1",
            "        for s in schedulers:",
            "            if s.by_epoch:",
            "                s.step()",
        ]
    indent = "    " if spe is None else "        "
    for i, params in metrics:
        script.lines.append(f"{indent}schedulers[{i}].step({{{literal(params['monitor'])}: "
                            f"metric_{i}(epoch)}})  # after_val_epoch")
    script.lines.append("    lrs.append(optimizer.param_groups[0][\"lr\"])  # lr[it]")
