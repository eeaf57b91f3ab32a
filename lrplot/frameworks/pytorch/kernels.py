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
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from lrplot import libm
from lrplot.frameworks.pytorch import onecycle as one_cycle
from lrplot.kernel_tools import CHUNK, Chunks

CACHE_BLOCK = 1 << 16
"""Steps a chain of element-wise passes works on at once: 512 kB of float64, which stays in the
processor's cache from one pass to the next."""


def _spans(start: int, stop: int, chunk: int) -> Iterator[tuple[int, int]]:
    for begin in range(start, stop, chunk):
        yield begin, min(stop, begin + chunk)


class RunningProduct:
    """``lr[t] = lr[t-1] * factors(t)`` with ``lr[-1] = base_lr``: an iterator over the chunks,
    rounded exactly as a sequential loop would (``np.multiply.accumulate`` multiplies left to
    right). ``factors(t)`` gives the factor of each step of ``t``, or one for all of them (a
    number, or a column). Along the last axis: a sweep (``base_lr`` of shape (k, 1) and/or
    factors of shape (k, m) or (k, 1)) gives k independent rows at once, each the same numbers
    as its own 1-D run.

    ``factors`` stays visible, so that a composite of such schedules (ChainedScheduler, where
    every child multiplies the shared lr in turn) can interleave its children's factors into one
    running product (lrplot.frameworks.pytorch.stepping.chained).
    """

    def __init__(self, n: int, base_lr: Any, factors: Callable[[np.ndarray], np.ndarray],
                 chunk: int):
        self.factors = factors
        self._chunks = self._run(n, base_lr, chunk)

    def _run(self, n: int, base_lr: Any, chunk: int) -> Chunks:
        # Block by block, so that a block's factors are multiplied in while still in cache:
        # values[..., i] is the lr before step start + i, values[..., i + 1] after it.
        lr = base_lr
        for start, stop in _spans(0, n, chunk):
            values = None
            for begin, end in _spans(start, stop, CACHE_BLOCK):
                factors = self.factors(np.arange(begin, end))
                if values is None:
                    lead = np.broadcast_shapes(np.shape(lr), np.shape(factors)[:-1] + (1,))[:-1]
                    values = np.empty(lead + (stop - start + 1,))
                    values[..., :1] = lr
                block = values[..., begin - start:end - start + 1]
                block[..., 1:] = factors
                np.multiply.accumulate(block, axis=-1, out=block)  # from the carried lr on
            lr = values[..., -1:]
            yield values[..., 1:]

    def __iter__(self) -> RunningProduct:
        return self

    def __next__(self) -> np.ndarray:
        return next(self._chunks)


_running_product = RunningProduct


def _where(steps: np.ndarray, factor: Any) -> np.ndarray:
    """``factor`` at the marked steps, 1.0 at the others: ``np.where(steps, factor, 1.0)``,
    without its slow broadcasting loop when ``factor`` is a sweep's column (k, 1)."""
    out = np.empty(np.broadcast_shapes(np.shape(factor), steps.shape))
    if 2 * np.count_nonzero(steps) > len(steps):  # set the fewer of the two by index
        out[...] = factor
        out[..., np.flatnonzero(~steps)] = 1.0
    else:
        out[...] = 1.0
        out[..., np.flatnonzero(steps)] = factor
    return out


def exponential(n: int, base_lr: float, gamma: float, chunk: int = CHUNK) -> Chunks:
    """ExponentialLR: ``lr = lr * gamma`` each step; the initial step leaves base_lr as it is."""
    return _running_product(
        n, base_lr, lambda t: gamma if t[0] > 0 else _where(t > 0, gamma), chunk)


exponential.broadcasts = ("base_lr", "gamma")  # type: ignore[attr-defined]
"""Parameters a kernel accepts as (k, 1) arrays, yielding (k, m) chunks: one row per curve of a
sweep, evaluated in one pass (lrplot.compute groups the curves of a sweep that differ only in
these)."""


def step(n: int, base_lr: float, step_size: int, gamma: float, chunk: int = CHUNK) -> Chunks:
    """StepLR: ``lr = lr * gamma`` when t > 0 and ``t % step_size == 0``; else unchanged."""
    return _running_product(
        n, base_lr, lambda t: _where((t > 0) & (t % step_size == 0), gamma), chunk)


step.broadcasts = ("base_lr", "gamma")  # type: ignore[attr-defined]


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


def cosine(n: int, base_lr: float, T_max: int, eta_min: float, chunk: int = CHUNK,
           start: float | None = None) -> Chunks:
    """CosineAnnealingLR, torch's recursive form (not the closed form, which drifts by ~5e-11).

    For t >= 1, in torch's order of operations:

    - a restart, t = T_max + 1 + 2k*T_max (the step after each minimum):
      ``lr = lr + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2``
    - otherwise:
      ``lr = (1 + cos(pi*t/T_max)) / (1 + cos(pi*(t-1)/T_max)) * (lr - eta_min) + eta_min``

    With eta_min == 0 the second line is a running product that lands exactly on 0.0 at each
    minimum, so every period is an independent product starting from the restart value. With
    eta_min != 0, ``(lr - eta_min)`` rounds between steps and only a sequential recursion
    reproduces torch. Still, the ratio at each minimum is exactly 0, so the lr there is exactly
    eta_min and every period starts afresh from ``eta_min + bump``: many short periods recurse
    side by side, one numpy operation per position in the period (:func:`_cosine_periods`);
    a few long ones recurse step by step over precomputed ratios — mostly as checked
    speculative running products (:func:`_affine_recursion`), else in a Python loop.

    ``start`` replaces lr[0] (SequentialLR hands over with the closed form at epoch 0,
    ``eta_min + (base_lr - eta_min)``, which may differ from base_lr in the last bit).
    """
    bump = (base_lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
    minima = np.arange(T_max, n, 2 * T_max)
    first = base_lr if start is None else start
    exact_minima = not np.any(_cosine_ratios(minima, T_max))  # the lr lands on eta_min there
    if eta_min == 0 and first == base_lr and exact_minima:
        return _cosine_products(n, base_lr, T_max, bump, chunk)
    if exact_minima and chunk // (2 * T_max) >= PERIODS_SIDE_BY_SIDE and n > T_max + 1:
        return _cosine_periods(n, first, T_max, eta_min, bump, chunk)
    return _cosine_sequential(n, first, T_max, eta_min, bump, chunk)


def _cosine_ratios(t: np.ndarray, T_max: int) -> np.ndarray:
    """``(1 + cos(pi*t/T_max)) / (1 + cos(pi*(t-1)/T_max))`` at the steps ``t``."""
    with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 only at restarts, never used
        return (1 + libm.cos(np.pi * t / T_max)) / (1 + libm.cos(np.pi * (t - 1) / T_max))


def _consecutive_ratios(begin: int, end: int, T_max: int, out: np.ndarray | None = None
                        ) -> np.ndarray:
    """The ratios of the steps ``begin .. end - 1`` (into ``out`` if given).

    cos(pi * (t - 1) / T_max) is the previous step's cos(pi * t / T_max), the same float, so
    one cosine per step serves both (computed in place: the same operations on the same
    floats as :func:`_cosine_ratios`). Blocks of :data:`CACHE_BLOCK` steps keep the five passes
    over each block in the processor's cache."""
    out = np.empty(end - begin) if out is None else out
    for block, block_end in _spans(begin, end, CACHE_BLOCK):
        x = np.arange(block - 1, block_end, dtype=np.float64)
        np.multiply(np.pi, x, out=x)
        np.divide(x, T_max, out=x)
        x = libm.cos(x)
        np.add(1, x, out=x)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(x[1:], x[:-1], out=out[block - begin:block_end - begin])
    return out


def _cosine_products(n: int, base_lr: float, T_max: int, bump: float, chunk: int) -> Chunks:
    def row(first: float, start: int, stop: int) -> Chunks:
        # One run from a known first value: lr[start] = first, then ratio products; values[0]
        # is lr[start] in the first piece, the lr carried from the piece before in the others.
        lr, head = first, 0
        for begin, end in _spans(start, stop, chunk):
            values = np.empty(end - begin + head)
            values[0] = lr
            _consecutive_ratios(begin + 1 - head, end, T_max, out=values[1:])
            np.multiply.accumulate(values, out=values)
            piece, lr, head = values[head:], values[-1], 1
            yield piece

    yield from row(base_lr, 0, min(n, T_max + 1))
    period = 2 * T_max
    start = T_max + 1
    while start < n:
        if period > chunk:  # one long period at a time
            stop = min(n, start + period)
            yield from row(0.0 + bump, start, stop)
        else:  # many short periods at once: one row per period
            stop, grid = _period_grid(start, n, T_max, chunk)
            grid[:, 0] = 0.0 + bump
            # in place: half the time of a new array here
            yield np.multiply.accumulate(grid, axis=1, out=grid).ravel()[:stop - start]
        start = stop


def _period_grid(start: int, n: int, T_max: int, chunk: int) -> tuple[int, np.ndarray]:
    """The ratios of as many whole periods from ``start`` (a restart) as fit in ``chunk``, one
    row per period, and the step where they stop (``n`` at the latest: past it the last row is
    padded with 1.0, to be cut off)."""
    period = 2 * T_max
    rows = min(chunk // period, -(-(n - start) // period))
    stop = min(n, start + rows * period)
    grid = np.empty(rows * period)
    _consecutive_ratios(start, stop, T_max, out=grid[:stop - start])
    grid[stop - start:] = 1.0
    return stop, grid.reshape(rows, period)


PERIODS_SIDE_BY_SIDE = 64
"""From how many periods per chunk recursing them side by side beats recursing each period step
by step (:func:`_cosine_sequential`; measured at 10^6 steps: even at 64, side by side 2x faster
at 500 periods, half as fast at 32)."""


def _cosine_periods(n: int, first: float, T_max: int, eta_min: float, bump: float,
                    chunk: int) -> Chunks:
    """The recursion with eta_min != 0, period by period: the first descent (steps
    0..T_max) step by step (:func:`_cosine_sequential`), then every later period — a restart at
    ``T_max + 1 + 2k*T_max`` from exactly ``eta_min + bump``, and ``2*T_max - 1`` updates — as
    one column of a grid, all columns updated together, position by position."""
    yield from _cosine_sequential(T_max + 1, first, T_max, eta_min, bump, chunk)
    period = 2 * T_max
    start = T_max + 1
    while start < n:
        stop, grid = _period_grid(start, n, T_max, chunk)
        rows = len(grid)
        ratios = np.ascontiguousarray(grid.T)  # a row per position in the period
        lr = np.empty((period, rows))
        lr[0] = eta_min + bump  # the lr at a minimum is eta_min, to the last bit
        scratch = np.empty(rows)
        for i in range(1, period):  # torch's ratio * (lr - eta_min) + eta_min, per period
            np.subtract(lr[i - 1], eta_min, out=scratch)
            np.multiply(ratios[i], scratch, out=scratch)
            np.add(scratch, eta_min, out=lr[i])
        yield lr.T.ravel()[:stop - start]
        start = stop


def _cosine_sequential(n: int, base_lr: float, T_max: int, eta_min: float, bump: float,
                       chunk: int) -> Chunks:
    lr = base_lr
    period = 2 * T_max
    for start, stop in _spans(0, n, chunk):
        ratios = _consecutive_ratios(start, stop, T_max)
        out = np.empty(stop - start)
        i = 0
        if start == 0:  # lr[0] is base_lr (the initial step)
            out[0] = lr
            i = 1
        # the restarts, t = T_max + 1 + 2k*T_max, split the chunk into runs of plain updates
        restart = T_max + 1 + max(0, -(-(start + i - T_max - 1) // period)) * period
        while i < stop - start:
            end = min(stop - start, restart - start)
            if end > i:
                lr = _affine_recursion(ratios[i:end], lr, eta_min, out[i:end])
            i = end
            if i < stop - start:  # t == restart
                lr = lr + bump
                out[i] = lr
                i += 1
                restart += period
        yield out


SPECULATION_WINDOW = 64
"""Steps a speculative run of :func:`_affine_recursion` starts with, and the fewest it must
confirm to be worth another; fewer, and the Python loop takes the next steps."""


def _affine_recursion(ratios: np.ndarray, lr: float, eta_min: float, out: np.ndarray) -> float:
    """``lr = ratio * (lr - eta_min) + eta_min`` for each ratio in turn, into ``out``, rounded
    step by step as torch's loop rounds; returns the last lr.

    Each step rounds three times: ``a = lr - eta_min``, ``b = ratio * a``, ``lr = b + eta_min``.
    Mostly the next step's ``a``, ``(b + eta_min) - eta_min``, is ``b`` again, to the last bit
    (whenever ``b`` and ``b + eta_min`` share a binade). So speculate that it is: a run of
    ``b`` is then one running product (``np.multiply.accumulate``), and checking the
    speculation is two more passes. Wherever ``(b + eta_min) - eta_min == b`` held, every value
    up to the first step where it did not is exactly the loop's, and the next run starts there
    from the true ``a``. Runs grow while they succeed, up to a cache block. Where the check
    keeps failing (the lr within about eta_min of eta_min, or crossing a power of two) the plain
    loop takes over, for longer each time the speculation fails again.
    """
    n = len(ratios)
    a = lr - eta_min
    i, window, loop = 0, SPECULATION_WINDOW, SPECULATION_WINDOW
    while i < n:
        length = min(n - i, window)
        b = np.empty(length + 1)
        b[0] = a
        b[1:] = ratios[i:i + length]
        with np.errstate(all="ignore"):  # as Python floats: inf and nan, no warning
            np.multiply.accumulate(b, out=b)
            b = b[1:]
            lr_run = np.add(b, eta_min, out=out[i:i + length])
            a_next = lr_run - eta_min
        wrong = a_next != b  # a NaN is never confirmed
        first = int(wrong.argmax())
        confirmed = first + 1 if wrong[first] else length
        a = float(a_next[confirmed - 1])
        i += confirmed
        if confirmed == length:  # try a longer run
            window = min(CACHE_BLOCK, 2 * window)
        elif confirmed >= SPECULATION_WINDOW:
            window = loop = SPECULATION_WINDOW
        else:  # not worth it here: the loop goes on from the confirmed lr
            lr = float(out[i - 1])
            stop = min(n, i + loop)
            values = []
            append = values.append
            for ratio in ratios[i:stop].tolist():
                lr = ratio * (lr - eta_min) + eta_min
                append(lr)
            out[i:stop] = values
            i = stop
            a = lr - eta_min
            window, loop = SPECULATION_WINDOW, min(CACHE_BLOCK, 2 * loop)
    return float(out[n - 1])


# -- warm-up and decay factors (ConstantLR, LinearLR, PolynomialLR) ------------------------------


def constant(n: int, base_lr: float, factor: float, total_iters: int,
             chunk: int = CHUNK) -> Chunks:
    """ConstantLR: ``lr * factor`` at t = 0, ``lr * (1.0 / factor)`` at t = total_iters.

    Recursive like torch (no initial guard): the restored lr is ``base_lr * factor *
    (1.0 / factor)``, which need not be base_lr to the last bit.
    """
    restore = 1.0 / factor

    def factors(t: np.ndarray) -> np.ndarray:
        return np.where(t == 0, factor, np.where(t == total_iters, restore, 1.0))

    return _running_product(n, base_lr, factors, chunk)


def linear(n: int, base_lr: float, start_factor: float, end_factor: float, total_iters: int,
           chunk: int = CHUNK) -> Chunks:
    """LinearLR, torch's recursive form: ``lr * start_factor`` at t = 0, then for
    1 <= t <= total_iters ``lr * (1.0 + (e - s) / (T * s + (t - 1) * (e - s)))``."""
    s, e, T = start_factor, end_factor, total_iters
    delta = e - s
    first = T * s

    def factors(t: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            ramp = 1.0 + delta / (first + (t - 1) * delta)
        return np.where(t == 0, s, np.where(t <= T, ramp, 1.0))

    return _running_product(n, base_lr, factors, chunk)


def polynomial(n: int, base_lr: float, total_iters: int, power: float,
               chunk: int = CHUNK) -> Chunks:
    """PolynomialLR, recursive: for 1 <= t <= total_iters
    ``lr * ((1.0 - t / T) / (1.0 - (t - 1) / T)) ** power``; base_lr at t = 0, then constant
    after T (0 when power > 0)."""
    T = total_iters

    def factors(t: np.ndarray) -> np.ndarray:
        # step t's denominator is step t - 1's numerator, the same float: one pass gives both
        remaining = np.arange(t[0] - 1, t[-1] + 1, dtype=np.float64)
        np.divide(remaining, T, out=remaining)
        np.subtract(1.0, remaining, out=remaining)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = libm.power(remaining[1:] / remaining[:-1], power)
        if t[0] >= 1 and t[-1] <= T:
            return ratio
        return np.where((t >= 1) & (t <= T), ratio, 1.0)

    return _running_product(n, base_lr, factors, chunk)


# -- CosineAnnealingWarmRestarts -----------------------------------------------------------------


def cosine_restarts(n: int, base_lr: float, T_0: int, T_mult: int, eta_min: float,
                    chunk: int = CHUNK) -> Chunks:
    """CosineAnnealingWarmRestarts (SGDR): ``eta_min + (base_lr - eta_min) *
    (1 + cos(pi * T_cur / T_i)) / 2``, not recursive.

    torch counts ``T_cur`` up by one per step and, when it reaches ``T_i``, wraps it to 0 and
    multiplies ``T_i`` by ``T_mult``: cycle k lasts ``T_0 * T_mult**k`` steps. The cosine is
    what costs, so cycles share what they can, exactly: with ``T_mult == 1`` every cycle is the
    first one again; with ``T_mult == 2`` every even ``T_cur`` of a cycle has the previous
    cycle's value at ``T_cur / 2`` (``pi * 2j / 2T`` is ``pi * j / T`` to the last bit: scaling
    by two is exact), so only the odd steps need a cosine.
    """
    amplitude = base_lr - eta_min

    def values(length: int, j: np.ndarray) -> np.ndarray:
        return eta_min + amplitude * (1 + libm.cos(np.pi * j / length)) / 2

    if T_mult == 1 and T_0 <= chunk:
        cycle = values(T_0, np.arange(T_0))
        for start, stop in _spans(0, n, chunk):
            yield cycle[np.arange(start, stop) % T_0]
        return
    start, length, previous = 0, T_0, None  # previous: the last cycle's values, if kept
    while start < n:
        steps = min(length, n - start)
        halves = previous if T_mult == 2 and previous is not None else None
        kept = []
        for j0, j1 in _spans(0, steps, chunk):
            if halves is None:
                piece = values(length, np.arange(j0, j1))
            else:
                piece = np.empty(j1 - j0)
                even = j0 + j0 % 2  # the first even T_cur in the piece
                piece[even - j0::2] = halves[even // 2:(j1 + 1) // 2]
                piece[1 - j0 % 2::2] = values(length, np.arange(j0 + 1 - j0 % 2, j1, 2))
            if length <= chunk:
                kept.append(piece)
            yield piece
        previous = kept[0] if kept and steps == length else None
        start, length = start + length, length * T_mult


# -- LambdaLR, MultiplicativeLR ------------------------------------------------------------------


def _expression(source: str):
    from lrplot import expr

    return expr.parse(source)


def lambda_(n: int, base_lr: float, lr_lambda: str, chunk: int = CHUNK) -> Chunks:
    """LambdaLR: ``base_lr * f(t)`` at every t, t = 0 included; ``f`` is an expression
    (lrplot.expr), evaluated for a whole chunk at once with Python's rounding."""
    f = _expression(lr_lambda)
    for start, stop in _spans(0, n, chunk):
        yield base_lr * f.evaluate(np.arange(start, stop)).astype(np.float64)


def multiplicative(n: int, base_lr: float, lr_lambda: str, chunk: int = CHUNK) -> Chunks:
    """MultiplicativeLR: ``lr = lr * f(t)`` for t >= 1; lr[0] = base_lr (f(0) is never called)."""
    f = _expression(lr_lambda)

    def factors(t: np.ndarray) -> np.ndarray:
        out = np.ones(len(t))
        live = t >= 1
        out[live] = f.evaluate(t[live])
        return out

    return _running_product(n, base_lr, factors, chunk)


# -- CyclicLR ------------------------------------------------------------------------------------


def cyclic(n: int, base_lr: float, max_lr: float, step_size_up: int,
           step_size_down: int | None, mode: str, gamma: float, scale_fn: str | None,
           scale_mode: str, cycle_momentum: bool, base_momentum: float, max_momentum: float,
           chunk: int = CHUNK, series: str = "lr") -> Chunks:
    """CyclicLR, a closed formula of t (torch's get_lr, operation for operation)::

        cycle = floor(1 + t / total);  x = 1.0 + t / total - cycle
        sf = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
        lr = base_lr + (max_lr - base_lr) * sf * scale(cycle or t)
        momentum = max_momentum - (max_momentum - base_momentum) * sf * scale(cycle or t)

    triangular: scale 1.0; triangular2: ``1 / (2.0 ** (cycle - 1))``; exp_range:
    ``gamma ** t``; or a custom expression of x with scale_mode cycle or iterations.
    """
    up = float(step_size_up)
    down = float(step_size_down) if step_size_down is not None else up
    total = up + down
    ratio = up / total
    if scale_fn is not None:
        custom = _expression(scale_fn)
        by_cycle = scale_mode == "cycle"

        def scale(arg: np.ndarray) -> np.ndarray:
            return custom.evaluate(arg)
    else:
        by_cycle = mode != "exp_range"

        def scale(arg: np.ndarray) -> np.ndarray:
            if mode == "triangular":
                return np.ones(len(arg))
            if mode == "triangular2":
                return 1 / libm.power(2.0, arg - 1)
            return libm.power(gamma, arg)

    for start, stop in _spans(0, n, chunk):
        t = np.arange(start, stop)
        position = 1 + t / total
        cycle = np.floor(position).astype(np.int64)
        x = 1.0 + t / total - cycle
        with np.errstate(divide="ignore", invalid="ignore"):
            sf = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
        factor = scale(cycle if by_cycle else t)
        if series == "lr":
            yield base_lr + (max_lr - base_lr) * sf * factor
        else:
            yield max_momentum - (max_momentum - base_momentum) * sf * factor


# -- OneCycleLR ----------------------------------------------------------------------------------


def onecycle(n: int, base_lr: float, max_lr: float, total_steps: int | None,
             epochs: int | None, steps_per_epoch: int | None, pct_start: float,
             anneal_strategy: str, cycle_momentum: bool, base_momentum: float,
             max_momentum: float, div_factor: float, final_div_factor: float,
             three_phase: bool, chunk: int = CHUNK, series: str = "lr") -> Chunks:
    """OneCycleLR: phase by phase, ``pct = (t - start) / (end - start)`` and
    cos: ``end + (start - end) / 2.0 * (cos(pi * pct) + 1)``; linear:
    ``(end - start) * pct + start``.

    The optimizer's lr (base_lr) is ignored: torch sets initial_lr = max_lr / div_factor and
    min_lr = initial_lr / final_div_factor. t runs to total_steps (index total_steps is valid in
    torch and overshoots: pct > 1).
    """
    total = one_cycle.total(total_steps, epochs, steps_per_epoch)
    assert total is not None  # validated: total_steps, or epochs and steps_per_epoch
    initial = max_lr / div_factor
    values = {"initial": initial, "max": max_lr, "min": initial / final_div_factor,
              "max_m": max_momentum, "base_m": base_momentum}
    phases = one_cycle.phases(total, pct_start, three_phase)
    ends = np.array([p[0] for p in phases])
    begins = np.array([0.0] + [p[0] for p in phases[:-1]])
    pick = (1, 2) if series == "lr" else (3, 4)
    starts = np.array([values[p[pick[0]]] for p in phases])
    stops = np.array([values[p[pick[1]]] for p in phases])
    last = len(phases) - 1
    monotone = bool(np.all(ends[:last - 1] <= ends[1:last]))

    def phase_of(t: int) -> int:  # the first phase with t <= end, else the last one
        return next((i for i in range(last) if t <= ends[i]), last)

    def evaluate(t: np.ndarray, out: np.ndarray) -> None:
        first = phase_of(int(t[0]))
        if monotone and phase_of(int(t[-1])) == first:  # one phase: its numbers, not gathers
            phase: Any = first
        else:  # ends need not be sorted
            phase = np.full(len(t), last)
            for i in reversed(range(last)):
                phase = np.where(t <= ends[i], i, phase)
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = (t - begins[phase]) / (ends[phase] - begins[phase])
        a, b = starts[phase], stops[phase]
        if anneal_strategy == "cos":  # b + (a - b) / 2.0 * (cos(pi * pct) + 1), in place
            wave = libm.cos(np.multiply(np.pi, pct, out=pct))
            wave += 1
            wave *= (a - b) / 2.0
            np.add(b, wave, out=out)
        else:
            np.add(np.multiply(b - a, pct, out=pct), a, out=out)

    for start, stop in _spans(0, n, chunk):
        out = np.empty(stop - start)
        for begin, end in _spans(start, stop, CACHE_BLOCK):  # a dozen passes: in cache
            evaluate(np.arange(begin, end), out[begin - start:end - start])
        yield out
