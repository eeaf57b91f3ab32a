"""numpy kernels for torch.optim.lr_scheduler, bit-for-bit with torch 2.13.

torch updates the lr recursively (``lr = lr * gamma`` each step), and every multiplication
rounds. A closed form such as ``base_lr * gamma ** t`` rounds differently, and the difference
grows with t. ``np.multiply.accumulate`` multiplies strictly left to right, so it reproduces
the recursive product with the same rounding, vectorized. Each kernel documents the torch
operation order it follows; ``../shared/reference`` in the design notes has the full sheet.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

import numpy as np


def _products(first: float, factors: np.ndarray) -> np.ndarray:
    """[first, first*f0, (first*f0)*f1, ...], rounded exactly as a sequential loop would."""
    values = np.empty(len(factors) + 1)
    values[0] = first
    values[1:] = factors
    return np.multiply.accumulate(values)


def exponential(n: int, base_lr: float, gamma: float) -> np.ndarray:
    """ExponentialLR: ``lr[t] = lr[t-1] * gamma``; ``lr[0] = base_lr`` (initial step is a no-op)."""
    return _products(base_lr, np.full(n - 1, gamma))


def step(n: int, base_lr: float, step_size: int, gamma: float) -> np.ndarray:
    """StepLR: ``lr = lr * gamma`` when ``t % step_size == 0`` and t > 0, else unchanged."""
    levels = _products(base_lr, np.full((n - 1) // step_size, gamma))
    return levels[np.arange(n) // step_size]


def multistep(n: int, base_lr: float, milestones: Sequence[int], gamma: float) -> np.ndarray:
    """MultiStepLR: at a milestone m, ``lr = lr * gamma ** count[m]``.

    torch keeps a Counter of the milestones, so a repeated milestone applies gamma once per
    repetition — as one power, not as repeated multiplications. There is no initial guard:
    a milestone 0 already applies at construction.
    """
    counts = Counter(milestones)
    epochs = sorted(m for m in counts if m < n)
    levels = _products(base_lr, np.array([gamma ** counts[m] for m in epochs], dtype=float))
    return levels[np.searchsorted(epochs, np.arange(n), side="right")]


def cosine(n: int, base_lr: float, T_max: int, eta_min: float) -> np.ndarray:
    """CosineAnnealingLR, torch's recursive form (not the closed form, which drifts by ~5e-11).

    For t >= 1, in torch's order of operations:

    - t = T_max + 1 + 2k*T_max (the restart after each minimum):
      ``lr = lr + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2``
    - otherwise: ``lr = (1 + cos(pi*t/T_max)) / (1 + cos(pi*(t-1)/T_max)) * (lr - eta_min) + eta_min``

    With eta_min == 0 the second line is a plain product, so each half-period-pair segment is one
    ``multiply.accumulate``. Otherwise ``(lr - eta_min)`` rounds between steps and only a
    sequential loop reproduces torch; it runs over precomputed ratios.
    """
    t = np.arange(n)
    with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 only at restarts, never used
        ratios = (1 + np.cos(np.pi * t / T_max)) / (1 + np.cos(np.pi * (t - 1) / T_max))
    bump = (base_lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
    minima = ratios[T_max::2 * T_max]  # steps that land exactly on eta_min
    if eta_min == 0 and not np.any(minima):
        return _cosine_segments(n, base_lr, T_max, ratios, bump)
    return _cosine_sequential(n, base_lr, T_max, eta_min, ratios.tolist(), bump)


def _cosine_segments(n: int, base_lr: float, T_max: int, ratios: np.ndarray,
                     bump: float) -> np.ndarray:
    # Segment 0 is t = 0..T_max, ending exactly at 0.0 (its last ratio is exactly 0). Every
    # later segment starts at a restart step, where lr = 0.0 + bump, and is 2*T_max long.
    out = np.empty(n)
    head = min(n, T_max + 1)
    out[:head] = _products(base_lr, ratios[1:head])
    rest = n - head
    if rest > 0:
        period = 2 * T_max
        rows = -(-rest // period)
        grid = np.ones(rows * period)
        grid[:rest] = ratios[head:]
        grid = grid.reshape(rows, period)
        grid[:, 0] = 0.0 + bump
        out[head:] = np.multiply.accumulate(grid, axis=1).ravel()[:rest]
    return out


def _cosine_sequential(n: int, base_lr: float, T_max: int, eta_min: float,
                       ratios: list[float], bump: float) -> np.ndarray:
    out = [0.0] * n
    lr = out[0] = base_lr
    restart = T_max + 1
    t = 1
    while t < n:
        stop = min(n, restart)
        for i in range(t, stop):
            lr = ratios[i] * (lr - eta_min) + eta_min
            out[i] = lr
        if stop < n:
            lr = lr + bump
            out[stop] = lr
        t = stop + 1
        restart += 2 * T_max
    return np.array(out)
