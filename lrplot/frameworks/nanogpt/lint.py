"""Lint rules for nanoGPT's ``get_lr``. Loaded by :mod:`lrplot.lint` (``Framework.lint``)."""

from __future__ import annotations

from typing import Iterator

from lrplot.lint import Context, Finding, rule

EARLY = 0.05
"""The share of the run at min_lr that is worth a word: train.py advises lr_decay_iters ~=
max_iters, and a few iterations either way are that."""


@rule("nanogpt-warmup-skipped", "nanogpt.cosine",
      summary="decay_lr = False skips get_lr altogether: no warm-up either")
def _warmup_skipped(ctx: Context) -> Iterator[Finding]:
    warmup = ctx.p["warmup_iters"]
    default = ctx.curve.kind.param("warmup_iters").default
    if ctx.p["decay_lr"] or warmup in (0, default):  # train.py's own 2000: nobody asked for it
        return
    yield Finding(
        f"decay_lr is False: train.py sets lr = learning_rate without calling get_lr, so "
        f"warmup_iters={warmup} does not warm up either — the first iteration trains at the "
        f"full learning_rate",
        "set decay_lr = True (with lr_decay_iters and min_lr) to warm up, or warmup_iters = 0 "
        "to say there is no warm-up",
        ("decay_lr",))


@rule("nanogpt-decay-ends-early", "nanogpt.cosine",
      summary="the cosine reaches min_lr long before the run ends")
def _decay_ends_early(ctx: Context) -> Iterator[Finding]:
    decay = ctx.p["lr_decay_iters"]
    flat = ctx.last - decay
    if not ctx.p["decay_lr"] or not ctx.steps_given or flat <= EARLY * ctx.steps:
        return
    yield Finding(
        f"lr_decay_iters={decay} is shorter than the run (max_iters={ctx.last}): the last "
        f"{flat} iterations ({100 * flat / ctx.steps:.0f}% of the run) train at min_lr",
        f"set lr_decay_iters = {ctx.last} (train.py: ~= max_iters), or max_iters = {decay}",
        ("lr_decay_iters",))
