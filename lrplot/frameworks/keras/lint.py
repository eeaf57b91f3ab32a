"""Lint rules for Keras' schedules. Loaded by :mod:`lrplot.lint` (``Framework.lint``)."""

from __future__ import annotations

from typing import Iterator

from lrplot.lint import Context, Finding, _steps_text, rule


@rule("boundary-beyond-run", "keras.piecewise_constant_decay",
      summary="a PiecewiseConstantDecay boundary at or after the last step is never crossed")
def _boundary_beyond(ctx: Context) -> Iterator[Finding]:
    if not ctx.steps_given:
        return
    for i, b in enumerate(ctx.p["boundaries"]):
        if b >= ctx.last:  # the value changes after step b, at b + 1
            yield Finding(
                f"boundary {b} is not crossed before the run ends ({_steps_text(ctx)}): "
                f"values[{i + 1}] and later are never used",
                f"move the boundary before step {ctx.last}, or set steps to the real length of "
                f"training", ("boundaries", i))
