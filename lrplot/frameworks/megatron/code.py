"""``lrplot code`` for megatron.param_scheduler: Megatron-core's OptimizerParamScheduler (every
argument it requires written out), stepped by the global batch size after every iteration as
Megatron's training loop steps it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lrplot.codegen import _optimizer_lines, _Script, _stepping_loop, literal

if TYPE_CHECKING:
    from lrplot.spec import Curve

REQUIRED = ("init_lr", "max_lr", "min_lr", "lr_warmup_steps", "lr_decay_steps",
            "lr_decay_style", "start_wd", "end_wd", "wd_incr_steps", "wd_incr_style")
"""The constructor's arguments without a default, in its order."""


def write_script(curve: Curve, script: _Script) -> None:
    p = dict(curve.params)
    p["max_lr"] = curve.base_lr if p["max_lr"] is None else p["max_lr"]
    p["wd_incr_steps"] = p["lr_decay_steps"] if p["wd_incr_steps"] is None else p["wd_incr_steps"]
    if float(p["lr_warmup_steps"]).is_integer():  # a float only when a fraction made it one
        p["lr_warmup_steps"] = int(p["lr_warmup_steps"])
    names = REQUIRED + (("wsd_decay_steps", "lr_wsd_decay_style")
                        if p["lr_decay_style"] == "WSD" else ())
    script.need("import torch")
    script.need("from megatron.core.optimizer_param_scheduler import OptimizerParamScheduler")
    script.lines += _optimizer_lines(curve)
    script.lines += [
        f"global_batch_size = {p['increment']}  # the scheduler counts samples: Megatron steps "
        "it by this after every iteration",
        "scheduler = OptimizerParamScheduler(",
        "    optimizer,",
        *(f"    {name}={literal(p[name])}," for name in names),
        ")",
    ]
    script.lines += _stepping_loop(curve, "scheduler.step(increment=global_batch_size)")
