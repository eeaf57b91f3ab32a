"""Optax's schedules as ``optax.<name>`` kinds (also ``optax.<function name>``, e.g.
``optax.warmup_cosine_decay_schedule``). Declarations only; kernels in
lrplot.frameworks.optax.kernels.

An Optax schedule maps the step count to the lr: ``lr[t] = schedule(t)``. Parameter names are
the functions'; the value a schedule starts from or peaks at (``init_value``, ``value``,
``peak_value``) defaults to lrplot's ``base_lr`` where Optax has it as its main value, and may
be given (and be 0). Optax on jax computes in float32 (x64 off, the default), and so does lrplot
for these kinds: values match Optax within 1e-6 relative, not 1e-12; the float32 rounding is
part of the schedule (``warmup_cosine_decay`` ends at ``peak * float32(end / peak)``).

Bounds refuse what Optax raises on (decay_steps <= 0, negative scales, a warmup as long as the
decay) and what it silently turns into something else: a negative transition_begin (Optax uses
0), transition_steps <= 0 where it returns a constant (lrplot asks for >= 1 there, except where
Optax documents the constant).
"""

from __future__ import annotations

import math
import struct
from typing import Any, Mapping

from lrplot.params import REQUIRED, Param, format_value
from lrplot.schedules import Kind, register

KERNELS = "lrplot.frameworks.optax.kernels"
F32 = "in float32 as jax computes it (parity 1e-6)"


def _optax(name: str, function: str, summary: str, params: tuple[Param, ...], example: str,
           horizon: Any, check: Any = None, kernel: str | None = None, floor: Any = None) -> Kind:
    return register(Kind(
        name=f"optax.{name}", framework_class=function, summary=summary, params=params,
        kernel=f"{KERNELS}:{kernel or name}", horizon=horizon, check=check or (lambda p: []),
        example=example, framework="optax",
        floor=floor,
    ))


def _main(name: str, help: str) -> Param:
    return Param(name, "float", f"{help} (default: base_lr)", default=None, min=0)


def _value(name: str, help: str, default: Any = REQUIRED) -> Param:
    return Param(name, "float", help, default=default, min=0)


def _steps(name: str, help: str, min: int = 1, default: Any = REQUIRED) -> Param:
    return Param(name, "int", help, default=default, min=min)


def _begin() -> Param:
    return _steps("transition_begin", "steps before the transition starts", min=0, default=0)


def _past(end: float, why: str = "20% past the end of the schedule") -> tuple[int, str]:
    end = max(1, math.ceil(end))
    return end + max(10, math.ceil(end * 0.2)), why


def _transition_floor(p: Mapping[str, Any]) -> tuple[str, int, str]:
    return ("transition_steps", p["transition_steps"] + p.get("transition_begin", 0),
            f"end_value={format_value(p['end_value'])}")


CONSTANT = _optax(
    "constant", "constant_schedule", "value at every step (the Python number itself)",
    (_main("value", "the lr"),), "--value 0.01", horizon=lambda p: (100, "a constant schedule"))

LINEAR = _optax(
    "linear", "linear_schedule",
    f"from init_value to end_value over transition_steps, after transition_begin; {F32}",
    (_main("init_value", "the lr at the start"), _value("end_value", "the lr at the end"),
     _steps("transition_steps", "length of the transition"), _begin()),
    "--end-value 0.001 --transition-steps 1000",
    horizon=lambda p: _past(p["transition_begin"] + p["transition_steps"]),
    floor=_transition_floor)


def _f32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def _polynomial_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Under jax.jit, ``1 - count / transition_steps`` is ``fma(-count, float32(1 / steps), 1)``
    and is slightly negative at count == transition_steps when ``steps * float32(1 / steps)``
    exceeds 1 (1000 does, 100 does not); a negative number to a fractional power is NaN."""
    power, steps = p["power"], p["transition_steps"]
    if power == int(power) or steps <= 0:
        return []
    if steps * _f32(1.0 / _f32(float(steps))) > 1.0:
        end = p["transition_begin"] + steps
        return [("power", f"Optax computes NaN from step {end} on with power {power} and "
                 f"transition_steps {steps}: under jax.jit, 1 - count / transition_steps is "
                 f"computed as 1 - count * float32(1 / transition_steps), slightly below 0 "
                 f"there, and its fractional power is NaN. Use an integer power or another "
                 f"transition_steps (e.g. {steps + 1})")]
    return []


POLYNOMIAL = _optax(
    "polynomial", "polynomial_schedule",
    "(init_value - end_value) * (1 - t / transition_steps) ** power + end_value, after "
    f"transition_begin; {F32}",
    (_main("init_value", "the lr at the start"), _value("end_value", "the lr at the end"),
     Param("power", "float", "power of the polynomial", min=0),
     _steps("transition_steps", "length of the transition"), _begin()),
    "--end-value 0.001 --power 0.5,1,2 --transition-steps 100",
    horizon=lambda p: _past(p["transition_begin"] + p["transition_steps"]),
    check=_polynomial_check,
    floor=_transition_floor)


def _exponential_horizon(p: Mapping[str, Any], offset: int = 0) -> tuple[int, str]:
    rate, steps = p["decay_rate"], p["transition_steps"]
    start = offset + p["transition_begin"]
    if rate >= 1:
        return start + 5 * steps + 1, "five transitions"
    return start + max(10, math.ceil(math.log(0.01) / math.log(rate) * steps) + 1), \
        "until the lr falls to 1% of its start"


EXPONENTIAL_DECAY = _optax(
    "exponential_decay", "exponential_decay",
    "init_value * decay_rate ** ((t - transition_begin) / transition_steps), optionally "
    f"stepwise and clipped at end_value; {F32}",
    (_main("init_value", "the lr at the start"),
     _steps("transition_steps", "steps per factor of decay_rate"),
     Param("decay_rate", "float", "the factor per transition_steps", min=0, min_exclusive=True),
     _begin(), Param("staircase", "bool", "decay at whole transitions only", default=False),
     Param("end_value", "float", "a floor (decay_rate < 1) or ceiling (> 1) on the lr",
           default=None, min=0)),
    "--transition-steps 100 --decay-rate 0.5 --staircase false,true",
    horizon=_exponential_horizon)

COSINE_DECAY = _optax(
    "cosine_decay", "cosine_decay_schedule",
    "init_value * ((1 - alpha) * (0.5 * (1 + cos(pi * t / decay_steps))) ** exponent + alpha), "
    f"flat after decay_steps; {F32}",
    (_main("init_value", "the lr at the start"),
     _steps("decay_steps", "length of the decay"),
     Param("alpha", "float", "the final lr as a fraction of init_value", default=0.0, min=0),
     Param("exponent", "float", "power of the cosine factor", default=1.0, min=0,
           min_exclusive=True)),
    "--decay-steps 1000 --exponent 1,2",
    horizon=lambda p: _past(p["decay_steps"]),
    floor=lambda p: ("decay_steps", p["decay_steps"],
                     f"alpha={format_value(p['alpha'])} x init_value"))


def _warmup_cosine_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    if p["decay_steps"] <= p["warmup_steps"]:
        return [("decay_steps", "must be greater than warmup_steps: Optax counts the warmup "
                 "inside decay_steps (and raises otherwise)")]
    return []


WARMUP_COSINE_DECAY = _optax(
    "warmup_cosine_decay", "warmup_cosine_decay_schedule",
    "linear warmup from init_value to peak_value, then cosine to end_value at decay_steps "
    f"(which includes the warmup); {F32}",
    (_value("init_value", "the lr at step 0"), _main("peak_value", "the lr after the warmup"),
     _steps("warmup_steps", "length of the warmup", min=0),
     _steps("decay_steps", "total length of warmup and decay"),
     _value("end_value", "the lr at decay_steps and after", default=0.0),
     Param("exponent", "float", "power of the cosine factor", default=1.0, min=0,
           min_exclusive=True)),
    "--init-value 0 --warmup-steps 100 --decay-steps 1000",
    horizon=lambda p: _past(p["decay_steps"]), check=_warmup_cosine_check,
    floor=lambda p: ("decay_steps", p["decay_steps"],
                     f"end_value={format_value(p.get('end_value', 0.0))}"))

WARMUP_EXPONENTIAL_DECAY = _optax(
    "warmup_exponential_decay", "warmup_exponential_decay_schedule",
    "linear warmup from init_value to peak_value, then exponential_decay from peak_value "
    f"counted from the end of the warmup; {F32}",
    (_value("init_value", "the lr at step 0"), _main("peak_value", "the lr after the warmup"),
     _steps("warmup_steps", "length of the warmup", min=0),
     _steps("transition_steps", "steps per factor of decay_rate"),
     Param("decay_rate", "float", "the factor per transition_steps", min=0, min_exclusive=True),
     _begin(), Param("staircase", "bool", "decay at whole transitions only", default=False),
     Param("end_value", "float", "a floor (decay_rate < 1) or ceiling (> 1) on the lr",
           default=None, min=0)),
    "--init-value 0 --warmup-steps 100 --transition-steps 100 --decay-rate 0.5",
    horizon=lambda p: _exponential_horizon(p, p["warmup_steps"]))


def _scales() -> Param:
    return Param("boundaries_and_scales", "int_float_map", "step -> factor applied from that "
                 "step on", default=None, min=0)


def _boundaries_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    last = max((b for b, _ in p["boundaries_and_scales"] or ()), default=0)
    return (_past(last, "20% past the last boundary") if last else (100, "no boundaries"))


PIECEWISE_CONSTANT = _optax(
    "piecewise_constant", "piecewise_constant_schedule",
    "init_value, multiplied by each scale from its boundary step on (in float32); the Python "
    "number itself without boundaries",
    (_main("init_value", "the lr at the start"), _scales()),
    "--boundaries-and-scales 100:0.1,200:0.5", horizon=_boundaries_horizon)

PIECEWISE_INTERPOLATE = _optax(
    "piecewise_interpolate", "piecewise_interpolate_schedule",
    "linear or cosine interpolation between init_value and its running products with the "
    f"scales at the boundary steps; {F32}",
    (Param("interpolate_type", "choice", "how to interpolate between boundaries",
           choices=("linear", "cosine")),
     _main("init_value", "the lr at step 0"), _scales()),
    "--interpolate-type linear,cosine --boundaries-and-scales 100:10,500:0.01",
    horizon=_boundaries_horizon, kernel="piecewise_interpolate_")


def _onecycle_common() -> tuple[Param, ...]:
    return (
        _steps("transition_steps", "length of the cycle"),
        _main("peak_value", "the lr at the top of the cycle"),
        Param("pct_start", "float", "fraction of the steps spent rising", default=0.3, min=0,
              max=1),
    )


def _div_params() -> tuple[Param, ...]:
    return (
        Param("div_factor", "float", "the cycle starts at peak_value / div_factor",
              default=25.0, min=0, min_exclusive=True),
        Param("final_div_factor", "float", "how far below the start the cycle ends",
              default=1e4, min=0, min_exclusive=True),
    )


def _pct_final_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    if p["pct_final"] < p["pct_start"]:
        return [("pct_final", "must not be smaller than pct_start")]
    return []


LINEAR_ONECYCLE = _optax(
    "linear_onecycle", "linear_onecycle_schedule",
    "linear up from peak_value / div_factor to peak_value, back down by pct_final, then down "
    f"to peak / div / final_div_factor at transition_steps; {F32}",
    (*_onecycle_common(),
     Param("pct_final", "float", "fraction of the steps at which the descent ends",
           default=0.85, min=0, max=1),
     *_div_params()),
    "--transition-steps 1000", horizon=lambda p: _past(p["transition_steps"]),
    check=_pct_final_check)

COSINE_ONECYCLE = _optax(
    "cosine_onecycle", "cosine_onecycle_schedule",
    "cosine up from peak_value / div_factor to peak_value, then cosine down to peak / (div * "
    f"final_div_factor) at transition_steps; {F32}",
    (*_onecycle_common(), *_div_params()),
    "--transition-steps 1000", horizon=lambda p: _past(p["transition_steps"]))


def _join_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    children, boundaries = p["schedules"], list(p["boundaries"])
    if len(boundaries) != len(children) - 1:
        return [("boundaries", f"give one boundary fewer than schedules: {len(children)} "
                               f"schedules need {len(children) - 1}, got {len(boundaries)}")]
    return []


def _join_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    from lrplot.schedules import get

    last = p["schedules"][-1]
    tail, _ = get(last.kind).horizon(last.mapping)
    start = max(p["boundaries"], default=0)
    return start + tail, "the last boundary plus the last schedule's horizon"


JOIN_SCHEDULES = register(Kind(
    name="optax.join_schedules", framework_class="join_schedules",
    summary="Optax schedules one after another: from each boundary on, the next schedule, "
            "counting its steps from that boundary",
    params=(
        Param("schedules", "schedulers", "the Optax schedules, each a mapping with its type "
              "and parameters, e.g. [{type: optax.linear, init_value: 0, end_value: 0.1, "
              "transition_steps: 100}, {type: optax.cosine_decay, decay_steps: 900}]",
              child_kinds="optax"),
        Param("boundaries", "int_list", "the steps at which the next schedule takes over "
              "(one fewer than schedules)", min=0),
    ),
    kernel=f"{KERNELS}:join_schedules",
    example="--schedules '[{type: optax.linear, init_value: 0, end_value: 0.1, "
            "transition_steps: 100}, {type: optax.cosine_decay, decay_steps: 900}]' "
            "--boundaries 100",
    horizon=_join_horizon, check=_join_check, framework="optax", composite=True,
))


def _sgdr_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    total = sum(c.mapping["decay_steps"] for c in p["cosine_kwargs"])
    return _past(total, "20% past the last cycle")


SGDR = register(Kind(
    name="optax.sgdr", framework_class="sgdr_schedule",
    summary="warm restarts: warmup_cosine_decay schedules one after another, each decay_steps "
            "long (in float32 as jax computes it, parity 1e-6)",
    params=(
        Param("cosine_kwargs", "schedulers", "the cycles: each the keyword arguments of "
              "warmup_cosine_decay_schedule, e.g. [{init_value: 0, warmup_steps: 10, "
              "decay_steps: 100}, {init_value: 0, peak_value: 0.05, warmup_steps: 10, "
              "decay_steps: 200}]", child_kinds="optax.warmup_cosine_decay"),
    ),
    kernel=f"{KERNELS}:sgdr",
    example="--cosine-kwargs '[{init_value: 0, warmup_steps: 10, decay_steps: 100}, "
            "{init_value: 0, peak_value: 0.05, warmup_steps: 10, decay_steps: 200}]'",
    horizon=_sgdr_horizon, framework="optax", composite=True,
))
