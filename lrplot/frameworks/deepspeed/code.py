"""``lrplot code`` for DeepSpeed kinds: the class from deepspeed.runtime.lr_schedules over a torch
Adam (OneCycle cycles the optimizer's betas), stepped after every optimizer step as DeepSpeed's
engine steps it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lrplot.codegen import _arguments, _Script, _stepping_loop, literal

if TYPE_CHECKING:
    from lrplot.spec import Curve


def write_script(curve: Curve, script: _Script) -> None:
    kind = curve.kind
    script.need("import torch")
    script.need(f"from deepspeed.runtime.lr_schedules import {kind.framework_class}")
    args = ["optimizer", *_arguments(kind, curve.params, script)]
    script.lines += [
        "params = [torch.nn.Parameter(torch.zeros(1))]  # your model.parameters()",
        f"optimizer = torch.optim.Adam(params, lr={literal(curve.base_lr)})  # one with betas: "
        "OneCycle cycles beta1",
        f"scheduler = {kind.framework_class}({', '.join(args)})",
    ]
    script.lines += _stepping_loop(curve)
