"""Lint rules for transformers' schedules. Loaded by :mod:`lrplot.lint` (``Framework.lint``)."""

from __future__ import annotations

from typing import Iterator

from lrplot.lint import Context, Finding, rule


@rule("cosine-past-training-steps", "hf.cosine",
      summary="transformers' cosine stepped past num_training_steps rises again")
def _hf_cosine_past(ctx: Context) -> Iterator[Finding]:
    total = ctx.p.get("num_training_steps")
    if total is None or not ctx.steps_given or ctx.last <= total:
        return
    yield Finding(
        f"the run goes past num_training_steps={total} (to step {ctx.last}): the cosine does "
        f"not stay at 0, it rises again",
        f"set num_training_steps to the number of optimizer steps (num_training_steps: "
        f"{ctx.steps})",
        ("num_training_steps",))
