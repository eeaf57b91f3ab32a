"""numpy kernels for transformers' ``get_scheduler`` schedules, bit-for-bit with transformers 5.

Every one of them is a ``torch.optim.lr_scheduler.LambdaLR``: ``lr[t] = base_lr * f(t)``, where
``f`` is a function of the step computed in Python floats (IEEE doubles). Each kernel below
computes ``f`` on a whole array of steps in transformers' order of operations (the source of
each lambda is quoted in its docstring), then multiplies by ``base_lr`` as LambdaLR does.
transformers' lambdas take ``max(0.0, x)``; :func:`pymax0` reproduces that, NaN and -0.0
included.
"""

from __future__ import annotations

import math

import numpy as np

from lrplot.kernel_tools import CHUNK, Chunks, closed_form, pymax0
from lrplot.libm import cos, power


def _warmup(t: np.ndarray, num_warmup_steps: int) -> np.ndarray:
    """``float(current_step) / float(max(1, num_warmup_steps))``."""
    return t / float(max(1, num_warmup_steps))


def _lambda_lr(n: int, base_lr: float, f, chunk: int) -> Chunks:
    return closed_form(n, chunk, lambda t: base_lr * f(t))


def constant(n: int, base_lr: float, chunk: int = CHUNK) -> Chunks:
    """``get_constant_schedule``: f(t) = 1."""
    return _lambda_lr(n, base_lr, lambda t: np.ones(len(t)), chunk)


def constant_with_warmup(n: int, base_lr: float, num_warmup_steps: int,
                         chunk: int = CHUNK) -> Chunks:
    """``get_constant_schedule_with_warmup``::

        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1.0, num_warmup_steps))
        return 1.0
    """
    def f(t):
        return np.where(t < num_warmup_steps, t / float(max(1.0, num_warmup_steps)), 1.0)
    return _lambda_lr(n, base_lr, f, chunk)


def linear(n: int, base_lr: float, num_warmup_steps: int, num_training_steps: int,
           chunk: int = CHUNK) -> Chunks:
    """``get_linear_schedule_with_warmup``::

        if current_step < num_warmup_steps: <warmup>
        return max(0.0, float(num_training_steps - current_step)
                        / float(max(1, num_training_steps - num_warmup_steps)))
    """
    W, T = num_warmup_steps, num_training_steps

    def f(t):
        decay = pymax0((T - t).astype(np.float64) / float(max(1, T - W)))
        return np.where(t < W, _warmup(t, W), decay)
    return _lambda_lr(n, base_lr, f, chunk)


def _progress(t: np.ndarray, W: int, T: int) -> np.ndarray:
    """``float(current_step - num_warmup_steps)
    / float(max(1, num_training_steps - num_warmup_steps))``."""
    return (t - W).astype(np.float64) / float(max(1, T - W))


def cosine(n: int, base_lr: float, num_warmup_steps: int, num_training_steps: int,
           num_cycles: float, chunk: int = CHUNK) -> Chunks:
    """``get_cosine_schedule_with_warmup``::

        progress = <_progress>
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)))

    Past num_training_steps the cosine goes on: with num_cycles = 0.5 it rises again.
    """
    W, T = num_warmup_steps, num_training_steps
    scale = math.pi * float(num_cycles) * 2.0

    def f(t):
        decay = pymax0(0.5 * (1.0 + cos(scale * _progress(t, W, T))))
        return np.where(t < W, _warmup(t, W), decay)
    return _lambda_lr(n, base_lr, f, chunk)


def cosine_with_restarts(n: int, base_lr: float, num_warmup_steps: int, num_training_steps: int,
                         num_cycles: float, chunk: int = CHUNK) -> Chunks:
    """``get_cosine_with_hard_restarts_schedule_with_warmup``::

        progress = <_progress>
        if progress >= 1.0:
            return 0.0
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((float(num_cycles) * progress) % 1.0))))
    """
    W, T = num_warmup_steps, num_training_steps
    cycles = float(num_cycles)

    def f(t):
        progress = _progress(t, W, T)
        decay = pymax0(0.5 * (1.0 + cos(math.pi * np.remainder(cycles * progress, 1.0))))
        return np.where(t < W, _warmup(t, W), np.where(progress >= 1.0, 0.0, decay))
    return _lambda_lr(n, base_lr, f, chunk)


def polynomial(n: int, base_lr: float, num_warmup_steps: int, num_training_steps: int,
               lr_end: float, power: float, chunk: int = CHUNK) -> Chunks:
    """``get_polynomial_decay_schedule_with_warmup`` (lr_init is the optimizer's lr, base_lr)::

        elif current_step > num_training_steps:
            return lr_end / lr_init
        else:
            lr_range = lr_init - lr_end
            decay_steps = num_training_steps - num_warmup_steps
            pct_remaining = 1 - (current_step - num_warmup_steps) / decay_steps
            decay = lr_range * pct_remaining**power + lr_end
            return decay / lr_init

    LambdaLR then multiplies by lr_init again, so the lr is ``lr_init * (decay / lr_init)``,
    which is not always ``decay`` in floating point.
    """
    W, T = num_warmup_steps, num_training_steps
    lr_init = base_lr
    lr_range = lr_init - lr_end
    decay_steps = T - W
    exponent = power

    def f(t):
        inside = (t >= W) & (t <= T)
        s = np.where(inside, t, W)  # keeps the division and the power in their domain
        pct_remaining = 1 - (s - W) / decay_steps if decay_steps else np.ones(len(t))
        decay = lr_range * _pow(pct_remaining, exponent) + lr_end
        return np.where(t < W, _warmup(t, W),
                        np.where(t > T, lr_end / lr_init, decay / lr_init))
    return _lambda_lr(n, base_lr, f, chunk)


_pow = power


def inverse_sqrt(n: int, base_lr: float, num_warmup_steps: int, timescale: int | None,
                 chunk: int = CHUNK) -> Chunks:
    """``get_inverse_sqrt_schedule``::

        if timescale is None:
            timescale = num_warmup_steps or 10_000
        ...
        shift = timescale - num_warmup_steps
        decay = 1.0 / math.sqrt((current_step + shift) / timescale)
    """
    W = num_warmup_steps
    if timescale is None:
        timescale = W or 10_000
    shift = timescale - W

    def f(t):
        s = np.maximum(t, W)  # the warmup branch never evaluates the square root
        return np.where(t < W, _warmup(t, W), 1.0 / np.sqrt((s + shift) / timescale))
    return _lambda_lr(n, base_lr, f, chunk)


def _min_lr_rate(base_lr: float, min_lr: float | None, min_lr_rate: float | None) -> float:
    """``min_lr_rate = min_lr / optimizer.defaults["lr"]`` when min_lr is the one given."""
    return min_lr / base_lr if min_lr is not None else float(min_lr_rate)  # type: ignore[arg-type]


def cosine_with_min_lr(n: int, base_lr: float, num_warmup_steps: int, num_training_steps: int,
                       num_cycles: float, min_lr: float | None, min_lr_rate: float | None,
                       chunk: int = CHUNK) -> Chunks:
    """``get_cosine_with_min_lr_schedule_with_warmup``::

        progress = <_progress>
        factor = 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))
        factor = factor * (1 - min_lr_rate) + min_lr_rate
        return max(0, factor)
    """
    W, T = num_warmup_steps, num_training_steps
    rate = _min_lr_rate(base_lr, min_lr, min_lr_rate)
    scale = math.pi * float(num_cycles) * 2.0

    def f(t):
        factor = 0.5 * (1.0 + cos(scale * _progress(t, W, T)))
        factor = factor * (1 - rate) + rate
        return np.where(t < W, _warmup(t, W), pymax0(factor))
    return _lambda_lr(n, base_lr, f, chunk)


def cosine_warmup_with_min_lr(n: int, base_lr: float, num_warmup_steps: int,
                              num_training_steps: int, num_cycles: float, min_lr: float | None,
                              min_lr_rate: float | None, warmup_lr_rate: float | None,
                              chunk: int = CHUNK) -> Chunks:
    """``get_cosine_with_min_lr_schedule_with_warmup_lr_rate`` (all in floats)::

        if current_step < num_warmup_steps:
            if warmup_lr_rate is None:
                return (current_step + 1.0) / max(1.0, num_warmup_steps)
            return warmup_lr_rate + (1.0 - warmup_lr_rate) * (current_step) / (
                max(1, num_warmup_steps - 1))
        progress = (current_step - num_warmup_steps + 1.0) / (
            max(1.0, num_training_steps - num_warmup_steps))
        factor = 0.5 * (1.0 + math.cos(math.pi * num_cycles * 2.0 * progress))
        factor = factor * (1 - min_lr_rate) + min_lr_rate
        return max(0, factor)
    """
    W, T = float(num_warmup_steps), float(num_training_steps)
    rate = _min_lr_rate(base_lr, min_lr, min_lr_rate)
    scale = math.pi * num_cycles * 2.0

    def f(t):
        step = t.astype(np.float64)
        if warmup_lr_rate is None:
            warm = (step + 1.0) / max(1.0, W)
        else:
            w = float(warmup_lr_rate)
            warm = w + (1.0 - w) * step / max(1, W - 1)
        progress = (step - W + 1.0) / max(1.0, T - W)
        factor = 0.5 * (1.0 + cos(scale * progress))
        factor = factor * (1 - rate) + rate
        return np.where(step < W, warm, pymax0(factor))
    return _lambda_lr(n, base_lr, f, chunk)


def warmup_stable_decay(n: int, base_lr: float, num_warmup_steps: int, num_decay_steps: int,
                        num_training_steps: int | None, num_stable_steps: int | None,
                        warmup_type: str, decay_type: str, min_lr_ratio: float, num_cycles: float,
                        chunk: int = CHUNK) -> Chunks:
    """``get_wsd_schedule``: warmup, a stable phase at base_lr, a decay, then min_lr_ratio::

        if num_stable_steps is None:
            num_stable_steps = num_training_steps - num_warmup_steps - num_decay_steps
        if current_step < num_warmup_steps:
            progress = float(current_step) / float(max(1, num_warmup_steps))
            factor = progress                                  # linear
                   | 0.5 * (1.0 - math.cos(math.pi * progress))  # cosine
                   | 1.0 - math.sqrt(1.0 - progress)           # 1-sqrt
            factor = factor * (1.0 - min_lr_ratio) + min_lr_ratio
            return max(0.0, factor)
        if current_step < num_warmup_steps + num_stable_steps:
            return 1.0
        if current_step < num_warmup_steps + num_stable_steps + num_decay_steps:
            progress = float(current_step - num_warmup_steps - num_stable_steps) / float(
                max(1, num_decay_steps))
            factor = 1.0 - progress                                                      # linear
                   | 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))  # cosine
                   | 1.0 - math.sqrt(progress)                                           # 1-sqrt
            factor = factor * (1.0 - min_lr_ratio) + min_lr_ratio
            return max(0.0, factor)
        return min_lr_ratio
    """
    W, D = num_warmup_steps, num_decay_steps
    S = num_stable_steps if num_stable_steps is not None else num_training_steps - W - D  # type: ignore[operator]
    ratio = min_lr_ratio
    scale = math.pi * float(num_cycles) * 2.0

    def shaped(progress: np.ndarray, kind: str, rising: bool) -> np.ndarray:
        if kind == "linear":
            factor = progress if rising else 1.0 - progress
        elif kind == "cosine":
            factor = (0.5 * (1.0 - cos(math.pi * progress)) if rising
                      else 0.5 * (1.0 + cos(scale * progress)))
        else:  # "1-sqrt"
            factor = 1.0 - np.sqrt(1.0 - progress) if rising else 1.0 - np.sqrt(progress)
        return pymax0(factor * (1.0 - ratio) + ratio)

    def f(t):
        in_warmup = t < W
        in_decay = ~in_warmup & (t >= W + S) & (t < W + S + D)
        up = np.where(in_warmup, t, 0).astype(np.float64) / float(max(1, W))
        down = np.where(in_decay, t - W - S, 0).astype(np.float64) / float(max(1, D))
        out = np.where(t < W + S, 1.0, ratio)
        out = np.where(in_decay, shaped(down, decay_type, rising=False), out)
        return np.where(in_warmup, shaped(up, warmup_type, rising=True), out)
    return _lambda_lr(n, base_lr, f, chunk)
