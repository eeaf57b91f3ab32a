"""Keras 3's ``keras.optimizers.schedules`` as ``keras.<name>`` kinds (also
``keras.<ClassName>``). Declarations only; kernels in lrplot.frameworks.keras.kernels.

A Keras schedule maps the optimizer's iteration count to the lr: ``lr[t] = schedule(t)``.
Its ``initial_learning_rate`` defaults to lrplot's ``base_lr`` (so ``--base-lr`` works as for
every kind) and may be 0 (a warmup from 0); PiecewiseConstantDecay has none and ignores
base_lr. Keras computes in float32 (its default floatx), and so does lrplot for these kinds:
values are float32 numbers (0.1 is 0.10000000149011612) and match Keras within 1e-6 relative,
not 1e-12 — Keras' own float32 functions differ between its backends by about that much.

Bounds refuse what Keras refuses (decay_steps <= 0, boundaries and values of mismatched
lengths) and what it accepts but computes as nonsense: NaN from a negative decay_rate or a
t_mul below 1 (the restart periods shrink to nothing), boundaries out of order (the piecewise
values would add up), an inverse-time denominator crossing zero.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from lrplot.params import Param, format_value
from lrplot.schedules import Kind, register

KERNELS = "lrplot.frameworks.keras.kernels"
F32 = "in float32 as Keras computes it (parity 1e-6)"
INITIAL = "initial_learning_rate defaults to base_lr"


def _keras(name: str, cls: str, summary: str, params: tuple[Param, ...], example: str,
           horizon: Any, check: Any = None, uses_base_lr: bool = True, floor: Any = None) -> Kind:
    return register(Kind(
        name=f"keras.{name}", framework_class=cls, summary=summary, params=params,
        kernel=f"{KERNELS}:{name}", horizon=horizon, check=check or (lambda p: []),
        example=example, framework="keras", uses_base_lr=uses_base_lr,
        floor=floor,
    ))


def _initial() -> Param:
    return Param("initial_learning_rate", "float", "the lr at step 0 (default: base_lr)",
                 default=None, min=0)


def _decay_steps(help: str = "steps per decay unit: the exponent is step / decay_steps",
                 type: str = "float") -> Param:
    return Param("decay_steps", type, help, min=0, min_exclusive=True)


def _staircase() -> Param:
    return Param("staircase", "bool", "decay at whole multiples of decay_steps only "
                 "(floor(step / decay_steps))", default=False)


def _alpha(help: str) -> Param:
    return Param("alpha", "float", help, default=0.0, min=0)


def _exponential_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    rate, steps = p["decay_rate"], p["decay_steps"]
    if rate >= 1:
        return max(100, math.ceil(5 * steps)), "decay_rate >= 1 never decays"
    units = math.log(0.01) / math.log(rate)
    return max(10, math.ceil(units * steps) + 1), "until the lr falls to 1% of its start"


def _cosine_floor(p: Mapping[str, Any]) -> tuple[str, int, str]:
    warmup = p.get("warmup_steps") or 0 if p.get("warmup_target") is not None else 0
    return ("decay_steps", int(math.ceil(p["decay_steps"] + warmup)),
            f"alpha={format_value(p['alpha'])} x the initial lr")


def _polynomial_floor(p: Mapping[str, Any]) -> tuple[str, int, str] | None:
    if p.get("cycle"):
        return None  # it decays again after each multiple of decay_steps
    return ("decay_steps", int(math.ceil(p["decay_steps"])),
            f"end_learning_rate={format_value(p['end_learning_rate'])}")


EXPONENTIAL_DECAY = _keras(
    "exponential_decay", "ExponentialDecay",
    f"initial_learning_rate * decay_rate ** (step / decay_steps); {INITIAL}; {F32}",
    (_initial(), _decay_steps(),
     Param("decay_rate", "float", "the factor per decay_steps steps", min=0,
           min_exclusive=True), _staircase()),
    "--decay-steps 100 --decay-rate 0.96 --staircase false,true",
    horizon=_exponential_horizon)


def _piecewise_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    boundaries, values = p["boundaries"], p["values"]
    problems = []
    if any(b >= c for b, c in zip(boundaries, boundaries[1:])):
        problems.append(("boundaries", "must be strictly increasing"))
    if len(values) != len(boundaries) + 1:
        problems.append(("values", f"needs one value more than boundaries: "
                         f"{len(boundaries) + 1}, got {len(values)}"))
    return problems


PIECEWISE_CONSTANT_DECAY = _keras(
    "piecewise_constant_decay", "PiecewiseConstantDecay",
    "values[0] up to and including step boundaries[0], values[1] up to boundaries[1], ..., "
    f"then values[-1]; base_lr plays no part; {F32}",
    (Param("boundaries", "int_list", "the last step of each piece but the last; strictly "
           "increasing", min=0),
     Param("values", "float_list", "the lr of each piece: one more than boundaries", min=0)),
    "--boundaries 100,200 --values 0.1,0.05,0.01",
    horizon=lambda p: (max(p["boundaries"] or [0]) + max(10, math.ceil(
        max(p["boundaries"] or [0]) * 0.25)) + 1, "25% past the last boundary"),
    check=_piecewise_check, uses_base_lr=False)

POLYNOMIAL_DECAY = _keras(
    "polynomial_decay", "PolynomialDecay",
    "(initial_learning_rate - end_learning_rate) * (1 - step / decay_steps) ** power "
    f"+ end_learning_rate; {INITIAL}; {F32}",
    (_initial(), _decay_steps("steps from initial_learning_rate to end_learning_rate"),
     Param("end_learning_rate", "float", "the lr at decay_steps and after", default=0.0001,
           min=0),
     Param("power", "float", "power of the polynomial (1: linear)", default=1.0, min=0),
     Param("cycle", "bool", "restart after decay_steps, over a multiple of decay_steps that is "
           "bigger than the step", default=False)),
    "--decay-steps 1000 --power 0.5,1,2",
    horizon=lambda p: (math.ceil(p["decay_steps"] * (3 if p["cycle"] else 1.25)) + 1,
                       "three decays" if p["cycle"] else "25% past decay_steps"),
    floor=_polynomial_floor)

INVERSE_TIME_DECAY = _keras(
    "inverse_time_decay", "InverseTimeDecay",
    f"initial_learning_rate / (1 + decay_rate * step / decay_steps); {INITIAL}; {F32}",
    (_initial(), _decay_steps("how often to apply decay"),
     Param("decay_rate", "float", "the decay rate", min=0), _staircase()),
    "--decay-steps 100 --decay-rate 0.5,1,2",
    horizon=lambda p: ((math.ceil(9 * p["decay_steps"] / p["decay_rate"]) + 1, "until the lr "
                        "falls to 10% of its start") if p["decay_rate"] else (100, "no decay")))


def _cosine_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    end = p["decay_steps"] + (p["warmup_steps"] if p["warmup_target"] is not None else 0)
    return end + max(10, math.ceil(end * 0.1)) + 1, "10% past the end of the decay"


COSINE_DECAY = _keras(
    "cosine_decay", "CosineDecay",
    "optional linear warmup from initial_learning_rate to warmup_target, then cosine down to "
    "alpha times "
    f"the peak over decay_steps, then flat; {INITIAL}; {F32}",
    (_initial(), _decay_steps("steps of the cosine decay (after the warmup)", type="int"),
     _alpha("the final lr as a fraction of the peak (warmup_target, else initial_learning_rate)"),
     Param("warmup_target", "float", "the lr the warmup rises to (default: no warmup; the "
           "decay starts from initial_learning_rate)", default=None, min=0),
     Param("warmup_steps", "int", "steps of linear warmup (with warmup_target only)",
           default=0, min=0)),
    "--decay-steps 900 --initial-learning-rate 0 --warmup-target 0.1 --warmup-steps 100",
    horizon=_cosine_horizon,
    floor=_cosine_floor)


def _restarts_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    first, t_mul = p["first_decay_steps"], p["t_mul"]
    return math.ceil(first * (1 + t_mul + t_mul * t_mul)) + 1, "three periods"


COSINE_DECAY_RESTARTS = _keras(
    "cosine_decay_restarts", "CosineDecayRestarts",
    "cosine down to alpha * initial_learning_rate over first_decay_steps, then restarts, "
    "each period t_mul "
    f"times longer and m_mul times higher; {INITIAL}; {F32}",
    (_initial(), Param("first_decay_steps", "int", "steps of the first period", min=1),
     Param("t_mul", "float", "each period is t_mul times longer than the one before",
           default=2.0, min=1),
     Param("m_mul", "float", "each restart starts m_mul times higher than the one before",
           default=1.0, min=0),
     _alpha("the minimum lr as a fraction of initial_learning_rate")),
    "--first-decay-steps 100 --t-mul 1,2",
    horizon=_restarts_horizon)
