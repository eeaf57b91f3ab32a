"""numpy kernels for Keras 3's ``keras.optimizers.schedules``, in Keras' float32 arithmetic.

A Keras schedule is a function of the optimizer's iteration count: ``lr[t] = schedule(t)``;
``initial_learning_rate`` defaults to lrplot's ``base_lr``. Keras converts the Python numbers to
float32 tensors (its default floatx) and computes in float32; so do these kernels, operation by
operation in Keras' order (quoted in each docstring), and return the float32 results as float64.
That float32 arithmetic is part of the schedule: near a cosine minimum ``1 + cos(x)`` cancels in
float32, and whether a CosineDecayRestarts step is a restart is decided by a float32 ``floor``.

Tolerance: ``pow`` is torch's own (C ``powf``, see lrplot.libm.powf), bit for bit. The float32
``cos`` and ``log`` of Keras' backends are not always correctly rounded, and lrplot's are (see
lrplot.kernel_tools); values agree with Keras on the torch backend bit for bit at most steps and
otherwise within 1e-6 relative (or one float32 ulp of initial_learning_rate near a minimum, where
float32 itself has no more digits).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from lrplot.kernel_tools import (CHUNK, Chunks, closed_form, cos32, f32, log32, powf32)

F32 = np.float32


def _out(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=F32).astype(np.float64)


def _initial(base_lr: float, initial_learning_rate: float | None) -> float:
    """initial_learning_rate when given, else base_lr."""
    return base_lr if initial_learning_rate is None else initial_learning_rate


def _step(t: np.ndarray) -> np.ndarray:
    """``ops.cast(step, dtype)``: the int64 iteration count as float32."""
    return t.astype(F32)


def exponential_decay(n: int, base_lr: float, initial_learning_rate: float | None,
                      decay_steps: float, decay_rate: float, staircase: bool,
                      chunk: int = CHUNK) -> Chunks:
    """ExponentialDecay::

        p = global_step_recomp / decay_steps
        if self.staircase:
            p = ops.floor(p)
        return ops.multiply(initial_learning_rate, ops.power(decay_rate, p))
    """
    init = f32(_initial(base_lr, initial_learning_rate))
    steps, rate = f32(decay_steps), f32(decay_rate)

    def lr(t):
        p = _step(t) / steps
        if staircase:
            p = np.floor(p)
        return _out(init * powf32(rate, p))
    return closed_form(n, chunk, lr)


def piecewise_constant_decay(n: int, base_lr: float, boundaries: Sequence[int],
                             values: Sequence[float], chunk: int = CHUNK) -> Chunks:
    """PiecewiseConstantDecay: ``values[0]`` while ``step <= boundaries[0]``, ``values[i]``
    while ``boundaries[i-1] < step <= boundaries[i]``, ``values[-1]`` after the last boundary,
    each a float32 number. base_lr plays no part."""
    edges = np.asarray(boundaries, dtype=np.int64)
    levels = _out(f32(values))

    def lr(t):
        return levels[np.searchsorted(edges, t, side="left")]
    return closed_form(n, chunk, lr)


def polynomial_decay(n: int, base_lr: float, initial_learning_rate: float | None,
                     decay_steps: float, end_learning_rate: float, power: float, cycle: bool,
                     chunk: int = CHUNK) -> Chunks:
    """PolynomialDecay::

        if self.cycle:
            multiplier = ops.where(ops.equal(global_step_recomp, 0), 1.0,
                                   ops.ceil(global_step_recomp / self.decay_steps))
            decay_steps_recomp = ops.multiply(decay_steps_recomp, multiplier)
        else:
            global_step_recomp = ops.minimum(global_step_recomp, decay_steps_recomp)
        p = ops.divide(global_step_recomp, decay_steps_recomp)
        return ops.add(ops.multiply(initial_learning_rate - end_learning_rate,
                                    ops.power(1 - p, power)), end_learning_rate)

    With cycle, the lr reaches end_learning_rate at each multiple of decay_steps and jumps back
    up at the next step (to the value halfway through a decay twice as long, and so on).
    """
    init = f32(_initial(base_lr, initial_learning_rate))
    end, exponent = f32(end_learning_rate), f32(power)
    steps = f32(decay_steps)

    def lr(t):
        step = _step(t)
        if cycle:
            multiplier = np.where(step == 0, F32(1.0), np.ceil(step / steps))
            span = steps * multiplier
        else:
            step = np.minimum(step, steps)
            span = steps
        p = step / span
        return _out((init - end) * powf32(F32(1) - p, exponent) + end)
    return closed_form(n, chunk, lr)


def inverse_time_decay(n: int, base_lr: float, initial_learning_rate: float | None,
                       decay_steps: float, decay_rate: float, staircase: bool,
                       chunk: int = CHUNK) -> Chunks:
    """InverseTimeDecay::

        p = global_step_recomp / decay_steps
        if self.staircase:
            p = ops.floor(p)
        denom = ops.add(const, ops.multiply(decay_rate, p))   # const = 1
        return ops.divide(initial_learning_rate, denom)
    """
    init = f32(_initial(base_lr, initial_learning_rate))
    steps, rate = f32(decay_steps), f32(decay_rate)

    def lr(t):
        p = _step(t) / steps
        if staircase:
            p = np.floor(p)
        return _out(init / (F32(1) + rate * p))
    return closed_form(n, chunk, lr)


def _cosine(step: np.ndarray, decay_steps: np.ndarray, decay_from: np.ndarray,
            alpha: float) -> np.ndarray:
    """CosineDecay._decay_function (``self.alpha`` is a Python float there)::

        completed_fraction = ops.divide(step, decay_steps)
        cosine_decayed = 0.5 * (1.0 + ops.cos(ops.multiply(pi, completed_fraction)))
        decayed = (1 - self.alpha) * cosine_decayed + self.alpha
        return ops.multiply(decay_from_lr, decayed)
    """
    fraction = step / decay_steps
    cosine = F32(0.5) * (F32(1.0) + cos32(F32(math.pi) * fraction))
    decayed = f32(1 - alpha) * cosine + f32(alpha)
    return decay_from * decayed


def cosine_decay(n: int, base_lr: float, initial_learning_rate: float | None, decay_steps: int,
                 alpha: float, warmup_target: float | None, warmup_steps: int,
                 chunk: int = CHUNK) -> Chunks:
    """CosineDecay: without warmup_target, ``step = min(step, decay_steps)`` and a cosine from
    initial_learning_rate; with it, ``step = min(step, decay_steps + warmup_steps)``, then::

        if step < warmup_steps:
            completed_fraction = step / warmup_steps
            total_step_delta = warmup_target - initial_learning_rate
            return total_step_delta * completed_fraction + initial_learning_rate
        return _decay_function(step - warmup_steps, decay_steps, warmup_target)
    """
    init, steps = f32(_initial(base_lr, initial_learning_rate)), f32(decay_steps)

    if warmup_target is None:
        return closed_form(n, chunk, lambda t: _out(
            _cosine(np.minimum(_step(t), steps), steps, init, alpha)))

    target, warm = f32(warmup_target), f32(warmup_steps)

    def lr(t):
        step = np.minimum(_step(t), steps + warm)
        with np.errstate(divide="ignore", invalid="ignore"):  # warmup_steps == 0: never used
            rising = (target - init) * (step / warm) + init
        falling = _cosine(step - warm, steps, target, alpha)
        return _out(np.where(step < warm, rising, falling))
    return closed_form(n, chunk, lr)


def cosine_decay_restarts(n: int, base_lr: float, initial_learning_rate: float | None,
                          first_decay_steps: int, t_mul: float, m_mul: float, alpha: float,
                          chunk: int = CHUNK) -> Chunks:
    """CosineDecayRestarts::

        completed_fraction = global_step_recomp / first_decay_steps
        if t_mul == 1.0:
            i_restart = ops.floor(completed_fraction)
            completed_fraction -= i_restart
        else:
            i_restart = ops.floor(ops.log(1.0 - completed_fraction * (1.0 - t_mul))
                                  / ops.log(t_mul))
            sum_r = ops.divide(1.0 - ops.power(t_mul, i_restart), (1.0 - t_mul))
            completed_fraction = ops.divide(completed_fraction - sum_r, ops.power(t_mul, i_restart))
        m_fac = ops.power(m_mul, i_restart)
        cosine_decayed = 0.5 * m_fac * (1.0 + ops.cos(pi * completed_fraction))
        decayed = ops.add(ops.multiply((1 - alpha), cosine_decayed), alpha)
        return ops.multiply(initial_learning_rate, decayed)

    Every period starts at a restart decided by the float32 ``floor``, as in Keras.
    """
    init = f32(_initial(base_lr, initial_learning_rate))
    steps = f32(first_decay_steps)
    a, tm, mm = f32(alpha), f32(t_mul), f32(m_mul)
    one = F32(1.0)

    def lr(t):
        fraction = _step(t) / steps
        if tm == one:
            restart = np.floor(fraction)
            fraction = fraction - restart
        else:
            restart = np.floor(log32(one - fraction * (one - tm)) / log32(tm))
            grown = powf32(tm, restart)
            sum_r = (one - grown) / (one - tm)
            fraction = (fraction - sum_r) / grown
        m_fac = powf32(mm, restart)
        cosine = F32(0.5) * m_fac * (one + cos32(F32(math.pi) * fraction))
        return _out(init * ((one - a) * cosine + a))
    return closed_form(n, chunk, lr)
