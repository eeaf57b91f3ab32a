"""``lrplot code`` for NeMo kinds: NeMo's own class from nemo.core.optim.lr_scheduler, stepped
after every optimizer step as Lightning steps it (``interval: step``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lrplot.codegen import _arguments, _optimizer_lines, _Script, _stepping_loop, literal

if TYPE_CHECKING:
    from lrplot.spec import Curve


def write_script(curve: Curve, script: _Script) -> None:
    kind = curve.kind
    script.need("import torch")
    script.need(f"from nemo.core.optim.lr_scheduler import {kind.framework_class}")
    script.lines += _optimizer_lines(curve)
    if curve.params.get("last_epoch", -1) != -1:  # torch requires it of a resumed scheduler
        script.lines.append(f"optimizer.param_groups[0][\"initial_lr\"] = "
                            f"{literal(curve.base_lr)}  # a resumed optimizer has it")
    args = ["optimizer"] + _arguments(kind, curve.params, script)
    script.lines.append(f"scheduler = {kind.framework_class}({', '.join(args)})")
    script.lines += _stepping_loop(curve)
