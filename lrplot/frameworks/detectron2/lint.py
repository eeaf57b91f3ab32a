"""Lint rules for detectron2's schedules. Loaded by :mod:`lrplot.lint` (``Framework.lint``).

They read the parameters only (no lr values): the traps are in build_lr_scheduler's rules and
in fvcore's ``WHERE_EPSILON``, which at ``where = iter / max_iter`` is worth ``max_iter * 1e-6``
iterations: past 10^6 iterations a warm-up end or a decay comes one iteration early.
"""

from __future__ import annotations

import math
from typing import Any, Iterator, Mapping

from lrplot.lint import Context, Finding, rule

EPSILON = 1e-6  # fvcore's ParamScheduler.WHERE_EPSILON


def _decays_at(milestone: int, num_updates: int, max_iter: int) -> tuple[int, int]:
    """(the iteration a milestone of MultiStepParamScheduler(num_updates) stands for, the first
    iteration fvcore counts past it: ``int((i / max_iter + 1e-6) * num_updates) >= m``)."""
    nominal = math.ceil(milestone * max_iter / num_updates)
    first = nominal
    while first > 0 and int(((first - 1) / max_iter + EPSILON) * num_updates) >= milestone:
        first -= 1
    return nominal, first


def _warmup_ends(length: float, max_iter: int) -> tuple[int, int]:
    """(the iteration the warm-up stands for, the first iteration past it:
    CompositeParamScheduler's ``where + 1e-6 > warmup_length``)."""
    nominal = math.ceil(length * max_iter - 1e-9)
    first = nominal
    while first > 0 and (first - 1) / max_iter + EPSILON > length:
        first -= 1
    return nominal, first


def _solver_shape(p: Mapping[str, Any]) -> dict[str, Any] | None:
    """A solver's or an LRMultiplier's warm-up and multi-step decays, as iterations: max_iter,
    warmup_length, milestones with their num_updates (None: not that shape)."""
    if "lr_scheduler_name" in p:
        if p["lr_scheduler_name"] != "WarmupMultiStepLR":
            return {"max_iter": p["max_iter"], "warmup": min(p["warmup_iters"] / p["max_iter"],
                                                             1.0), "marks": [], "updates": 1}
        kept = [s for s in p["solver_steps"] if s <= p["max_iter"]]
        return {"max_iter": p["max_iter"], "warmup": min(p["warmup_iters"] / p["max_iter"], 1.0),
                "marks": kept, "updates": p["max_iter"]}
    child = p["multiplier"][0]
    if child.kind != "detectron2.warmup":
        return None
    warm = child.mapping
    inner = warm["scheduler"][0]
    marks, updates = [], 1
    if inner.kind == "detectron2.multistep" and not warm["rescale_interval"]:
        q = inner.mapping
        updates = q["num_updates"] if q["milestones"] is None or q["num_updates"] is not None \
            else q["milestones"][-1]
        marks = list(q["milestones"] or ())[:len(q["values"]) - 1]
    return {"max_iter": p["max_iter"], "warmup": warm["warmup_length"], "marks": marks,
            "updates": updates}


@rule("where-epsilon-moves-steps", "detectron2.solver", "detectron2.lr_multiplier",
      summary="past 10^6 iterations fvcore's 1e-6 epsilon moves a warm-up end or a decay one "
              "iteration early")
def _epsilon(ctx: Context) -> Iterator[Finding]:
    shape = _solver_shape(ctx.p)
    if shape is None or shape["max_iter"] < 500_000:
        return
    max_iter = shape["max_iter"]
    early = []
    if 0 < shape["warmup"] < 1:
        nominal, first = _warmup_ends(shape["warmup"], max_iter)
        if first < nominal:
            early.append(f"the warm-up ends at iteration {first}, not {nominal}")
    for mark in shape["marks"]:
        nominal, first = _decays_at(mark, shape["updates"], max_iter)
        if first < nominal:
            early.append(f"the decay at {nominal} comes at iteration {first}")
    if early:
        yield Finding(
            f"at max_iter {max_iter} fvcore's 1e-6 epsilon on where = iter / max_iter is "
            f"{max_iter * EPSILON:.3g} iterations: {'; '.join(early)}",
            "expected with fvcore; shift the warm-up or the steps by one iteration if the exact "
            "iteration matters", ("max_iter",))


@rule("steps-beyond-max-iter", "detectron2.solver",
      summary="SOLVER.STEPS beyond MAX_ITER are dropped: the lr never decays there")
def _beyond(ctx: Context) -> Iterator[Finding]:
    p = ctx.p
    beyond = [s for s in p["solver_steps"] if s > p["max_iter"]]
    if p["lr_scheduler_name"] == "WarmupMultiStepLR" and beyond:
        yield Finding(
            f"SOLVER.STEPS {beyond} lie beyond MAX_ITER {p['max_iter']}: build_lr_scheduler "
            "drops them (with a warning in the log) and the lr never decays there",
            "STEPS inside the run (detectron2's recipes decay at about 2/3 and 8/9 of MAX_ITER)",
            ("solver_steps",))


@rule("warmup-longer-than-first-step", "detectron2.solver",
      summary="the warm-up outlasts the first decay and ramps toward the decayed lr")
def _warmup_past_step(ctx: Context) -> Iterator[Finding]:
    p = ctx.p
    kept = [s for s in p["solver_steps"] if s <= p["max_iter"]]
    if p["lr_scheduler_name"] == "WarmupMultiStepLR" and kept and p["warmup_iters"] > kept[0]:
        yield Finding(
            f"WARMUP_ITERS {p['warmup_iters']} outlasts the first step at {kept[0]}: the "
            "warm-up ramps toward the already decayed lr (WarmupParamScheduler warms up to the "
            "scheduler's value at the warm-up's end) and never reaches BASE_LR",
            "WARMUP_ITERS below the first of SOLVER.STEPS", ("warmup_iters",))
