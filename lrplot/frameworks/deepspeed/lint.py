"""Lint rules for DeepSpeed's schedules. Loaded by :mod:`lrplot.lint` (``Framework.lint``)."""

from __future__ import annotations

from typing import Iterator

from lrplot.frameworks.deepspeed.events import warm_steps
from lrplot.lint import Context, Finding, rule


def _fmt(value: float) -> str:
    return f"{value:.4g}"


@rule("log-warmup-zero-lrs", "deepspeed.warmup", "deepspeed.warmup_decay",
      "deepspeed.warmup_cosine",
      summary="DeepSpeed's default log warm-up trains its first steps at lr 0")
def _log_warmup_zero(ctx: Context) -> Iterator[Finding]:
    start = ctx.p.get("warmup_min_lr", ctx.p.get("warmup_min_ratio"))
    if ctx.p["warmup_type"] != "log" or start != 0:
        return
    key = "warmup_min_lr" if "warmup_min_lr" in ctx.p else "warmup_min_ratio"
    warm = warm_steps(ctx.p)
    yield Finding(
        f"warmup_type is log (DeepSpeed's default) with {key}=0: the first "
        f"{'two steps train' if 'warmup_min_lr' in ctx.p else 'steps train'} at lr 0 (log(1) = "
        f"0), and the lr then jumps: half of the peak after sqrt({warm}) = "
        f"{warm ** 0.5:.3g} steps",
        f"set warmup_type: linear for a linear ramp, or {key} above 0",
        ("warmup_type",))


@rule("decay-ends-before-run", "deepspeed.warmup_decay",
      summary="WarmupDecayLR reaches 0 before the run ends and trains on at lr 0")
def _ds_decay_ends_early(ctx: Context) -> Iterator[Finding]:
    total = ctx.p["total_num_steps"]
    if not ctx.steps_given or ctx.last <= total + 1:
        return
    yield Finding(
        f"total_num_steps={total} is shorter than the run ({ctx.steps} steps): the lr is 0 "
        f"from step {total + 1} on, {ctx.last - total} steps that train at lr 0",
        f"set total_num_steps: {ctx.steps - 1} (the optimizer steps of the run)",
        ("total_num_steps",))
