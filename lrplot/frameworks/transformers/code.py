"""``lrplot code`` for transformers kinds: the framework's function
(``transformers.get_cosine_schedule_with_warmup``) on a torch optimizer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lrplot.codegen import _arguments, _optimizer_lines, _Script, _stepping_loop

if TYPE_CHECKING:
    from lrplot.spec import Curve


def write_script(curve: Curve, script: _Script) -> None:
    kind = curve.kind
    script.need("import torch")
    script.need(f"from transformers import {kind.framework_class}")
    script.lines += _optimizer_lines(curve)
    args = ["optimizer"] + _arguments(kind, curve.params, script)
    script.lines.append(f"scheduler = {kind.framework_class}({', '.join(args)})")
    script.lines += _stepping_loop(curve)
