"""Where fvcore's param schedulers raise, in plain Python (no numpy: the kinds' ``check_steps``
uses it before anything is computed; the kernels raise the same at the same step).

fvcore refuses a ``where`` only from some point on (ConstantParamScheduler at ``where >= 1``,
MultiStepParamScheduler past 1, StepParamScheduler once ``int((where + 1e-6) * len(values))``
reaches its values, PolynomialDecayParamScheduler's fractional power of a negative number), and
a composite hands each child a ``where`` that grows with its own: so the first step that raises
is found by bisection over the steps.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

EPSILON = 1e-6  # ParamScheduler.WHERE_EPSILON


def composite_lengths(lengths: Sequence[float]) -> tuple[list[float], list[float]]:
    """CompositeParamScheduler's lengths as it uses them (the last one ``1.0 - sum(others)``
    when they do not sum to 1.0) and their running totals, summed in its order."""
    lengths = list(lengths)
    if sum(lengths) != 1.0:
        lengths[-1] = 1.0 - sum(lengths[:-1])
    totals = [lengths[0]]
    for length in lengths[1:]:
        totals.append(totals[-1] + length)
    return lengths, totals


def raises(kind: str, p: Mapping[str, Any], where: float) -> str | None:
    """What fvcore raises for the param scheduler ``kind`` at ``where``, or None."""
    name = kind.split(".", 1)[1]
    if name == "constant" and where >= 1.0:
        return "ConstantParamScheduler raises at where >= 1 (RuntimeError)"
    if name == "multistep" and where > 1.0:
        return "MultiStepParamScheduler raises at where > 1 (RuntimeError)"
    if name in ("step", "step_fixed_gamma"):
        count = len(p["values"]) if name == "step" else p["num_decays"] + 1
        if int((where + EPSILON) * count) >= count:
            return (f"StepParamScheduler raises IndexError once int((where + 1e-6) * {count}) "
                    f"reaches its {count} values")
    if name == "polynomial" and 1 - where < 0 and p["power"] != int(p["power"]):
        return ("PolynomialDecayParamScheduler gives a complex number past where = 1 (a "
                "fractional power of a negative number)")
    if name == "composite":
        return _composite([(c.kind, c.mapping) for c in p["schedulers"]], list(p["lengths"]),
                          list(p["interval_scaling"]), where)
    if name == "warmup":
        length = p["warmup_length"]
        ramp = ("detectron2.constant", {}) if p["warmup_method"] == "constant" else \
            ("detectron2.linear", {})
        child = p["scheduler"][0]
        return _composite([ramp, (child.kind, child.mapping)], [length, 1 - length],
                          ["rescaled", "rescaled" if p["rescale_interval"] else "fixed"], where)
    return None


def _composite(children: list[tuple[str, Mapping[str, Any]]], lengths: list[float],
               scaling: list[str], where: float) -> str | None:
    """CompositeParamScheduler.__call__'s choice of scheduler and its where."""
    lengths, _ = composite_lengths(lengths)
    i = 0
    running_total = lengths[i]
    while (where + EPSILON) > running_total and i < len(children) - 1:
        i += 1
        running_total += lengths[i]
    if scaling[i] == "rescaled":
        if lengths[i] == 0:
            return None  # a division by zero: the kernel names it
        where = (where - (running_total - lengths[i])) / lengths[i]
    kind, params = children[i]
    return raises(kind, params, where)


def solver_tree(p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The param scheduler build_lr_scheduler makes (for :func:`raises`: its shape, not its
    values)."""
    from lrplot.schedules import Child

    name = p["lr_scheduler_name"]
    if name == "WarmupMultiStepLR":
        steps = [x for x in p["solver_steps"] if x <= p["max_iter"]]
        inner = Child("detectron2.multistep", (("values", (1.0,) * (len(steps) + 1)),
                                               ("num_updates", p["max_iter"]),
                                               ("milestones", tuple(steps))))
    elif name == "WarmupCosineLR":
        inner = Child("detectron2.cosine", (("start_value", 1.0), ("end_value", 0.0)))
    else:
        inner = Child("detectron2.step_fixed_gamma", (("num_decays", p["num_decays"]),))
    return "detectron2.warmup", {"scheduler": (inner,), "warmup_method": p["warmup_method"],
                                 "rescale_interval": p["rescale_interval"],
                                 "warmup_length": min(p["warmup_iters"] / p["max_iter"], 1.0)}


def first_raising_step(kind: str, p: Mapping[str, Any], steps: int) -> tuple[int, str] | None:
    """The first of ``steps`` steps at which fvcore raises, and what, or None."""
    if kind == "detectron2.lr_multiplier":
        child = p["multiplier"][0]
        tree, max_iter = (child.kind, child.mapping), p["max_iter"]
    elif kind == "detectron2.solver":
        tree, max_iter = solver_tree(p), p["max_iter"]
    else:
        tree, max_iter = (kind, p), steps
    if raises(tree[0], tree[1], (steps - 1) / max_iter) is None:
        return None
    good, bad = -1, steps - 1
    while bad - good > 1:
        middle = (good + bad) // 2
        if raises(tree[0], tree[1], middle / max_iter):
            bad = middle
        else:
            good = middle
    return bad, raises(tree[0], tree[1], bad / max_iter) or ""
