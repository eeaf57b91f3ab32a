"""Lint rules for torchtitan's warmup-stable-decay. Loaded by :mod:`lrplot.lint`
(``Framework.lint``)."""

from __future__ import annotations

from typing import Iterator

from lrplot.frameworks.torchtitan.phases import phases
from lrplot.lint import Context, Finding, rule


@rule("torchtitan-warmup-capped", "torchtitan.wsd",
      summary="a warm-up longer than the schedule is cut to it: no stable phase, no decay")
def _warmup_capped(ctx: Context) -> Iterator[Finding]:
    total, warmup, _, _ = phases(ctx.p)
    asked = ctx.p["warmup_steps"]
    if ctx.p.get("formula") == "2025-03" or asked <= total:  # 2025-03 refuses it outright
        return
    yield Finding(
        f"warmup_steps={asked} exceeds the schedule's {total} steps: torchtitan caps it at "
        f"{warmup}, so the whole run warms up, reaching the lr only at its last step, and "
        f"never decays",
        f"set warmup_steps below {total} (a few percent of the run is usual)",
        ("warmup_steps",))


@rule("torchtitan-past-schedule-end", "torchtitan.wsd",
      summary="stepped past total_steps the decay goes on: below zero, or back up")
def _past_end(ctx: Context) -> Iterator[Finding]:
    total, _, _, decay = phases(ctx.p)
    if not decay or ctx.last <= total:
        return
    turn = "rises again" if ctx.p["decay_type"] == "cosine" else "falls below min_lr, and " \
        "below zero further on"
    yield Finding(
        f"the run goes past the schedule's end (total_steps={total}, to step {ctx.last}): "
        f"torchtitan does not clamp the decay's progress, and the lr {turn}",
        f"set total_steps to the run's training steps ({ctx.steps}), or leave it unset",
        ("total_steps",))
