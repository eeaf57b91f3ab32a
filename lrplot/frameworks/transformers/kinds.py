"""Hugging Face transformers' schedules (``transformers.get_scheduler`` names), as ``hf.<name>``.

Declarations only; kernels in lrplot.frameworks.transformers.kernels. Each is a torch
``LambdaLR`` over the optimizer's lr (lrplot's ``base_lr``): ``lr[t] = base_lr * f(t)`` with
``f`` computed in Python floats, so lrplot matches transformers bit for bit (tolerance 1e-12).
Parameter names and
defaults are those of the transformers function each kind names (``framework_class``); the
metric-driven ``reduce_lr_on_plateau`` and ``greedy`` have no fixed series and are left out.

Bounds refuse what transformers accepts but cannot mean or would crash on: negative step
counts, polynomial with num_training_steps == num_warmup_steps (a division by zero at that
step) or lr_end >= base_lr (transformers raises), both or neither of min_lr / min_lr_rate.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from lrplot.frameworks.transformers import events
from lrplot.params import REQUIRED, Param, format_value
from lrplot.schedules import Kind, register

KERNELS = "lrplot.frameworks.transformers.kernels"
FRAMEWORK = "transformers"
EXACT = "bit for bit with transformers (Python floats)"


def _warmup(default: Any = REQUIRED) -> Param:
    return Param("num_warmup_steps", "int", "steps of linear warmup from 0 to base_lr",
                 default=default, min=0)


def _training(help: str = "total training steps: the decay ends here") -> Param:
    return Param("num_training_steps", "int", help, min=0)


def _cycles(default: float, help: str) -> Param:
    return Param("num_cycles", "float", help, default=default, min=0)


COSINE_CYCLES = "number of cosine waves over the decay (0.5: one half-wave down to 0)"


def _past_training(p: Mapping[str, Any]) -> tuple[int, str]:
    end = max(p["num_training_steps"], p.get("num_warmup_steps", 0), 1)
    return end + max(10, math.ceil(end * 0.2)), "20% past the end of training"


def _hf(name: str, function: str, summary: str, params: tuple[Param, ...], example: str,
        horizon: Any = _past_training, check: Any = None, kernel: str | None = None,
        floor: Any = None) -> Kind:
    return register(Kind(
        name=f"hf.{name}", framework_class=function, summary=summary, params=params,
        kernel=f"{KERNELS}:{kernel or name}", horizon=horizon,
        check=check or (lambda p: []), example=example, framework=FRAMEWORK,
        floor=floor, events=events.events,
    ))


def _min_lr_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    if p.get("min_lr") is not None and p.get("min_lr_rate") is not None:
        return [("min_lr_rate", "give only one of min_lr and min_lr_rate")]
    if p.get("min_lr") is None and p.get("min_lr_rate") is None:
        return [("min_lr", "needs min_lr (an lr) or min_lr_rate (a ratio of base_lr)")]
    return []


def _min_lr_params() -> tuple[Param, ...]:
    return (
        Param("min_lr", "float", "the lr at the end of the decay (give this or min_lr_rate)",
              default=None, min=0),
        Param("min_lr_rate", "float", "the lr at the end of the decay, as a ratio of base_lr "
              "(give this or min_lr)", default=None, min=0),
    )


CONSTANT = _hf(
    "constant", "get_constant_schedule", "base_lr throughout", (), "",
    horizon=lambda p: (100, "a constant schedule"))

CONSTANT_WITH_WARMUP = _hf(
    "constant_with_warmup", "get_constant_schedule_with_warmup",
    "linear warmup from 0, then base_lr", (_warmup(),), "--num-warmup-steps 100",
    horizon=lambda p: (max(100, 2 * p["num_warmup_steps"]), "twice the warmup"))

LINEAR = _hf(
    "linear", "get_linear_schedule_with_warmup",
    "linear warmup from 0, then linear decay to 0 at num_training_steps",
    (_warmup(), _training()), "--num-warmup-steps 100 --num-training-steps 1000",
    floor=lambda p: ("num_training_steps", p["num_training_steps"], "0"))

COSINE = _hf(
    "cosine", "get_cosine_schedule_with_warmup",
    "linear warmup from 0, then cosine to 0 at num_training_steps; it rises again after it",
    (_warmup(), _training(), _cycles(0.5, COSINE_CYCLES)),
    "--num-warmup-steps 100 --num-training-steps 1000",
    floor=lambda p: ("num_training_steps", p["num_training_steps"], "0")
    if p.get("num_cycles", 0.5) == 0.5 else None)  # more cycles end back at base_lr

COSINE_WITH_RESTARTS = _hf(
    "cosine_with_restarts", "get_cosine_with_hard_restarts_schedule_with_warmup",
    "linear warmup from 0, then num_cycles cosine decays to 0 with hard restarts; 0 after "
    "num_training_steps",
    (_warmup(), _training(), _cycles(1, "number of hard restarts (cosine decays)")),
    "--num-warmup-steps 100 --num-training-steps 1000 --num-cycles 3")


def _polynomial_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems = []
    if p["num_training_steps"] == p["num_warmup_steps"]:
        problems.append(("num_training_steps", "must differ from num_warmup_steps "
                         "(transformers divides by their difference)"))
    base_lr = p.get("base_lr")
    if base_lr is not None and not p["lr_end"] < base_lr:
        problems.append(("lr_end", f"must be smaller than base_lr ({base_lr!r}); transformers "
                         "raises otherwise"))
    return problems


POLYNOMIAL = _hf(
    "polynomial", "get_polynomial_decay_schedule_with_warmup",
    "linear warmup from 0, then polynomial decay to lr_end at num_training_steps",
    (_warmup(), _training(),
     Param("lr_end", "float", "the lr at num_training_steps and after", default=1e-7, min=0),
     Param("power", "float", "power of the decay (1: linear)", default=1.0, min=0)),
    "--num-warmup-steps 100 --num-training-steps 1000 --power 0.5,1,2",
    check=_polynomial_check,
    floor=lambda p: ("num_training_steps", p["num_training_steps"],
                     f"lr_end={format_value(p['lr_end'])}"))

INVERSE_SQRT = _hf(
    "inverse_sqrt", "get_inverse_sqrt_schedule",
    "linear warmup from 0, then base_lr / sqrt((t + timescale - num_warmup_steps) / timescale)",
    (_warmup(),
     Param("timescale", "int", "time scale of the decay (default: num_warmup_steps, or 10000 "
           "when that is 0)", default=None, min=1)),
    "--num-warmup-steps 100",
    horizon=lambda p: (10 * max(p["num_warmup_steps"], p["timescale"] or 0, 100),
                       "ten warmups (or timescales)"))

COSINE_WITH_MIN_LR = _hf(
    "cosine_with_min_lr", "get_cosine_with_min_lr_schedule_with_warmup",
    "linear warmup from 0, then cosine down to min_lr (or min_lr_rate * base_lr)",
    (_warmup(), _training(), _cycles(0.5, COSINE_CYCLES), *_min_lr_params()),
    "--num-warmup-steps 100 --num-training-steps 1000 --min-lr-rate 0.1",
    check=_min_lr_check,
    floor=lambda p: ("num_training_steps", p["num_training_steps"], "min_lr"))

COSINE_WARMUP_WITH_MIN_LR = _hf(
    "cosine_warmup_with_min_lr", "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "warmup that starts above 0 and reaches base_lr at the last warmup step, then cosine down "
    "to min_lr (or min_lr_rate * base_lr)",
    (_warmup(), _training(), _cycles(0.5, COSINE_CYCLES), *_min_lr_params(),
     Param("warmup_lr_rate", "float", "the first warmup lr as a ratio of base_lr (default: "
           "1/num_warmup_steps)", default=None, min=0)),
    "--num-warmup-steps 100 --num-training-steps 1000 --min-lr-rate 0.1",
    check=_min_lr_check)


def _wsd_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    if p["num_stable_steps"] is None:
        if p["num_training_steps"] is None:
            return [("num_training_steps", "needs num_training_steps or num_stable_steps")]
        if p["num_training_steps"] < p["num_warmup_steps"] + p["num_decay_steps"]:
            return [("num_training_steps", "must be >= num_warmup_steps + num_decay_steps "
                     "(the stable phase would be negative)")]
    return []


def _wsd_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    stable = p["num_stable_steps"]
    if stable is None:
        stable = p["num_training_steps"] - p["num_warmup_steps"] - p["num_decay_steps"]
    end = max(1, p["num_warmup_steps"] + stable + p["num_decay_steps"])
    return end + max(10, math.ceil(end * 0.1)), "10% past the end of the decay"


WSD_SHAPES = ("linear", "cosine", "1-sqrt")

WARMUP_STABLE_DECAY = _hf(
    "warmup_stable_decay", "get_wsd_schedule",
    "warmup from min_lr_ratio * base_lr, a stable phase at base_lr, a decay back to "
    "min_lr_ratio * base_lr, which stays",
    (_warmup(),
     Param("num_decay_steps", "int", "steps of the decay phase", min=0),
     Param("num_training_steps", "int", "total steps; the stable phase is what warmup and decay "
           "leave (give this or num_stable_steps)", default=None, min=0),
     Param("num_stable_steps", "int", "steps of the stable phase (wins over "
           "num_training_steps)", default=None, min=0),
     Param("warmup_type", "choice", "shape of the warmup", default="linear",
           choices=WSD_SHAPES),
     Param("decay_type", "choice", "shape of the decay", default="cosine", choices=WSD_SHAPES),
     Param("min_lr_ratio", "float", "the lr at the start of warmup and the end of decay, as a "
           "ratio of base_lr", default=0.0, min=0, max=1),
     _cycles(0.5, "number of cosine waves over a cosine decay (0.5: one half-wave)")),
    "--num-warmup-steps 100 --num-training-steps 1000 --num-decay-steps 200 "
    "--decay-type linear,cosine,1-sqrt",
    horizon=_wsd_horizon, check=_wsd_check)
