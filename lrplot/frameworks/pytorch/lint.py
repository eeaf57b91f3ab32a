"""Lint rules for torch's schedulers: milestones, step sizes, a cosine past T_max, one-cycle
lengths, SequentialLR hand-overs, and epoch-sized parameters stepped every iteration. Loaded
by :mod:`lrplot.lint` (``Framework.lint``)."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, Iterator, Mapping

from lrplot.lint import Context, Finding, _fmt, _steps_text, rule
from lrplot.frameworks.pytorch import onecycle
from lrplot.params import format_value


@rule("duplicate-milestone", "multistep",
      summary="a milestone listed twice decays twice at that step (torch counts milestones)")
def _duplicate_milestones(ctx: Context) -> Iterator[Finding]:
    milestones = list(ctx.p["milestones"])
    counts = Counter(milestones)
    seen: Counter = Counter()
    unique = list(dict.fromkeys(milestones))
    for i, m in enumerate(milestones):
        seen[m] += 1
        if seen[m] == 2:
            n = counts[m]
            gamma = ctx.p["gamma"]
            yield Finding(
                f"milestone {m} is listed {'twice' if n == 2 else f'{n} times'}, so the lr is "
                f"multiplied by gamma**{n} = {_fmt(gamma ** n)} at step {m}, not by gamma = "
                f"{_fmt(gamma)} (MultiStepLR counts its milestones)",
                f"list each step once (milestones: {format_value(unique)}); milestones are the "
                f"steps where the lr decays, not the ends of intervals",
                ("milestones", i))


@rule("milestone-zero", "multistep",
      summary="a milestone at 0 already decays at construction")
def _milestone_zero(ctx: Context) -> Iterator[Finding]:
    milestones = list(ctx.p["milestones"])
    if 0 in milestones:
        yield Finding(
            f"milestone 0 applies when the scheduler is built: lr[0] is already base_lr * gamma "
            f"= {_fmt(ctx.base_lr * ctx.p['gamma'])}, and base_lr is never used",
            "remove the 0, or lower base_lr if the smaller start is intended",
            ("milestones", milestones.index(0)))


@rule("milestone-beyond-run", "multistep",
      summary="a milestone at or after the last step never decays")
def _milestone_beyond(ctx: Context) -> Iterator[Finding]:
    if not ctx.steps_given:
        return
    for i, m in enumerate(ctx.p["milestones"]):
        if m > ctx.last:
            yield Finding(
                f"milestone {m} comes after the last step ({_steps_text(ctx)}): this decay "
                f"never happens",
                f"move it before step {ctx.steps}, or set steps to the real length of training",
                ("milestones", i))


@rule("step-size-beyond-run", "step",
      summary="a step_size as long as the run never decays")
def _step_size_beyond(ctx: Context) -> Iterator[Finding]:
    if ctx.steps_given and ctx.p["step_size"] > ctx.last:
        yield Finding(
            f"step_size={ctx.p['step_size']} is longer than the run ({_steps_text(ctx)}): the lr "
            f"never decays",
            f"use a step_size below {ctx.steps} (e.g. {max(1, ctx.steps // 3)} for three "
            f"decays), or set steps to the real length of training",
            ("step_size",))


# -- rules: cosine --------------------------------------------------------------------------------


@rule("cosine-past-t-max", "cosine",
      summary="CosineAnnealingLR stepped past T_max rises again")
def _cosine_past_t_max(ctx: Context) -> Iterator[Finding]:
    T = ctx.p["T_max"]
    if not ctx.steps_given or ctx.last <= T:
        return
    if ctx.steps > 20 * T:
        return  # many periods: the per-iteration rule explains it better
    back = min(2 * T, ctx.last)
    yield Finding(
        f"the run goes past T_max={T} (to step {ctx.last}): CosineAnnealingLR does not stay at "
        f"eta_min, it rises again along the cosine — back to {_fmt(ctx.at(back)[back])} "
        f"at step {back}",
        f"set T_max to the number of scheduler steps (T_max: {ctx.steps}, as T_max = epochs "
        f"for a scheduler stepped once per epoch) for one decay over the whole run; use "
        f"cosine-restarts if restarts are intended",
        ("T_max",))


# -- rules: OneCycleLR ----------------------------------------------------------------------------


def _onecycle_total(p: Mapping[str, Any]) -> int | None:
    return onecycle.total(p.get("total_steps"), p.get("epochs"), p.get("steps_per_epoch"))


@rule("onecycle-overrun", "onecycle",
      summary="a one-cycle run longer than total_steps")
def _onecycle_overrun(ctx: Context) -> Iterator[Finding]:
    total = _onecycle_total(ctx.p)
    if total is None or ctx.steps <= total:
        return
    param = ("total_steps",) if ctx.p.get("total_steps") is not None else ("epochs",)
    yield Finding(
        f"the run takes {ctx.steps} lr values but the cycle has total_steps={total}: lr[{total}] "
        f"is an overshoot past the end of the cycle (pct > 1), and torch raises ValueError on "
        f"the next scheduler.step()",
        f"set total_steps to the number of optimizer steps (or steps: {total}); with epochs and "
        f"steps_per_epoch, steps_per_epoch must be len(train_loader)",
        param)


@rule("onecycle-floor-not-reached", "onecycle",
      summary="the run ends before the one-cycle schedule anneals to its minimum")
def _onecycle_short(ctx: Context) -> Iterator[Finding]:
    total = _onecycle_total(ctx.p)
    if total is None or not ctx.steps_given or ctx.last >= total - 1:
        return
    final = ctx.at(ctx.last)[ctx.last]
    param = ("total_steps",) if ctx.p.get("total_steps") is not None else ("epochs",)
    yield Finding(
        f"the run ends at step {ctx.last}, before the cycle's end at step {total - 1}: the lr "
        f"stops at {_fmt(final)} and never anneals to max_lr/div_factor/final_div_factor",
        f"set total_steps to the number of optimizer steps (total_steps: {ctx.steps})",
        param)


# -- rules: composites ----------------------------------------------------------------------------


def _children(ctx: Context) -> list[Any]:
    return list(ctx.p.get("schedulers") or ())


# A SequentialLR milestone at 0 (the first scheduler never runs) and decreasing milestones are
# refused by the spec, as errors: torch would silently misuse them.


@rule("sequential-repeated-milestone", "sequential",
      summary="a SequentialLR milestone repeated: the scheduler between never runs")
def _sequential_repeated(ctx: Context) -> Iterator[Finding]:
    milestones = list(ctx.p.get("milestones") or ())
    children = _children(ctx)
    for i in range(1, len(milestones)):
        if milestones[i] == milestones[i - 1]:
            name = getattr(children[i], "kind", "") if i < len(children) else ""
            yield Finding(
                f"milestone {milestones[i]} is repeated: scheduler {i} ({name}) starts and ends "
                f"at step {milestones[i]} and never runs",
                f"remove scheduler {i} and one of the milestones, or give it the step where it "
                f"should end",
                ("milestones", i))


@rule("handover-jump", "sequential",
      summary="the lr jumps where one phase hands over to the next")
def _handover_jump(ctx: Context) -> Iterator[Finding]:
    milestones = list(ctx.p.get("milestones") or ())
    inside = [m for m in milestones if 0 < m <= ctx.last]
    if not inside:
        return
    lr = ctx.at(*(m - d for m in inside for d in (0, 1, 2)))
    children = _children(ctx)
    for i, m in enumerate(milestones):
        if not 0 < m <= ctx.last or milestones.index(m) != i:
            continue
        before, after = float(lr[m - 1]), float(lr[m])
        scale = max(abs(before), abs(after))
        if scale == 0 or abs(after - before) / scale <= 0.25:
            continue
        # The step-to-step change just before the hand-over: a decay that is already steep
        # (a step schedule) is not a jump.
        usual = abs(float(lr[m - 1]) - float(lr[m - 2])) if m >= 2 else 0.0
        if abs(after - before) <= 2 * usual:
            continue
        name = getattr(children[i], "kind", f"scheduler {i}") if i < len(children) else ""
        following = getattr(children[i + 1], "kind", f"scheduler {i + 1}") \
            if i + 1 < len(children) else ""
        yield Finding(
            f"the lr jumps from {_fmt(before)} to {_fmt(after)} at step {m}, where {name} hands "
            f"over to {following}: the first phase does not end where the next one starts",
            f"make the first phase end at the next one's start (a warmup's total_iters = the "
            f"milestone {m}, end_factor = 1.0), or move the milestone to where it does",
            ("milestones", i))


# -- rules: epochs or iterations? -----------------------------------------------------------------

TINY = 1e-6
"""A fraction of base_lr below which the lr has, for training purposes, stopped."""


@rule("stepped-per-iteration", "step", "multistep", "exponential", "cosine", "cosine-restarts",
      stage=2, summary="epoch-sized parameters, but the scheduler is stepped every iteration")
def _per_iteration(ctx: Context) -> Iterator[Finding]:
    if not ctx.steps_given or ctx.steps < 1000:
        return
    kind, p, n = ctx.curve.kind.name, ctx.p, ctx.steps
    fix_step = ("call scheduler.step() once per epoch, not after every batch — or, to step per "
                "iteration, multiply {what} by the iterations per epoch (len(train_loader))")
    if kind == "multistep":
        last = max(p["milestones"], default=0)
        if 0 < last < n * 0.1:
            yield Finding(
                f"every milestone is in the first {100 * (last + 1) / n:.2g}% of the "
                f"{n} steps ({format_value(list(p['milestones']))}): they look like epochs, but "
                f"the run is counted in iterations, and the lr is flat for the remaining "
                f"{n - last - 1} steps",
                fix_step.format(what="the milestones"), ("milestones",))
    elif kind == "step":
        decays = ctx.last // p["step_size"]
        if decays >= 50 and p["gamma"] < 1:
            yield Finding(
                f"step_size={p['step_size']} decays the lr {decays} times in {n} steps, to "
                f"{_fmt(ctx.base_lr * p['gamma'] ** decays)}: it looks like an epoch count, but "
                f"the scheduler is stepped every iteration",
                fix_step.format(what="step_size"), ("step_size",))
    elif kind == "exponential":
        gamma = p["gamma"]
        if gamma < 1:
            gone = math.ceil(math.log(TINY) / math.log(gamma))
            if gone < n * 0.1:
                yield Finding(
                    f"gamma={format_value(gamma)} per step takes the lr below {TINY:g} x base_lr "
                    f"by step {gone}, in the first {100 * gone / n:.2g}% of the {n} steps: it "
                    f"looks like a per-epoch decay stepped every iteration",
                    "call scheduler.step() once per epoch, or use gamma ** (1 / iterations per "
                    f"epoch) per iteration (e.g. {format_value(gamma)} ** (1/100) = "
                    f"{gamma ** 0.01:.6g})", ("gamma",))
    elif kind in ("cosine", "cosine-restarts"):
        period = 2 * p["T_max"] if kind == "cosine" else p["T_0"]
        if kind == "cosine-restarts" and p["T_mult"] > 1:
            return
        cycles = n / period
        if cycles >= 10:
            name = "T_max" if kind == "cosine" else "T_0"
            yield Finding(
                f"{name}={p[name]} makes the lr go through {cycles:.0f} cosine cycles in {n} "
                f"steps: it looks like an epoch count, but the scheduler is stepped every "
                f"iteration",
                fix_step.format(what=name), (name,))
