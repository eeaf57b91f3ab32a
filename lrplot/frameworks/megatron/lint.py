"""Lint rules for Megatron-core's OptimizerParamScheduler. Loaded by :mod:`lrplot.lint`
(``Framework.lint``)."""

from __future__ import annotations

from typing import Iterator

from lrplot.lint import Context, Finding, rule


def _fmt(value: float) -> str:
    return f"{value:.4g}"


@rule("lr-drops-at-decay-end", "megatron.param_scheduler",
      summary="Megatron's inverse-square-root falls to min_lr at once at lr_decay_steps")
def _megatron_isqrt_drop(ctx: Context) -> Iterator[Finding]:
    p = ctx.p
    decay, step = p["lr_decay_steps"], p["increment"]
    if p["lr_decay_style"] != "inverse-square-root" or not ctx.steps_given or \
            ctx.last * step <= decay:
        return
    at = decay // step + 1  # the first iteration past lr_decay_steps
    before = ctx.at(at - 1, at)
    yield Finding(
        f"inverse-square-root does not decay to min_lr: at lr_decay_steps={decay} (iteration "
        f"{at}) Megatron switches to min_lr at once, from {_fmt(before[at - 1])} to "
        f"{_fmt(before[at])}, and the run goes on past it",
        "set lr_decay_steps (--lr-decay-iters) to the run's length, or accept the drop",
        ("lr_decay_steps",))


@rule("megatron-run-ends-before-decay", "megatron.param_scheduler",
      summary="the run stops before lr_decay_steps: the lr never reaches min_lr")
def _megatron_run_ends_early(ctx: Context) -> Iterator[Finding]:
    p = ctx.p
    decay, step = p["lr_decay_steps"], p["increment"]
    end = -(-decay // step)  # the first iteration at min_lr
    if p["lr_decay_style"] in ("constant", "inverse-square-root") or not ctx.steps_given or \
            ctx.last >= end:
        return
    final = ctx.at(ctx.last)[ctx.last]
    warm = -(-p["lr_warmup_steps"] // step)
    where = f", still in its warm-up of {warm:.0f} iterations" if ctx.last < warm else ""
    yield Finding(
        f"the run stops at iteration {ctx.last}, before the decay ends at iteration {end} "
        f"(lr_decay_steps={decay} samples){where}: the lr ends at {_fmt(final)} and never "
        f"reaches min_lr={_fmt(p['min_lr'])}",
        f"set --lr-decay-iters to the run's --train-iters ({ctx.last}; with samples, "
        f"--lr-decay-samples to --train-samples), or --train-iters to {end}",
        ("lr_decay_steps",))
