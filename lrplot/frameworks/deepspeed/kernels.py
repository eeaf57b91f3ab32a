"""numpy kernels for DeepSpeed's ``deepspeed.runtime.lr_schedules`` (DeepSpeed 0.19), bit for
bit: the classes compute in Python floats, and each kernel keeps their order of operations
(quoted in the docstrings); ``math.log`` and ``math.cos`` come from :mod:`lrplot.libm`.

``lr[0]`` is what the constructor sets; ``lr[i]`` is ``get_lr()`` at ``last_batch_iteration = i -
1`` (DeepSpeed's engine steps the scheduler after every optimizer step). Every kernel is a
closed form of ``j = i - 1``, evaluated cache block by cache block
(:func:`lrplot.kernel_tools.closed_form`).
"""

from __future__ import annotations

import math

import numpy as np

from lrplot.kernel_tools import CHUNK, Chunks, Scratch, blockwise, closed_form, pymax0
from lrplot.libm import cos, log


def _warmup_gamma(j: np.ndarray, warm: int, warmup_type: str) -> np.ndarray:
    """WarmupLR._get_gamma while ``j < warm``: ``inverse_log_warm_up * math.log(j + 1)`` with
    ``inverse_log_warm_up = 1.0 / math.log(warm)``, or ``j / warm``."""
    if warmup_type == "log":
        return (1.0 / math.log(warm)) * log((j + 1).astype(np.float64))
    return j / warm


def warmup(n: int, base_lr: float, warmup_min_lr: float, warmup_max_lr: float | None,
           warmup_num_steps: int, warmup_type: str, chunk: int = CHUNK) -> Chunks:
    """``min_lr + (delta_lr * gamma)``, ``delta_lr = max_lr - min_lr``; gamma 1.0 after the
    warm-up; ``lr[0] = min_lr``."""
    yield from _warmup_series(n, base_lr if warmup_max_lr is None else warmup_max_lr,
                              warmup_min_lr, warmup_num_steps, warmup_type, None, chunk)


def warmup_decay(n: int, base_lr: float, total_num_steps: int, warmup_min_lr: float,
                 warmup_max_lr: float | None, warmup_num_steps: int, warmup_type: str,
                 chunk: int = CHUNK) -> Chunks:
    """WarmupLR's warm-up, then gamma = ``max(0.0, float(total - j) / float(max(1.0, total -
    warm)))``."""
    yield from _warmup_series(n, base_lr if warmup_max_lr is None else warmup_max_lr,
                              warmup_min_lr, warmup_num_steps, warmup_type, total_num_steps,
                              chunk)


def _split(i: np.ndarray, *bounds: float) -> list[slice]:
    """Consecutive slices of the (increasing) step numbers ``i``: before ``bounds[0]``, from it
    to ``bounds[1]``, ..., after the last — phases as index ranges, not masks (the kernels run
    at numpy's speed only when each phase is one contiguous block)."""
    cuts = [0, *(int(np.searchsorted(i, b, side="left")) for b in bounds), len(i)]
    return [slice(a, b) for a, b in zip(cuts, cuts[1:])]


def _warmup_series(n: int, max_lr: float, min_lr: float, warmup_num_steps: int,
                   warmup_type: str, total: int | None, chunk: int) -> Chunks:
    warm = max(2, warmup_num_steps)
    delta = max_lr - min_lr
    denominator = float(max(1.0, total - warm)) if total is not None else 1.0

    def lr_of(i: np.ndarray) -> np.ndarray:
        lr = np.empty(len(i))
        first, early, late = _split(i, 1, warm + 1)  # j = i - 1: < 0, < warm, after
        lr[first] = min_lr  # the constructor: get_lr() before any step returns min_lrs
        lr[early] = min_lr + (delta * _warmup_gamma(i[early] - 1, warm, warmup_type))
        if total is None:
            lr[late] = min_lr + (delta * 1.0)
        else:
            j = i[late] - 1
            lr[late] = min_lr + (delta * pymax0((total - j).astype(np.float64) / denominator))
        return lr

    return closed_form(n, chunk, lr_of)


def warmup_cosine(n: int, base_lr: float, total_num_steps: int, warmup_min_ratio: float,
                  warmup_num_steps: int, cos_min_ratio: float, warmup_type: str,
                  chunk: int = CHUNK) -> Chunks:
    """``org_lr * ratio``. Warm-up: ``warmup_min_ratio + ratio * (1. - warmup_min_ratio)``;
    then ``progress = min(1.0, (j - warm + 1) / max(1, total - warm))``, ``ratio = max(0.0,
    cos_min_ratio + (1. - cos_min_ratio) * ((1 + math.cos(math.pi * progress)) / 2))``.
    ``lr[0] = 0.0``."""
    warm = max(2, warmup_num_steps)
    real_total = max(1, total_num_steps - warm)
    # j - warm + 1 >= real_total: progress is 1.0 and the ratio a constant
    end_of_decay = float(real_total + warm - 1 + 1)
    final = base_lr * max(0.0, cos_min_ratio + (1. - cos_min_ratio) * (
        (1 + math.cos(math.pi * 1.0)) / 2))
    work = Scratch()

    def fill(begin: int, end: int, lr: np.ndarray) -> None:
        i = work.steps(begin, end)
        first, early, cosine, done = _split(i, 1, warm + 1, end_of_decay)
        lr[first] = 0.0
        lr[early] = base_lr * (warmup_min_ratio + _warmup_gamma(i[early] - 1, warm, warmup_type)
                               * (1. - warmup_min_ratio))
        # in place, in DeepSpeed's order: progress = (j - warm + 1) / real_total, ...
        ratio = lr[cosine]
        np.subtract(i[cosine], warm, out=ratio)  # j - warm + 1 = i - warm, exact
        ratio /= real_total
        ratio *= math.pi
        cos(ratio, out=ratio)
        ratio += 1
        ratio /= 2
        ratio *= 1. - cos_min_ratio
        ratio += cos_min_ratio
        np.maximum(ratio, 0.0, out=ratio)  # max(0.0, x): x is never NaN or -0.0 here
        ratio *= base_lr
        lr[done] = final

    return blockwise(n, chunk, fill)


def _onecycle_scale(b: np.ndarray, first: float, second: float, first_stairs: int,
                    second_stairs: int) -> np.ndarray:
    """OneCycle._get_scale_factor at ``batch_iteration = b`` (floats, as DeepSpeed's
    ``float(cycle_first_step_size)``)."""
    total = first + second
    ratio = first / total
    cycle = np.floor(1 + b / total)
    x = 1. + b / total - cycle
    rising = x <= ratio
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(rising, x / ratio, (x - 1) / (ratio - 1))
    stairs = np.where(rising, first_stairs, second_stairs)
    if (stairs > 0).any():
        at = np.mod(b, total)
        with np.errstate(divide="ignore", invalid="ignore"):
            position = np.where(at <= first, at * stairs / first,
                                (total - at) * stairs / second)
            scale = np.where(stairs > 0, np.floor(position) / stairs, scale)
    return scale


def one_cycle(n: int, base_lr: float, cycle_min_lr: float, cycle_max_lr: float,
             decay_lr_rate: float, cycle_first_step_size: int,
             cycle_second_step_size: int | None, cycle_first_stair_count: int,
             cycle_second_stair_count: int | None, decay_step_size: int, cycle_momentum: bool,
             cycle_min_mom: float, cycle_max_mom: float, decay_mom_rate: float,
             chunk: int = CHUNK, series: str = "lr") -> Chunks:
    """In the cycle (``j < total``): ``min + (max - min) * scale`` (momentum: ``max_mom -
    (max_mom - min_mom) * scale``); after it, with ``t = j - total + 1``: ``min_lr / (1 +
    decay_lr_rate * (t / decay_step_size))`` (momentum: ``max_mom * (1 + decay_mom_rate *
    (t / decay_step_size))``), or min_lr / max_mom unchanged when a rate or decay_step_size is
    0. lr[0] is cycle_min_lr, momentum[0] cycle_min_mom (what the constructor sets)."""
    first_size = float(cycle_first_step_size)
    second = first_size if cycle_second_step_size is None else float(cycle_second_step_size)
    total = first_size + second
    first_stairs = cycle_first_stair_count
    second_stairs = first_stairs if cycle_second_stair_count is None \
        else cycle_second_stair_count
    momentum = series == "momentum"
    low, high = (cycle_min_mom, cycle_max_mom) if momentum else (cycle_min_lr, cycle_max_lr)
    rate = decay_mom_rate if momentum else decay_lr_rate
    no_decay = decay_step_size == 0 or rate == 0  # math.isclose(x, 0) is x == 0
    after = high if momentum else low  # after the cycle, without decay

    def lr_of(i: np.ndarray) -> np.ndarray:
        out = np.empty(len(i))
        first, cycling, late = _split(i, 1, total + 1)  # j = i - 1: < 0, < total, after
        out[first] = low
        scale = _onecycle_scale(i[cycling].astype(np.float64), first_size, second, first_stairs,
                                second_stairs)  # batch_iteration = j + 1 = i
        if momentum:
            out[cycling] = high - (high - low) * scale
        else:
            out[cycling] = low + (high - low) * scale
        if no_decay:
            out[late] = after
        else:
            interval = (i[late] - 1 - total + 1) / decay_step_size
            factor = 1 + rate * interval
            out[late] = after * factor if momentum else after / factor
        return out

    return closed_form(n, chunk, lr_of)


def range_test(n: int, base_lr: float, lr_range_test_min_lr: float,
               lr_range_test_step_size: int, lr_range_test_step_rate: float,
               lr_range_test_staircase: bool, chunk: int = CHUNK) -> Chunks:
    """``min_lr * (1 + step_rate * interval)``, ``interval = float(j + 1) / step_size`` (its
    floor with the staircase); ``lr[0] = min_lr``, which is the same formula at ``j = -1``."""
    def lr_of(i: np.ndarray) -> np.ndarray:
        interval = i.astype(np.float64) / lr_range_test_step_size
        if lr_range_test_staircase:
            interval = np.floor(interval)
        return lr_range_test_min_lr * (1 + lr_range_test_step_rate * interval)

    return closed_form(n, chunk, lr_of)
