"""Megatron-core's ``OptimizerParamScheduler`` (``megatron/core/optimizer_param_scheduler.py``)
as the kind ``megatron.param_scheduler`` (also ``megatron.OptimizerParamScheduler``).
Declarations only; the kernel is in lrplot.frameworks.megatron.kernels.

Parameters are the class's, counted as the class counts: Megatron's training loop calls
``step(increment=global_batch_size)`` after every iteration, and builds the class with
``lr_decay_steps = lr_decay_iters x global_batch_size`` (samples) — ``increment`` here is that
global batch size, and lrplot's step ``i`` is iteration ``i`` (``num_steps = i x increment``).
``max_lr`` is Megatron's ``--lr`` (null: base_lr). Bounds refuse what the class asserts.
The weight-decay schedule (``start_wd`` -> ``end_wd`` over ``wd_incr_steps``) is the
``weight_decay`` series.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from lrplot.frameworks.megatron import events
from lrplot.params import Param
from lrplot.schedules import Kind, register

DECAY_STYLES = ("constant", "linear", "cosine", "inverse-square-root", "WSD")
WSD_STYLES = ("linear", "cosine", "exponential", "minus_sqrt")


def _check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems = []
    max_lr = p["max_lr"]
    if max_lr is not None and max_lr < p["min_lr"]:
        problems.append(("max_lr", "must be at least min_lr (Megatron asserts it)"))
    if max_lr is not None and p["init_lr"] > max_lr:
        problems.append(("init_lr", "must be at most max_lr (Megatron asserts it)"))
    if not p["lr_warmup_steps"] < p["lr_decay_steps"]:
        problems.append(("lr_warmup_steps", "must be less than lr_decay_steps (Megatron "
                                            "asserts it)"))
    if p["lr_decay_style"] == "WSD" and p["wsd_decay_steps"] is None:
        problems.append(("wsd_decay_steps", "is required with lr_decay_style WSD"))
    if p["end_wd"] < p["start_wd"]:
        problems.append(("end_wd", "must be at least start_wd (Megatron asserts it)"))
    if p["wd_incr_style"] == "constant" and p["end_wd"] != p["start_wd"]:
        problems.append(("wd_incr_style", "constant needs start_wd == end_wd (Megatron "
                                          "asserts it); use linear or cosine"))
    return problems


def _horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    iterations = math.ceil(p["lr_decay_steps"] / p["increment"])
    return iterations * 11 // 10 + 2, "10% past lr_decay_steps"


def _extras(p: Mapping[str, Any]) -> tuple[str, ...]:
    return ("weight_decay",)


PARAM_SCHEDULER = register(Kind(
    name="megatron.param_scheduler", framework_class="OptimizerParamScheduler",
    summary="linear warm-up from init_lr, then constant, linear, cosine, inverse-square-root "
            "or WSD (linear, cosine, exponential, minus_sqrt annealing) to min_lr at "
            "lr_decay_steps; weight decay from start_wd to end_wd",
    params=(
        Param("lr_decay_steps", "int", "the step count (samples, with increment) where the "
              "decay reaches min_lr", min=1),
        Param("max_lr", "float", "the peak lr, Megatron's --lr (null: base_lr)", default=None,
              min=0),
        Param("min_lr", "float", "the lr after lr_decay_steps", default=0.0, min=0),
        Param("init_lr", "float", "the lr the warm-up starts from (--lr-warmup-init)",
              default=0.0, min=0),
        Param("lr_warmup_steps", "float", "warm-up length (a fraction x lr_decay_steps may be "
              "fractional)", default=0, min=0),
        Param("lr_decay_style", "choice", "the decay after the warm-up", default="linear",
              choices=DECAY_STYLES),
        Param("wsd_decay_steps", "int", "WSD: the annealing phase's length, ending at "
              "lr_decay_steps", default=None, min=0),
        Param("lr_wsd_decay_style", "choice", "WSD: the annealing curve",
              default="exponential", choices=WSD_STYLES),
        Param("start_wd", "float", "weight decay at the start", default=0.01, min=0),
        Param("end_wd", "float", "weight decay after wd_incr_steps", default=0.01, min=0),
        Param("wd_incr_steps", "int", "the weight decay's ramp length (null: lr_decay_steps)",
              default=None, min=1),
        Param("wd_incr_style", "choice", "the weight decay's ramp", default="constant",
              choices=("constant", "linear", "cosine")),
        Param("increment", "int", "steps the scheduler advances per iteration (Megatron: the "
              "global batch size)", default=1, min=1),
    ),
    kernel="lrplot.frameworks.megatron.kernels:param_scheduler",
    example="--lr-decay-steps 1000 --lr-warmup-steps 100 --lr-decay-style linear,cosine,WSD "
            "--wsd-decay-steps 200",
    horizon=_horizon, check=_check, framework="megatron", extras=_extras,
    extra_series=("weight_decay",),
    events=events.events,
))
