"""fvcore's param schedulers (``fvcore/common/param_scheduler.py``, fvcore 0.1.5.post20221221) and
detectron2's lr schedulers (``detectron2/solver/lr_scheduler.py``, ``build.py``) as
``detectron2.<name>`` kinds (also ``detectron2.<ClassName>``, ``fvcore.<ClassName>``).
Declarations only; kernels in lrplot.frameworks.detectron2.kernels.

An fvcore ``ParamScheduler`` is a function of ``where``, the fraction of training done, not of a
step: detectron2 steps it through ``LRMultiplier(optimizer, multiplier, max_iter)``, whose lr
after ``i`` steps is ``base_lr * multiplier(i / max_iter)``. ``detectron2.lr_multiplier`` is
that class; a param scheduler drawn on its own is drawn the same way over the curve's steps
(``max_iter = steps``: the run of ``steps`` iterations that train at ``lr[0..steps-1]``).
Children (``scheduler``, ``multiplier``, ``schedulers``) are fvcore param schedulers written as
mappings with their type; ``scheduler`` and ``multiplier`` take a list of one.

``detectron2.solver`` is the schedule ``build_lr_scheduler(cfg)`` makes from a yacs config's
``SOLVER`` section, with ``_C.SOLVER``'s defaults (``detectron2/config/defaults.py``);
``SOLVER.BASE_LR`` is lrplot's base_lr, ``SOLVER.STEPS`` is ``solver_steps`` (``steps`` is the
length of the curve). ``detectron2.warmup_multistep`` and ``detectron2.warmup_cosine`` are the
legacy ``WarmupMultiStepLR`` and ``WarmupCosineLR`` classes.

Bounds and checks refuse what the constructors raise on; what the schedulers raise at some
``where`` only (ConstantParamScheduler at ``where >= 1``, StepParamScheduler's index past its
values, MultiStepParamScheduler past ``where > 1``) is refused when evaluated, at its step.
"""

from __future__ import annotations

from typing import Any, Mapping

from lrplot.frameworks.detectron2 import events
from lrplot.frameworks.detectron2.where import first_raising_step
from lrplot.params import Param
from lrplot.schedules import Kind, register

KERNELS = "lrplot.frameworks.detectron2.kernels"
WHERE_STEPS = 1000
"""Steps of a param scheduler drawn alone, by default: its ``where`` in thousandths."""

LR_SCHEDULER = ("an LRScheduler of its own (it steps an optimizer), not an fvcore "
                "ParamScheduler")
METHODS = ("linear", "constant")


def _check_steps(kind: str) -> Any:
    """The kind's ``check_steps``: the steps past which fvcore raises (a StepParamScheduler at
    10^6 iterations, a MultiStepParamScheduler past max_iter + 1)."""
    def check(p: Mapping[str, Any], steps: int) -> str | None:
        found = first_raising_step(kind, p, steps)
        if found is None:
            return None
        step, why = found
        return (f"is too many: from step {step} fvcore's {why}, and detectron2 stops there; "
                f"use at most {step} steps")
    return check


def _where_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    return WHERE_STEPS, f"where = step / {WHERE_STEPS}"


def _fvcore(name: str, cls: str, summary: str, params: tuple[Param, ...], example: str,
            **more: Any) -> Kind:
    return register(Kind(
        name=f"detectron2.{name}", framework_class=cls,
        summary=summary + " (drawn as LRMultiplier steps it, max_iter = steps)", params=params,
        kernel=f"{KERNELS}:{name}_lr", horizon=more.pop("horizon", _where_horizon),
        example=example, framework="detectron2", check_steps=_check_steps(f"detectron2.{name}"),
        events=events.events, **more))


def _d2(name: str, cls: str, summary: str, params: tuple[Param, ...], example: str,
        horizon: Any, **more: Any) -> Kind:
    return register(Kind(
        name=f"detectron2.{name}", framework_class=cls, summary=summary, params=params,
        kernel=f"{KERNELS}:{name}", horizon=horizon, example=example, framework="detectron2",
        refused_as_child=LR_SCHEDULER, events=events.events, **more))


def _value(name: str, what: str, **bounds: Any) -> Param:
    return Param(name, "float", what, **bounds)


CONSTANT = _fvcore(
    "constant", "ConstantParamScheduler", "a constant multiplier (fvcore raises at where >= 1)",
    (_value("value", "the multiplier"),), "--value 0.5")

COSINE = _fvcore(
    "cosine", "CosineParamScheduler",
    "half a cosine from start_value to end_value over where 0..1",
    (_value("start_value", "the multiplier at where = 0"),
     _value("end_value", "the multiplier at where = 1")),
    "--start-value 1 --end-value 0.01")

EXPONENTIAL = _fvcore(
    "exponential", "ExponentialParamScheduler", "start_value * decay ** where",
    (_value("start_value", "the multiplier at where = 0"),
     _value("decay", "the multiplier's factor over the whole run (where = 1)", min=0)),
    "--start-value 1 --decay 0.02")

LINEAR = _fvcore(
    "linear", "LinearParamScheduler",
    "linear from start_value to end_value over where 0..1",
    (_value("start_value", "the multiplier at where = 0"),
     _value("end_value", "the multiplier at where = 1")),
    "--start-value 1 --end-value 0")


def _multistep_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    values, updates, milestones = p["values"], p["num_updates"], p["milestones"]
    if updates is None and milestones is None:
        return [("milestones", "give milestones or num_updates (fvcore: 'num_updates and "
                               "milestones cannot both be None')")]
    if milestones is not None:
        wanted = len(values) - int(updates is not None)
        if len(milestones) != wanted:
            return [("milestones", f"give {wanted} milestones for {len(values)} values"
                                   f"{' and num_updates' if updates is not None else ''} "
                                   f"(the last one ends the run when num_updates is null)")]
        if updates is None:
            updates, milestones = milestones[-1], milestones[:-1]
    if updates < len(values):
        return [("num_updates", f"{updates} must be at least the {len(values)} values")]
    start = 0
    for milestone in milestones or ():
        if milestone >= updates:
            return [("milestones", f"{milestone} is not smaller than num_updates = {updates}")]
        if start >= milestone:
            return [("milestones", f"must increase from above 0: {milestone} after {start}")]
        start = milestone
    return []


MULTISTEP = _fvcore(
    "multistep", "MultiStepParamScheduler",
    "values[k] from milestone k (int((where + 1e-6) * num_updates) counts the updates)",
    (Param("values", "float_list", "the multiplier in each range"),
     Param("num_updates", "int", "the end of the last range (null: the last milestone)",
           default=None, min=1),
     Param("milestones", "int_list", "the boundary of each range (null: num_updates split "
           "evenly)", default=None, min=0)),
    "--values 1,0.1,0.01 --milestones 60,80,90", check=_multistep_check)

POLYNOMIAL = _fvcore(
    "polynomial", "PolynomialDecayParamScheduler", "base_value * (1 - where) ** power",
    (_value("base_value", "the multiplier at where = 0"),
     _value("power", "the polynomial's power")),
    "--base-value 1 --power 0.9")


STEP = _fvcore(
    "step", "StepParamScheduler",
    "values in equal parts of the run: values[int((where + 1e-6) * len(values))]",
    (Param("num_updates", "float", "the run's length (only checked: > 0)", min=0,
           min_exclusive=True),
     Param("values", "float_list", "the multiplier in each equal part")),
    "--num-updates 90 --values 1,0.1,0.01",
    check=lambda p: [("values", "give at least one value")] if not p["values"] else [])

STEP_FIXED_GAMMA = _fvcore(
    "step_fixed_gamma", "StepWithFixedGammaParamScheduler",
    "base_value times gamma num_decays times, in num_decays + 1 equal parts",
    (_value("base_value", "the multiplier of the first part", min=0, min_exclusive=True),
     Param("num_decays", "int", "how many times the multiplier is multiplied by gamma", min=1),
     _value("gamma", "the factor of each decay", min=0, min_exclusive=True),
     Param("num_updates", "int", "the run's length (only checked: > 0)", min=1)),
    "--base-value 1 --num-decays 3 --gamma 0.1 --num-updates 120")


def _composite_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    count = len(p["schedulers"])
    if len(p["lengths"]) != count:
        return [("lengths", f"give one length per scheduler: {count} schedulers, "
                            f"{len(p['lengths'])} lengths")]
    if len(p["interval_scaling"]) != count:
        return [("interval_scaling", f"give one per scheduler: {count} schedulers, "
                                     f"{len(p['interval_scaling'])} values")]
    if abs(sum(p["lengths"]) - 1.0) >= 1e-3:
        return [("lengths", f"must sum to 1 (within 1e-3), got {sum(p['lengths'])!r}")]
    return []


def _children(help_text: str) -> Param:
    return Param("schedulers", "schedulers", help_text, child_kinds="detectron2")


COMPOSITE = _fvcore(
    "composite", "CompositeParamScheduler",
    "param schedulers one after another, each for a fraction of the run (lengths); a "
    "rescaled one sees its own where 0..1, a fixed one the run's",
    (_children("the fvcore param schedulers, e.g. [{type: detectron2.linear, start_value: "
               "0.001, end_value: 1}, {type: detectron2.cosine, start_value: 1, end_value: 0}]"),
     Param("lengths", "float_list", "the fraction of the run of each scheduler (sum 1)", min=0),
     Param("interval_scaling", "choice_list", "per scheduler: rescaled (its where runs 0..1 "
           "over its length) or fixed (the run's where)", choices=("rescaled", "fixed"))),
    "--schedulers '[{type: detectron2.constant, value: 0.1}, {type: detectron2.cosine, "
    "start_value: 1, end_value: 0}]' --lengths 0.1,0.9 --interval-scaling rescaled,fixed",
    check=_composite_check, composite=True)


def _one(name: str, help_text: str) -> Param:
    return Param(name, "schedulers", help_text + " (a list of one)", child_kinds="detectron2")


def _single(name: str) -> Any:
    return lambda p: [(name, "give one scheduler")] if len(p[name]) != 1 else []


WARMUP = _fvcore(
    "warmup", "WarmupParamScheduler",
    "a warm-up over the first warmup_length of the run (from warmup_factor x the scheduler's "
    "start, linear or constant), then the scheduler",
    (_one("scheduler", "the param scheduler after the warm-up, e.g. [{type: "
          "detectron2.multistep, values: [1, 0.1], milestones: [80, 100]}]"),
     _value("warmup_factor", "the warm-up starts at this fraction of scheduler(0)"),
     _value("warmup_length", "the warm-up's fraction of the run (detectron2: WARMUP_ITERS / "
            "MAX_ITER)", min=0, max=1),
     Param("warmup_method", "choice", "linear (to the scheduler's value at the warm-up's end) "
           "or constant", default="linear", choices=METHODS),
     Param("rescale_interval", "bool", "the scheduler runs its own where 0..1 after the "
           "warm-up (false: it sees the run's where, and starts mid-way)", default=False)),
    "--scheduler '[{type: detectron2.cosine, start_value: 1, end_value: 0}]' "
    "--warmup-factor 0.001 --warmup-length 0.01",
    check=_single("scheduler"), composite=True)


LR_MULTIPLIER = _d2(
    "lr_multiplier", "LRMultiplier",
    "base_lr x an fvcore param scheduler at where = step / max_iter (detectron2's LRScheduler)",
    (_one("multiplier", "the param scheduler, e.g. [{type: detectron2.warmup, warmup_factor: "
          "0.001, warmup_length: 0.01, scheduler: [{type: detectron2.cosine, start_value: 1, "
          "end_value: 0}]}]"),
     Param("max_iter", "int", "the run's iterations (where = step / max_iter)", min=1)),
    "--multiplier '[{type: detectron2.cosine, start_value: 1, end_value: 0}]' --max-iter 1000",
    horizon=lambda p: (p["max_iter"], "max_iter: the iterations detectron2 trains"),
    check=_single("multiplier"), composite=True,
    check_steps=_check_steps("detectron2.lr_multiplier"))


def _warmup_params(iters: int = 1000) -> tuple[Param, ...]:
    return (_value("warmup_factor", "the warm-up's starting factor", default=0.001),
            Param("warmup_iters", "int", "iterations of warm-up", default=iters, min=0),
            Param("warmup_method", "choice", "linear (from warmup_factor to 1) or constant "
                  "(warmup_factor throughout)", default="linear", choices=METHODS))


WARMUP_MULTISTEP = _d2(
    "warmup_multistep", "WarmupMultiStepLR",
    "the legacy warm-up then x gamma at each milestone (detectron2's deprecated class)",
    (Param("milestones", "int_list", "iterations at which the lr is multiplied by gamma"),
     _value("gamma", "the factor at each milestone", default=0.1),
     *_warmup_params()),
    "--milestones 600,800 --warmup-iters 100",
    horizon=lambda p: (max([*p["milestones"], p["warmup_iters"]], default=0) * 5 // 4 + 1,
                       "25% past the last milestone"),
    check=lambda p: [("milestones", "must be in increasing order (detectron2 raises)")]
    if list(p["milestones"]) != sorted(p["milestones"]) else [])

WARMUP_COSINE = _d2(
    "warmup_cosine", "WarmupCosineLR",
    "the legacy warm-up times a half cosine to 0 at max_iters (detectron2's deprecated class)",
    (Param("max_iters", "int", "the cosine's length", min=1), *_warmup_params()),
    "--max-iters 1000 --warmup-iters 100",
    horizon=lambda p: (p["max_iters"] + 1, "max_iters"))


def _solver_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    max_iter, name = p["max_iter"], p["lr_scheduler_name"]
    if name == "WarmupMultiStepLR":
        steps = [x for x in p["solver_steps"] if x <= max_iter]
        start = 0
        for step in steps:
            if step >= max_iter:
                return [("solver_steps", f"{step} equals MAX_ITER: fvcore's "
                                         "MultiStepParamScheduler raises ('Milestone must be "
                                         "smaller than total number of updates')")]
            if start >= step:
                return [("solver_steps", f"must increase from above 0: {step} after {start} "
                                         "(fvcore's MultiStepParamScheduler raises)")]
            start = step
        if max_iter < len(steps) + 1:
            return [("max_iter", f"must be at least the {len(steps) + 1} values of the "
                                 "multi-step schedule")]
    if name == "WarmupStepWithFixedGammaLR" and p["gamma"] <= 0:
        return [("gamma", "must be > 0 for WarmupStepWithFixedGammaLR (fvcore raises)")]
    return []


SOLVER = _d2(
    "solver", "build_lr_scheduler",
    "the schedule of a yacs config's SOLVER section, built as build_lr_scheduler does: "
    "warm-up, then multi-step, cosine or fixed-gamma steps, through LRMultiplier",
    (Param("lr_scheduler_name", "choice", "SOLVER.LR_SCHEDULER_NAME",
           default="WarmupMultiStepLR",
           choices=("WarmupMultiStepLR", "WarmupCosineLR", "WarmupStepWithFixedGammaLR")),
     Param("max_iter", "int", "SOLVER.MAX_ITER: the run's iterations", default=40000, min=1),
     _value("base_lr_end", "SOLVER.BASE_LR_END: the cosine's end lr (WarmupCosineLR)",
            default=0.0, min=0),
     Param("solver_steps", "int_list", "SOLVER.STEPS: iterations at which the lr is "
           "multiplied by gamma (those above MAX_ITER are dropped)", default=(30000,), min=0),
     _value("gamma", "SOLVER.GAMMA: the factor of each decay", default=0.1),
     Param("num_decays", "int", "SOLVER.NUM_DECAYS (WarmupStepWithFixedGammaLR)", default=3,
           min=1),
     _value("warmup_factor", "SOLVER.WARMUP_FACTOR", default=1.0 / 1000),
     Param("warmup_iters", "int", "SOLVER.WARMUP_ITERS", default=1000, min=0),
     Param("warmup_method", "choice", "SOLVER.WARMUP_METHOD", default="linear",
           choices=METHODS),
     Param("rescale_interval", "bool", "SOLVER.RESCALE_INTERVAL: the schedule after the "
           "warm-up runs its whole course in the rest of the run", default=False)),
    "--max-iter 90000 --solver-steps 60000,80000",
    horizon=lambda p: (p["max_iter"], "MAX_ITER: the iterations detectron2 trains"),
    check=_solver_check, check_steps=_check_steps("detectron2.solver"))
