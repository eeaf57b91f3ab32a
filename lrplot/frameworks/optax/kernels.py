"""numpy kernels for Optax's schedules (``optax.schedules``), in jax's float32 arithmetic.

An Optax schedule is a function of the optimizer's step count (an int32): ``lr[t] =
schedule(t)``. With jax's defaults (x64 off) the count and every array are 32-bit; Python
numbers are "weakly typed": an expression of Python floats only (``init_value - end_value``)
is computed in double by Python, then rounded to float32 when it meets an array. These kernels
follow each schedule's source (quoted) with exactly that split, in float32 numpy, and return
the float32 results as float64. A schedule that optax returns as a plain Python number (a
constant, a piecewise schedule without boundaries) is that number, in double.

Optax schedules run inside ``jax.jit`` (a training step), and XLA compiles them: a division by
a constant becomes a multiplication by its float32 reciprocal, and a multiplication feeding an
addition becomes one fused multiply-add (one rounding). The kernels do the same, so they
reproduce, e.g., that ``linear_schedule`` ends at ``1 - 100 * float32(1/100)`` = 6e-8 times its
range rather than at 0 (:func:`_div`, :func:`fma32`); and XLA folds chains of multiplications by
constants (``pi * (count * r)`` is ``count * (pi * r)``), as the kernels do too.

Tolerance: XLA's float32 ``cos`` and ``pow`` are not always correctly rounded and lrplot's are,
so values match Optax within 1e-6 relative (plus a float32 ulp of the peak near a cosine
minimum), mostly bit for bit.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from lrplot.kernel_tools import CHUNK, Chunks, closed_form, cos32, f32, fma32, pow32

F32 = np.float32
Schedule = Callable[[np.ndarray], np.ndarray]
"""A schedule: int64 step counts -> float64 values (float32 numbers, or a Python constant)."""


def _run(n: int, schedule: Schedule, chunk: int) -> Chunks:
    return closed_form(n, chunk, schedule)


def _const(value: float) -> Schedule:
    """``lambda count: value``: the Python number itself, in double."""
    return lambda t: np.full(len(t), float(value))


def _out(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=F32).astype(np.float64)


def _recip(constant: float) -> np.ndarray:
    """The float32 reciprocal that XLA multiplies by instead of dividing by a constant."""
    return F32(1) / f32(constant)


def _div(x: np.ndarray, constant: float) -> np.ndarray:
    """``x / constant`` as XLA compiles it under jit: its algebraic simplifier turns a division
    by a constant into a multiplication by the constant's float32 reciprocal."""
    return x * _recip(constant)


def _value(base_lr: float, value: float | None) -> float:
    return base_lr if value is None else value


# -- the schedule builders (each mirrors its optax function) --------------------------------------


def polynomial_schedule(init_value: float, end_value: float, power: float | int,
                        transition_steps: int, transition_begin: int = 0) -> Schedule:
    """::

        if transition_steps <= 0:
            return lambda count: init_value
        count = jnp.clip(count - transition_begin, 0, transition_steps)
        frac = 1 - count / transition_steps
        return (init_value - end_value) * (frac**power) + end_value

    ``power`` is the int 1 for linear_schedule (jax's integer_pow: ``frac`` itself).
    """
    if transition_steps <= 0:
        return _const(init_value)
    begin = max(transition_begin, 0)
    scale, end = f32(init_value - end_value), f32(end_value)

    def schedule(t):
        count = np.clip(t - begin, 0, transition_steps)
        frac = fma32(-count.astype(F32), _recip(transition_steps), F32(1))
        powered = frac if isinstance(power, int) and power == 1 else pow32(frac, f32(power))
        return _out(fma32(scale, powered, end))
    return schedule


def exponential_schedule(init_value: float, transition_steps: int, decay_rate: float,
                         transition_begin: int = 0, staircase: bool = False,
                         end_value: float | None = None) -> Schedule:
    """``exponential_decay``::

        decreased_count = count - transition_begin
        p = decreased_count / transition_steps
        if staircase:
            p = jnp.floor(p)
        decayed_value = jnp.where(decreased_count <= 0, init_value,
                                  init_value * jnp.power(decay_rate, p))
        if end_value is not None:
            decayed_value = clip_fn(decayed_value, end_value)  # max if decay_rate < 1, else min
    """
    if transition_steps <= 0 or decay_rate == 0:
        return _const(init_value)
    begin = max(transition_begin, 0)
    init, rate = f32(init_value), f32(decay_rate)

    def schedule(t):
        decreased = t - begin
        p = _div(decreased.astype(F32), transition_steps)
        if staircase:
            p = np.floor(p)
        value = np.where(decreased <= 0, init, init * pow32(rate, p))
        if end_value is not None:
            clip = np.maximum if decay_rate < 1.0 else np.minimum
            value = clip(value, f32(end_value))
        return _out(value)
    return schedule


def cosine_schedule(init_value: float, decay_steps: int, alpha: float = 0.0,
                    exponent: float = 1.0) -> Schedule:
    """``cosine_decay_schedule`` (decay_steps becomes a Python float)::

        count = jnp.minimum(count, decay_steps)
        cosine_decay = 0.5 * (1 + jnp.cos(jnp.pi * count / decay_steps))
        decayed = (1 - alpha) * cosine_decay**exponent + alpha
        return init_value * decayed
    """
    steps = f32(float(decay_steps))
    init, keep, floor = f32(init_value), f32(1 - alpha), f32(alpha)

    def schedule(t):
        count = np.minimum(t.astype(F32), steps)
        cosine = F32(0.5) * (F32(1) + cos32(count * (F32(math.pi) * _recip(steps))))
        return _out(init * fma32(keep, pow32(cosine, f32(exponent)), floor))
    return schedule


def join(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Schedule:
    """``join_schedules``: each schedule gets the steps since its boundary::

        output = schedules[0](step)
        for boundary, schedule in zip(boundaries, schedules[1:]):
            output = jnp.where(step < boundary, output, schedule(step - boundary))

    Mixing a Python constant with float32 values gives float32 (``jnp.where``).
    """
    def schedule(t):
        output = schedules[0](t)
        mixed = len(schedules) > 1
        for boundary, later in zip(boundaries, schedules[1:]):
            output = np.where(t < boundary, output, later(t - boundary))
        return _out(output.astype(F32)) if mixed else output
    return schedule


def warmup_cosine_schedule(init_value: float, peak_value: float, warmup_steps: int,
                           decay_steps: int, end_value: float = 0.0,
                           exponent: float = 1.0) -> Schedule:
    """``warmup_cosine_decay_schedule``: linear from init_value to peak_value over warmup_steps,
    then a cosine over ``decay_steps - warmup_steps`` (Optax counts the warmup inside
    decay_steps) down to end_value, with ``alpha = end_value / peak_value``."""
    alpha = 0.0 if peak_value == 0.0 else end_value / peak_value
    return join([polynomial_schedule(init_value, peak_value, 1, warmup_steps),
                 cosine_schedule(peak_value, decay_steps - warmup_steps, alpha, exponent)],
                [warmup_steps])


def piecewise_constant_schedule(init_value: float,
                                boundaries_and_scales: Sequence[tuple[int, float]] | None
                                ) -> Schedule:
    """::

        v = init_value
        for threshold, scale in sorted(boundaries_and_scales.items()):
            indicator = jnp.maximum(0.0, jnp.sign(threshold - count))
            v = v * indicator + (1 - indicator) * scale * v

    From each threshold on (count >= threshold) v is multiplied by scale, in float32.
    """
    if not boundaries_and_scales:
        # No boundaries: optax's v stays the Python number.
        return _const(init_value)
    pairs = sorted(boundaries_and_scales)

    def schedule(t):
        v = np.full(len(t), f32(init_value))
        for threshold, scale in pairs:
            v = np.where(t >= threshold, f32(scale) * v, v)
        return _out(v)
    return schedule


def piecewise_interpolate(interpolate_type: str, init_value: float,
                          boundaries_and_scales: Sequence[tuple[int, float]] | None
                          ) -> Schedule:
    """``piecewise_interpolate_schedule``::

        bounds = jnp.stack((0,) + boundaries)
        values = jnp.cumprod(jnp.stack((init_value,) + scales))
        interval_sizes = jnp.maximum(bounds[1:] - bounds[:-1], 1)
        indicator = jnp.logical_and(bounds[:-1] <= count, count < bounds[1:])
        pct = (count - bounds[:-1]) / interval_sizes
        interp_vals = interpolate_fn(values[:-1], values[1:], pct)
        return indicator.dot(interp_vals) + (bounds[-1] <= count) * values[-1]

    linear: ``(end - start) * pct + start``; cosine: ``end + (start - end) / 2.0 *
    (jnp.cos(jnp.pi * pct) + 1)``.
    """
    pairs = sorted(boundaries_and_scales or ())
    bounds = np.array([0] + [b for b, _ in pairs], dtype=np.int64)
    values = np.empty(len(pairs) + 1, dtype=F32)
    values[0] = f32(init_value)
    for i, (_, scale) in enumerate(pairs):  # cumprod, in float32, left to right
        values[i + 1] = values[i] * f32(scale)

    def schedule(t):
        out = np.where(bounds[-1] <= t, values[-1], F32(0))
        for k in range(len(pairs)):
            lo, hi = bounds[k], bounds[k + 1]
            inside = (lo <= t) & (t < hi)
            if not inside.any():
                continue
            offset = (t[inside] - lo).astype(F32)
            recip = _recip(max(hi - lo, 1))
            start, end = values[k], values[k + 1]
            if interpolate_type == "linear":  # (end - start) * (offset * recip) + start
                interp = fma32(offset, (end - start) * recip, start)
            else:  # end + (start - end) / 2 * (cos(pi * (offset * recip)) + 1), not refolded
                half = (start - end) / F32(2.0)
                interp = fma32(half, cos32(F32(math.pi) * (offset * recip)) + F32(1), end)
            out[inside] = interp
        return _out(out)
    return schedule


# -- kernels --------------------------------------------------------------------------------------


def constant(n: int, base_lr: float, value: float | None, chunk: int = CHUNK) -> Chunks:
    """``constant_schedule(value)``: the Python number itself."""
    return _run(n, _const(_value(base_lr, value)), chunk)


def linear(n: int, base_lr: float, init_value: float | None, end_value: float,
           transition_steps: int, transition_begin: int, chunk: int = CHUNK) -> Chunks:
    """``linear_schedule``: polynomial_schedule with ``power=1``."""
    return _run(n, polynomial_schedule(_value(base_lr, init_value), end_value, 1,
                                       transition_steps, transition_begin), chunk)


def polynomial(n: int, base_lr: float, init_value: float | None, end_value: float,
               power: float, transition_steps: int, transition_begin: int,
               chunk: int = CHUNK) -> Chunks:
    return _run(n, polynomial_schedule(_value(base_lr, init_value), end_value, power,
                                       transition_steps, transition_begin), chunk)


def exponential_decay(n: int, base_lr: float, init_value: float | None, transition_steps: int,
                      decay_rate: float, transition_begin: int, staircase: bool,
                      end_value: float | None, chunk: int = CHUNK) -> Chunks:
    return _run(n, exponential_schedule(_value(base_lr, init_value), transition_steps,
                                        decay_rate, transition_begin, staircase, end_value),
                chunk)


def cosine_decay(n: int, base_lr: float, init_value: float | None, decay_steps: int,
                 alpha: float, exponent: float, chunk: int = CHUNK) -> Chunks:
    return _run(n, cosine_schedule(_value(base_lr, init_value), decay_steps, alpha, exponent),
                chunk)


def warmup_cosine_decay(n: int, base_lr: float, init_value: float, peak_value: float | None,
                        warmup_steps: int, decay_steps: int, end_value: float, exponent: float,
                        chunk: int = CHUNK) -> Chunks:
    return _run(n, warmup_cosine_schedule(init_value, _value(base_lr, peak_value), warmup_steps,
                                          decay_steps, end_value, exponent), chunk)


def warmup_exponential_decay(n: int, base_lr: float, init_value: float,
                             peak_value: float | None, warmup_steps: int, transition_steps: int,
                             decay_rate: float, transition_begin: int, staircase: bool,
                             end_value: float | None, chunk: int = CHUNK) -> Chunks:
    """``warmup_exponential_decay_schedule``: linear warmup to peak_value, then
    ``exponential_decay(peak_value, ...)`` counted from the end of the warmup."""
    peak = _value(base_lr, peak_value)
    return _run(n, join([polynomial_schedule(init_value, peak, 1, warmup_steps),
                         exponential_schedule(peak, transition_steps, decay_rate,
                                              transition_begin, staircase, end_value)],
                        [warmup_steps]), chunk)


def piecewise_constant(n: int, base_lr: float, init_value: float | None,
                       boundaries_and_scales: Sequence[tuple[int, float]] | None,
                       chunk: int = CHUNK) -> Chunks:
    return _run(n, piecewise_constant_schedule(_value(base_lr, init_value),
                                               boundaries_and_scales), chunk)


def piecewise_interpolate_(n: int, base_lr: float, interpolate_type: str,
                           init_value: float | None,
                           boundaries_and_scales: Sequence[tuple[int, float]] | None,
                           chunk: int = CHUNK) -> Chunks:
    return _run(n, piecewise_interpolate(interpolate_type, _value(base_lr, init_value),
                                         boundaries_and_scales), chunk)


def onecycle_boundaries(transition_steps: int, pct_start: float, div_factor: float,
                        final_div_factor: float, pct_final: float | None
                        ) -> tuple[tuple[int, float], ...]:
    """The ``boundaries_and_scales`` dict the onecycle schedules build, with Python's dict
    semantics (a repeated key keeps its first place and its last value)::

        linear: {int(pct_start * T): div_factor, int(pct_final * T): 1.0 / div_factor,
                 T: 1.0 / final_div_factor}
        cosine: {int(pct_start * T): div_factor, int(T): 1.0 / (div_factor * final_div_factor)}
    """
    T = transition_steps
    if pct_final is not None:
        table = {int(pct_start * T): div_factor, int(pct_final * T): 1.0 / div_factor,
                 T: 1.0 / final_div_factor}
    else:
        table = {int(pct_start * T): div_factor, int(T): 1.0 / (div_factor * final_div_factor)}
    return tuple(table.items())


def linear_onecycle(n: int, base_lr: float, transition_steps: int, peak_value: float | None,
                    pct_start: float, pct_final: float, div_factor: float,
                    final_div_factor: float, chunk: int = CHUNK) -> Chunks:
    """``linear_onecycle_schedule``: piecewise_interpolate('linear', peak_value / div_factor,
    ...) through peak_value and back, then down to peak / final_div_factor."""
    peak = _value(base_lr, peak_value)
    table = onecycle_boundaries(transition_steps, pct_start, div_factor, final_div_factor,
                                pct_final)
    return _run(n, piecewise_interpolate("linear", peak / div_factor, table), chunk)


def cosine_onecycle(n: int, base_lr: float, transition_steps: int, peak_value: float | None,
                    pct_start: float, div_factor: float, final_div_factor: float,
                    chunk: int = CHUNK) -> Chunks:
    """``cosine_onecycle_schedule``: piecewise_interpolate('cosine', peak_value / div_factor,
    ...) up to peak_value, then down to peak / (div_factor * final_div_factor)."""
    peak = _value(base_lr, peak_value)
    table = onecycle_boundaries(transition_steps, pct_start, div_factor, final_div_factor, None)
    return _run(n, piecewise_interpolate("cosine", peak / div_factor, table), chunk)


# -- composites -----------------------------------------------------------------------------------


def _build(base_lr: float, kind: str, params: dict) -> Schedule:
    """The Schedule of one child (lrplot kind name and its complete parameters)."""
    name = kind.split(".", 1)[1]
    p = dict(params)
    if name == "constant":
        return _const(_value(base_lr, p["value"]))
    if name == "linear":
        return polynomial_schedule(_value(base_lr, p["init_value"]), p["end_value"], 1,
                                   p["transition_steps"], p["transition_begin"])
    if name == "polynomial":
        return polynomial_schedule(_value(base_lr, p["init_value"]), p["end_value"], p["power"],
                                   p["transition_steps"], p["transition_begin"])
    if name == "exponential_decay":
        return exponential_schedule(_value(base_lr, p["init_value"]), p["transition_steps"],
                                    p["decay_rate"], p["transition_begin"], p["staircase"],
                                    p["end_value"])
    if name == "cosine_decay":
        return cosine_schedule(_value(base_lr, p["init_value"]), p["decay_steps"], p["alpha"],
                               p["exponent"])
    if name == "warmup_cosine_decay":
        return warmup_cosine_schedule(p["init_value"], _value(base_lr, p["peak_value"]),
                                      p["warmup_steps"], p["decay_steps"], p["end_value"],
                                      p["exponent"])
    if name == "warmup_exponential_decay":
        peak = _value(base_lr, p["peak_value"])
        return join([polynomial_schedule(p["init_value"], peak, 1, p["warmup_steps"]),
                     exponential_schedule(peak, p["transition_steps"], p["decay_rate"],
                                          p["transition_begin"], p["staircase"], p["end_value"])],
                    [p["warmup_steps"]])
    if name == "piecewise_constant":
        return piecewise_constant_schedule(_value(base_lr, p["init_value"]),
                                           p["boundaries_and_scales"])
    if name == "piecewise_interpolate":
        return piecewise_interpolate(p["interpolate_type"], _value(base_lr, p["init_value"]),
                                     p["boundaries_and_scales"])
    if name in ("linear_onecycle", "cosine_onecycle"):
        peak = _value(base_lr, p["peak_value"])
        table = onecycle_boundaries(p["transition_steps"], p["pct_start"], p["div_factor"],
                                    p["final_div_factor"], p.get("pct_final"))
        return piecewise_interpolate("linear" if name == "linear_onecycle" else "cosine",
                                     peak / p["div_factor"], table)
    if name == "join_schedules":
        return join([_build(base_lr, c.kind, c.mapping) for c in p["schedules"]],
                    list(p["boundaries"]))
    if name == "sgdr":
        return _sgdr(base_lr, p["cosine_kwargs"])
    raise ValueError(f"no optax schedule {kind!r}")


def _sgdr(base_lr: float, children: Sequence) -> Schedule:
    """``sgdr_schedule(cosine_kwargs)``::

        for kwargs in cosine_kwargs:
            schedules += [warmup_cosine_decay_schedule(**kwargs)]
            boundaries += [step + kwargs['decay_steps']]
            step += kwargs['decay_steps']
        return join_schedules(schedules, boundaries[:-1])
    """
    schedules, boundaries, step = [], [], 0
    for child in children:
        schedules.append(_build(base_lr, child.kind, child.mapping))
        step += child.mapping["decay_steps"]
        boundaries.append(step)
    return join(schedules, boundaries[:-1])


def join_schedules(n: int, base_lr: float, schedules: Sequence, boundaries: Sequence[int],
                   chunk: int = CHUNK) -> Chunks:
    """``join_schedules(schedules, boundaries)``: each child sees the steps since its boundary
    (see :func:`join`); a child's own main value defaults to base_lr, as on its own."""
    return _run(n, _build(base_lr, "optax.join_schedules",
                          {"schedules": schedules, "boundaries": boundaries}), chunk)


def sgdr(n: int, base_lr: float, cosine_kwargs: Sequence, chunk: int = CHUNK) -> Chunks:
    return _run(n, _sgdr(base_lr, cosine_kwargs), chunk)
