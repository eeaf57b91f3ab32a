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
