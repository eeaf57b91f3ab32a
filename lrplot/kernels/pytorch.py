"""numpy kernels for torch.optim.lr_scheduler, bit-for-bit with torch 2.13.

torch updates the lr recursively (``lr = lr * gamma`` each step), and every multiplication
rounds. A closed form such as ``base_lr * gamma ** t`` rounds differently, and the difference
grows with t. ``np.multiply.accumulate`` multiplies strictly left to right, so it reproduces
the recursive product with the same rounding, vectorized. Where torch leaves the lr unchanged,
the factor is 1.0: ``x * 1.0 == x`` exactly, so one running product serves every
multiplicative scheduler.

Every kernel is a generator: ``kernel(n, base_lr, **params, chunk=...)`` yields consecutive
float64 arrays that together are ``lr[0..n-1]``. State (the last lr) carries from one chunk to
the next, so arbitrarily long runs evaluate in bounded memory.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Iterator, Sequence

import numpy as np

CHUNK = 1 << 20
"""Steps evaluated at once: large enough to amortize numpy's overhead, small enough for memory."""

Chunks = Iterator[np.ndarray]


def _spans(start: int, stop: int, chunk: int) -> Iterator[tuple[int, int]]:
    for begin in range(start, stop, chunk):
        yield begin, min(stop, begin + chunk)


def _accumulate(carry: float, factors: np.ndarray) -> np.ndarray:
    """[carry*f0, (carry*f0)*f1, ...], rounded exactly as a sequential loop would."""
    values = np.empty(len(factors) + 1)
    values[0] = carry
    values[1:] = factors
    return np.multiply.accumulate(values)[1:]


def _running_product(n: int, base_lr: float, factors: Callable[[np.ndarray], np.ndarray],
                     chunk: int) -> Chunks:
    """``lr[t] = lr[t-1] * factors(t)`` with ``lr[-1] = base_lr``, chunk by chunk."""
    lr = base_lr
    for start, stop in _spans(0, n, chunk):
        values = _accumulate(lr, factors(np.arange(start, stop)))
        lr = values[-1]
        yield values


def exponential(n: int, base_lr: float, gamma: float, chunk: int = CHUNK) -> Chunks:
    """ExponentialLR: ``lr = lr * gamma`` each step; the initial step leaves base_lr as it is."""
    return _running_product(n, base_lr, lambda t: np.where(t > 0, gamma, 1.0), chunk)


def step(n: int, base_lr: float, step_size: int, gamma: float, chunk: int = CHUNK) -> Chunks:
    """StepLR: ``lr = lr * gamma`` when t > 0 and ``t % step_size == 0``; else unchanged."""
    return _running_product(
        n, base_lr, lambda t: np.where((t > 0) & (t % step_size == 0), gamma, 1.0), chunk)


def multistep(n: int, base_lr: float, milestones: Sequence[int], gamma: float,
              chunk: int = CHUNK) -> Chunks:
    """MultiStepLR: at a milestone m, ``lr = lr * gamma ** count[m]``.

    torch keeps a Counter of the milestones, so a repeated milestone applies gamma once per
    repetition — as one power, not as repeated multiplications. There is no initial guard:
    a milestone 0 already applies at construction.
    """
    counts = Counter(milestones)
    epochs = np.array(sorted(counts), dtype=np.int64)
    powers = np.array([gamma ** counts[m] for m in sorted(counts)], dtype=float)

    def factors(t: np.ndarray) -> np.ndarray:
        f = np.ones(len(t))
        inside = (epochs >= t[0]) & (epochs <= t[-1])
        f[epochs[inside] - t[0]] = powers[inside]
        return f

    return _running_product(n, base_lr, factors, chunk)


def cosine(n: int, base_lr: float, T_max: int, eta_min: float, chunk: int = CHUNK) -> Chunks:
    """CosineAnnealingLR, torch's recursive form (not the closed form, which drifts by ~5e-11).

    For t >= 1, in torch's order of operations:

    - a restart, t = T_max + 1 + 2k*T_max (the step after each minimum):
      ``lr = lr + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2``
    - otherwise: ``lr = (1 + cos(pi*t/T_max)) / (1 + cos(pi*(t-1)/T_max)) * (lr - eta_min) + eta_min``

    With eta_min == 0 the second line is a running product that lands exactly on 0.0 at each
    minimum, so every period is an independent product starting from the restart value. With
    eta_min != 0, ``(lr - eta_min)`` rounds between steps and only a sequential loop reproduces
    torch; it runs in Python over precomputed ratios (~20x slower than the vectorized path).
    """
    bump = (base_lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
    minima = np.arange(T_max, n, 2 * T_max)
    if eta_min == 0 and not np.any(_cosine_ratios(minima, T_max)):
        return _cosine_products(n, base_lr, T_max, bump, chunk)
    return _cosine_sequential(n, base_lr, T_max, eta_min, bump, chunk)


def _cosine_ratios(t: np.ndarray, T_max: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 only at restarts, never used
        return (1 + np.cos(np.pi * t / T_max)) / (1 + np.cos(np.pi * (t - 1) / T_max))


def _cosine_products(n: int, base_lr: float, T_max: int, bump: float, chunk: int) -> Chunks:
    def row(first: float, start: int, stop: int) -> Chunks:
        # One run from a known first value: lr[start] = first, then ratio products.
        yield np.array([first])
        lr = first
        for begin, end in _spans(start + 1, stop, chunk):
            values = _accumulate(lr, _cosine_ratios(np.arange(begin, end), T_max))
            lr = values[-1]
            yield values

    yield from row(base_lr, 0, min(n, T_max + 1))
    period = 2 * T_max
    start = T_max + 1
    while start < n:
        if period > chunk:  # one long period at a time
            stop = min(n, start + period)
            yield from row(0.0 + bump, start, stop)
        else:  # many short periods at once: one row per period
            rows = min(chunk // period, -(-(n - start) // period))
            stop = min(n, start + rows * period)
            grid = np.ones(rows * period)
            grid[:stop - start] = _cosine_ratios(np.arange(start, stop), T_max)
            grid = grid.reshape(rows, period)
            grid[:, 0] = 0.0 + bump
            yield np.multiply.accumulate(grid, axis=1).ravel()[:stop - start]
        start = stop


def _cosine_sequential(n: int, base_lr: float, T_max: int, eta_min: float, bump: float,
                       chunk: int) -> Chunks:
    lr = base_lr
    for start, stop in _spans(0, n, chunk):
        t = np.arange(start, stop)
        ratios = _cosine_ratios(t, T_max).tolist()
        restarts = ((t - 1 - T_max) % (2 * T_max) == 0).tolist()
        out = [base_lr] * (stop - start)
        for i in range(1 if start == 0 else 0, stop - start):  # lr[0] is base_lr (initial step)
            if restarts[i]:
                lr = lr + bump
            else:
                lr = ratios[i] * (lr - eta_min) + eta_min
            out[i] = lr
        yield np.array(out)
