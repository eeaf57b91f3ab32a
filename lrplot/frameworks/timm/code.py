"""``lrplot code`` for timm kinds: the scheduler class, stepped per update and per epoch as
timm's training loop does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lrplot.codegen import _RECORD, _TRAIN, _arguments, _optimizer_lines, _Script

if TYPE_CHECKING:
    from lrplot.spec import Curve


def write_script(curve: Curve, script: _Script) -> None:
    kind = curve.kind
    module = kind.framework_class.removesuffix("LRScheduler").lower() + "_lr"  # cosine_lr
    script.need("import torch")
    script.need(f"from timm.scheduler.{module} import {kind.framework_class}")
    script.lines += _optimizer_lines(curve)
    params = dict(curve.params)
    noise = params.get("noise_range_t")
    if isinstance(noise, (list, tuple)) and len(noise) == 1:
        params["noise_range_t"] = noise[0]  # timm takes an int for "from t on"
    args = ["optimizer"] + _arguments(kind, params, script)
    per_epoch = params.get("updates_per_epoch", 1)
    script.lines += [
        f"scheduler = {kind.framework_class}({', '.join(args)})",
        f"updates_per_epoch = {per_epoch}  # len(train_loader)",
        "",
        "lrs = [optimizer.param_groups[0][\"lr\"]]  # lr[0]: right after construction",
        f"for step in range(1, {curve.steps}):",
        f"    {_TRAIN}",
        "    scheduler.step_update(num_updates=step)",
        "    if step % updates_per_epoch == 0:  # the end of an epoch",
        "        scheduler.step(step // updates_per_epoch)",
        f"    {_RECORD}",
    ]
