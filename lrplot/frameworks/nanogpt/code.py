"""``lrplot code`` for nanogpt.cosine: train.py's ``get_lr``, called for iterations
0..steps-1 as its training loop does (it sets every param group's lr by hand: no scheduler)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lrplot.codegen import _Script, literal

if TYPE_CHECKING:
    from lrplot.spec import Curve


def write_script(curve: Curve, script: _Script) -> None:
    p = dict(curve.params)
    script.need("import math")
    script.lines += [
        f"learning_rate = {literal(float(curve.base_lr))}",
        f"warmup_iters = {literal(p['warmup_iters'])}",
        f"lr_decay_iters = {literal(p['lr_decay_iters'])}",
        f"min_lr = {literal(float(p['min_lr']))}",
        f"decay_lr = {literal(p['decay_lr'])}",
        "",
        "def get_lr(it):  # nanoGPT train.py",
        "    if it < warmup_iters:",
        "        return learning_rate * (it + 1) / (warmup_iters + 1)",
        "    if it > lr_decay_iters:",
        "        return min_lr",
        "    decay_ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters)",
        "    coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio))",
        "    return min_lr + coeff * (learning_rate - min_lr)",
        "",
        "# train.py: lr = get_lr(iter_num) if decay_lr else learning_rate, for every iteration",
        f"lrs = [get_lr(it) if decay_lr else learning_rate for it in range({curve.steps})]",
    ]
