"""Lint rules for mmengine's schedulers: the traps of ``begin``/``end`` windows (``end`` is
exclusive) and of ``by_epoch``. Each rule looks at every scheduler of a
``mmengine.param_scheduler`` list, or at a single scheduler kind. Loaded by :mod:`lrplot.lint`
(``Framework.lint``)."""

from __future__ import annotations

from typing import Any, Iterator

from lrplot.frameworks.mmengine.phases import INF
from lrplot.lint import Context, Finding, rule

LIST = "mmengine.param_scheduler"


def _schedulers(ctx: Context) -> Iterator[tuple[str, dict[str, Any], tuple]]:
    """(short kind name, parameters, path inside the curve) of each scheduler."""
    if ctx.curve.kind.name == LIST:
        for i, child in enumerate(ctx.p["schedulers"]):
            yield child.kind.split(".", 1)[1], child.mapping, ("schedulers", i)
    else:
        yield ctx.curve.kind.name.split(".", 1)[1], dict(ctx.p), ()


def _spe(ctx: Context) -> int | None:
    return ctx.p.get("steps_per_epoch")


def _all_kinds() -> tuple[str, ...]:
    from lrplot.schedules import all_kinds

    return tuple(k.name for k in all_kinds() if k.framework == "mmengine")


KINDS = _all_kinds()


@rule("mmengine-zero-length-warmup", *KINDS,
      summary="a by_epoch LinearLR or ConstantLR one epoch long applies its factor and never "
              "undoes it")
def _zero_length(ctx: Context) -> Iterator[Finding]:
    for name, p, path in _schedulers(ctx):
        if name.removesuffix("_momentum") not in ("linear", "constant"):
            continue
        if p["end"] - p["begin"] != 1 or p["convert_to_iter_based"]:
            continue  # converted: the window is steps_per_epoch iterations long
        factor = "start_factor" if name.startswith("linear") else "factor"
        if p[factor] == 1.0:
            continue
        unit = "epoch" if p["by_epoch"] and not p["convert_to_iter_based"] else "step"
        yield Finding(
            f"end - begin = 1 {unit}: mmengine multiplies by {factor}={p[factor]:g} at begin "
            f"and the window closes before any step ramps it back (end is exclusive), so the "
            "whole run trains at the reduced value",
            "count the warm-up in iterations (by_epoch=False, end=<iterations>) or give it more "
            "than one epoch (end = begin + epochs + 1 ramps over epochs)",
            path + ("end",))


@rule("mmengine-cosine-short-of-eta-min", *KINDS,
      summary="CosineAnnealingLR with T_max = end - begin stops one step before eta_min")
def _cosine_short(ctx: Context) -> Iterator[Finding]:
    for name, p, path in _schedulers(ctx):
        if name.removesuffix("_momentum") != "cosine" or p["end"] >= INF:
            continue
        window = p["end"] - p["begin"]
        if p["T_max"] not in (None, 0, window):
            continue
        yield Finding(
            f"T_max = end - begin = {window}, but end is exclusive: the last step of the window "
            f"is {window - 1} of {window}, so the value never reaches the minimum (it stops "
            "at cos(pi * (T_max - 1) / T_max) of the way)",
            f"set T_max={window - 1} to end at the minimum, or end={p['end'] + 1}",
            path + ("T_max",) if p["T_max"] else path + ("end",))


@rule("mmengine-window-past-run", *KINDS,
      summary="a scheduler's window ends after the run: its schedule is cut short")
def _past_run(ctx: Context) -> Iterator[Finding]:
    if not ctx.steps_given:
        return
    spe = _spe(ctx)
    for name, p, path in _schedulers(ctx):
        if p["end"] >= INF:
            continue
        end, unit = p["end"], "steps"
        if p["convert_to_iter_based"] and spe:
            end = int(end * spe)
        elif p["by_epoch"] and spe:
            unit = "epochs"
        scale = spe if unit == "epochs" else 1
        last = (ctx.curve.steps - 1) // scale  # the last step of the scheduler in the run
        if end - 1 <= last:
            continue
        yield Finding(
            f"{name} ends at {end} {unit} (exclusive) but the run stops after step {last}: "
            f"{end - 1 - last} of its {unit} never happen"
            + (", so its minimum is never reached" if name.startswith(("cosine", "poly"))
               else ""),
            f"set end to {last + 1} (the run's length in {unit}) or lengthen the run",
            path + ("end",))
