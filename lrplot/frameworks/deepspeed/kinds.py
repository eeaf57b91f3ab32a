"""DeepSpeed's ``deepspeed.runtime.lr_schedules`` classes as ``deepspeed.<name>`` kinds (also
``deepspeed.<ClassName>``, ``ds.<name>``). Declarations only; kernels in
lrplot.frameworks.deepspeed.kernels.

Parameter names and defaults are the classes' (``WarmupLR(optimizer, warmup_min_lr=0.0,
warmup_max_lr=None, warmup_num_steps=1000, warmup_type='log')``), which are also the keys of a
``ds_config.json`` ``scheduler.params``. One value per parameter: lrplot draws one parameter
group, so the classes' per-group lists are not accepted.

The series follows DeepSpeed's engine: ``lr[0]`` is the lr the constructor sets, and the engine
calls ``step()`` after every optimizer step, so ``lr[i]`` is the class's ``get_lr()`` with
``last_batch_iteration = i - 1``. With the log warm-up (the default) ``log(1) = 0``: lr[0] and
lr[1] are both warmup_min_lr.

Bounds refuse what the classes raise on (warmup_num_steps <= 0, cycle_first_step_size <= 0) and
what would divide by zero later (a decay rate making ``1 + rate * t`` reach 0). An unknown
warmup_type is refused too: DeepSpeed would log a warning and warm up logarithmically.
"""

from __future__ import annotations

from typing import Any, Mapping

from lrplot.frameworks.deepspeed import events
from lrplot.params import Param, format_value
from lrplot.schedules import Kind, register

KERNELS = "lrplot.frameworks.deepspeed.kernels"


def _warmup_steps() -> Param:
    return Param("warmup_num_steps", "int", "steps of warm-up (DeepSpeed uses at least 2)",
                 default=1000, min=1)


def _warmup_type() -> Param:
    return Param("warmup_type", "choice", "the warm-up curve: log (log(t + 1) / log(warmup), "
                 "DeepSpeed's default) or linear (t / warmup)", default="log",
                 choices=("log", "linear"))


def _total_steps() -> Param:
    return Param("total_num_steps", "int", "the step at which the decay ends", min=0)


def _ds(name: str, cls: str, summary: str, params: tuple[Param, ...], example: str,
        horizon: Any, **more: Any) -> Kind:
    return register(Kind(
        name=f"deepspeed.{name}", framework_class=cls, summary=summary, params=params,
        kernel=f"{KERNELS}:{name}", horizon=horizon, example=example, framework="deepspeed",
        **more))


WARMUP = _ds(
    "warmup", "WarmupLR",
    "warm up from warmup_min_lr to warmup_max_lr (log by default: the first two lrs are the "
    "minimum), then hold",
    (Param("warmup_min_lr", "float", "the lr the warm-up starts from", default=0.0, min=0),
     Param("warmup_max_lr", "float", "the lr after the warm-up (null: the optimizer's lr)",
           default=None, min=0),
     _warmup_steps(), _warmup_type()),
    "--warmup-num-steps 100 --warmup-type log,linear",
    horizon=lambda p: (events.warm_steps(p) * 3 // 2 + 1, "half the warm-up past its end"),
    events=events.warmup)


WARMUP_DECAY = _ds(
    "warmup_decay", "WarmupDecayLR",
    "WarmupLR's warm-up, then linear decay to 0 at total_num_steps (from warmup_num_steps, "
    "not transformers' linear)",
    (_total_steps(),
     Param("warmup_min_lr", "float", "the lr the warm-up starts from", default=0.0, min=0),
     Param("warmup_max_lr", "float", "the lr after the warm-up (DeepSpeed's default here is "
           "0.001, not the optimizer's lr)", default=0.001, min=0),
     _warmup_steps(), _warmup_type()),
    "--total-num-steps 1000 --warmup-num-steps 100 --warmup-type log,linear",
    horizon=lambda p: (max(p["total_num_steps"], events.warm_steps(p)) * 11 // 10 + 2,
                       "10% past total_num_steps"),
    # lr[i] is get_lr at last_batch_iteration i - 1: 0 one step after total_num_steps
    floor=lambda p: ("total_num_steps", p["total_num_steps"] + 1, "0")
    if p["total_num_steps"] >= events.warm_steps(p) else None, events=events.warmup_decay)


WARMUP_COSINE = _ds(
    "warmup_cosine", "WarmupCosineLR",
    "warm up from warmup_min_ratio * lr to lr, then cosine to cos_min_ratio * lr at "
    "total_num_steps",
    (_total_steps(),
     Param("warmup_min_ratio", "float", "the warm-up starts at this fraction of the lr",
           default=0.0, min=0),
     _warmup_steps(),
     Param("cos_min_ratio", "float", "the cosine ends at this fraction of the lr",
           default=0.0001, min=0),
     _warmup_type()),
    "--total-num-steps 1000 --warmup-num-steps 100",
    horizon=lambda p: (max(p["total_num_steps"], events.warm_steps(p)) * 11 // 10 + 2,
                       "10% past total_num_steps"),
    floor=lambda p: ("total_num_steps", p["total_num_steps"],
                     f"cos_min_ratio={format_value(p['cos_min_ratio'])} x the lr")
    if p["total_num_steps"] > events.warm_steps(p) else None, events=events.warmup_cosine)


def _cycle_size(p: Mapping[str, Any]) -> int:
    first = p["cycle_first_step_size"]
    second = first if p["cycle_second_step_size"] is None else p["cycle_second_step_size"]
    return first + second


def _onecycle_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    size = _cycle_size(p)
    if p["decay_step_size"] and (p["decay_lr_rate"] or p["decay_mom_rate"]):
        return 2 * size + 1, "the cycle and as long again of decay"
    return size * 5 // 4 + 2, "25% past the cycle"


def _onecycle_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    if p["cycle_max_lr"] < p["cycle_min_lr"]:
        return [("cycle_max_lr", "must be at least cycle_min_lr")]
    return []


def _ds_momentum(p: Mapping[str, Any]) -> tuple[str, ...]:
    return ("momentum",) if p.get("cycle_momentum") else ()


ONECYCLE = _ds(
    "one_cycle", "OneCycle",
    "one linear cycle cycle_min_lr -> cycle_max_lr -> cycle_min_lr (optional stairs), then an "
    "optional 1 / (1 + rate * t) decay; Adam's beta1 in antiphase",
    (Param("cycle_min_lr", "float", "the lr at the start and end of the cycle", min=0),
     Param("cycle_max_lr", "float", "the lr at the peak of the cycle", min=0),
     Param("decay_lr_rate", "float", "after the cycle: lr = cycle_min_lr / (1 + rate * t / "
           "decay_step_size)", default=0.0, min=0),
     Param("cycle_first_step_size", "int", "steps of the rising half", default=2000, min=1),
     Param("cycle_second_step_size", "int", "steps of the falling half (null: "
           "cycle_first_step_size)", default=None, min=0),
     Param("cycle_first_stair_count", "int", "stairs of the rising half (0: no stairs)",
           default=0, min=0),
     Param("cycle_second_stair_count", "int", "stairs of the falling half (null: "
           "cycle_first_stair_count)", default=None, min=0),
     Param("decay_step_size", "int", "the decay's time unit in steps (0: no decay)", default=0,
           min=0),
     Param("cycle_momentum", "bool", "cycle the optimizer's beta1 (only optimizers with betas: "
           "Adam, AdamW, Lamb...)", default=True),
     Param("cycle_min_mom", "float", "beta1 at the lr peak", default=0.8, min=0, max=1),
     Param("cycle_max_mom", "float", "beta1 at the start and end of the cycle", default=0.9,
           min=0, max=1),
     Param("decay_mom_rate", "float", "after the cycle: beta1 = cycle_max_mom * (1 + rate * t "
           "/ decay_step_size), growing", default=0.0, min=0)),
    "--cycle-min-lr 0.0001 --cycle-max-lr 0.001 --cycle-first-step-size 400",
    horizon=_onecycle_horizon, check=_onecycle_check, extras=_ds_momentum,
    extra_series=("momentum",), uses_base_lr=False, events=events.one_cycle)


RANGE_TEST = _ds(
    "range_test", "LRRangeTest",
    "lr range test: lr_range_test_min_lr * (1 + step_rate * t / step_size), growing without "
    "bound (optionally in stairs)",
    (Param("lr_range_test_min_lr", "float", "the lr at the start", default=1e-3, min=0),
     Param("lr_range_test_step_size", "int", "steps per unit of increase", default=2000, min=1),
     Param("lr_range_test_step_rate", "float", "increase per step_size steps (times the "
           "starting lr)", default=1.0),
     Param("lr_range_test_staircase", "bool", "increase in stairs of step_size steps",
           default=False)),
    "--lr-range-test-step-size 100 --lr-range-test-staircase false,true",
    horizon=lambda p: (5 * p["lr_range_test_step_size"] + 1, "five step sizes"),
    uses_base_lr=False)
