"""``lrplot code`` for timm kinds: the scheduler class, stepped per update and per epoch as
timm's training loop does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lrplot.codegen import (_RECORD, _TRAIN, _arguments, _optimizer_lines, _Script,
                            epoch_lines, per_epoch)

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
    updates = params.get("updates_per_epoch", 1)
    script.lines += [
        f"scheduler = {kind.framework_class}({', '.join(args)})",
        f"updates_per_epoch = {updates}  # len(train_loader)",
        "", *epoch_lines(curve),
        "lrs = [optimizer.param_groups[0][\"lr\"]]  # lr[0]: right after construction",
        f"for step in range(1, {curve.steps}):",
        f"    {_TRAIN}",
    ]
    # stepped once per epoch of steps_per_epoch iterations: timm's update count is the epochs
    update = ["scheduler.step_update(num_updates=update)",
              "if update % updates_per_epoch == 0:  # the end of one of timm's epochs",
              "    scheduler.step(update // updates_per_epoch)"]
    if per_epoch(curve):
        script.lines += ["    if step % steps_per_epoch == 0:",
                         "        update = step // steps_per_epoch",
                         *(f"        {line}" for line in update)]
    else:
        script.lines += ["    update = step", *(f"    {line}" for line in update)]
    script.lines.append(f"    {_RECORD}")
