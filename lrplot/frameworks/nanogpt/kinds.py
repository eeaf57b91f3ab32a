"""nanoGPT's ``get_lr`` as the kind ``nanogpt.cosine``.

Declarations only; kernel in lrplot.frameworks.nanogpt.kernels. The source is ``train.py`` of
karpathy/nanoGPT (commit 3adf61e154c3fe3fca428ad6bc3818b27a3b8291): linear warm-up as
``learning_rate * (it + 1) / (warmup_iters + 1)``, cosine to ``min_lr`` at ``lr_decay_iters``,
then ``min_lr``; with ``decay_lr = False`` the lr is ``learning_rate`` throughout. base_lr is
``learning_rate``. Defaults are train.py's; its loop sets the lr of iterations 0..max_iters
inclusive, so a run of max_iters is max_iters + 1 steps.
"""

from __future__ import annotations

from typing import Any, Mapping

from lrplot.frameworks.nanogpt import events
from lrplot.params import Param
from lrplot.schedules import Kind, register


def _check_steps(p: Mapping[str, Any], steps: int) -> str | None:
    w, d = p["warmup_iters"], p["lr_decay_iters"]
    if p["decay_lr"] and w == d and steps > w:
        return (f"reaches iteration {w} where warmup_iters == lr_decay_iters: get_lr divides "
                f"by zero there")
    return None


COSINE = register(Kind(
    name="nanogpt.cosine", framework_class="get_lr",
    summary="linear warm-up, cosine to min_lr at lr_decay_iters, then min_lr (train.py get_lr)",
    params=(
        Param("warmup_iters", "int", "iterations of linear warm-up", default=2000, min=0),
        Param("lr_decay_iters", "int", "the cosine reaches min_lr here (should be ~= max_iters)",
              default=600000, min=0),
        Param("min_lr", "float", "the lr after lr_decay_iters", default=6e-5, min=0),
        Param("decay_lr", "bool", "schedule the lr (false: learning_rate throughout)",
              default=True),
    ),
    kernel="lrplot.frameworks.nanogpt.kernels:cosine",
    horizon=lambda p: (p["lr_decay_iters"] + 1 + max(10, p["lr_decay_iters"] // 10),
                       "10% past lr_decay_iters"),
    example="--warmup-iters 100 --lr-decay-iters 5000 --min-lr 1e-4",
    framework="nanogpt", check_steps=_check_steps,
    # lr[lr_decay_iters] is min_lr; a run of max_iters = lr_decay_iters reaches it
    floor=lambda p: ("lr_decay_iters", p["lr_decay_iters"], "min_lr")
    if p["decay_lr"] and p["lr_decay_iters"] > p["warmup_iters"] else None,
    events=events.events,
))
