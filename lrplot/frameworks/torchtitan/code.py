"""``lrplot code`` for torchtitan.wsd: torch's LambdaLR with torchtitan's factor written out
(the package's own import pulls in its whole trainer), stepped once per training step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lrplot.codegen import _Script, _optimizer_lines, _stepping_loop, literal
from lrplot.frameworks.torchtitan.phases import phases

if TYPE_CHECKING:
    from lrplot.spec import Curve

DECAY = {"linear": "1 - progress", "sqrt": "1 - math.sqrt(progress)",
         "cosine": "0.5 * (1.0 + math.cos(math.pi * progress))"}


def write_script(curve: Curve, script: _Script) -> None:
    p = dict(curve.params)
    total, warmup, stable, decay = phases(p)
    legacy = p.get("formula") == "2025-03"  # March-June 2025: over warmup + 1 and decay + 1
    warm_div, decay_div = ("(warmup_steps + 1)", "(decay_steps + 1)") if legacy else \
        ("warmup_steps", "decay_steps")
    script.need("import math")
    script.need("import torch")
    script.lines += _optimizer_lines(curve)
    script.lines += [
        f"# torchtitan's build: {total} steps = warm-up {warmup}, stable {stable}"
        + ("" if legacy else " (one more than the rest)") + f", decay {decay}",
        f"warmup_steps, stable_steps, decay_steps = {warmup}, {stable}, {decay}",
        f"min_lr_factor = {literal(float(p['min_lr_factor']))}",
        "",
        "def lr_lambda(current_step):  # torchtitan's linear_warmup_stable_decay",
        "    warmup_stable_steps = warmup_steps + stable_steps",
        "    if current_step < warmup_steps:",
        f"        return float((current_step + 1) / {warm_div})",
        "    if current_step < warmup_stable_steps:",
        "        return 1.0",
        f"    progress = float(current_step + 1 - warmup_stable_steps) / {decay_div}",
        f"    curr_adjustment = {DECAY[p['decay_type']]}",
        "    return min_lr_factor + (1 - min_lr_factor) * curr_adjustment",
        "",
        "scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)",
        *_stepping_loop(curve),
    ]
