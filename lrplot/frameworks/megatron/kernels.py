"""numpy kernel for Megatron-core's ``OptimizerParamScheduler.get_lr`` / ``get_wd`` (megatron-core
0.16), bit for bit: the class computes in Python floats; the kernel keeps its order of
operations, with ``math.cos`` / ``math.pow`` from :mod:`lrplot.libm`. Step ``i`` is
``num_steps = i x increment`` (the constructor's ``step(0)`` is lr[0])."""

from __future__ import annotations

import math
from itertools import repeat

import numpy as np

from lrplot.kernel_tools import CHUNK, Chunks, spans
from lrplot.libm import cos, power


def _cut(steps: np.ndarray, bound: float) -> int:
    """How many of the (increasing) steps are ``<= bound``: phases are index ranges."""
    return int(np.searchsorted(steps, bound, side="right"))


def _lr(n: np.ndarray, max_lr: float, min_lr: float, init_lr: float, warm: float, decay: int,
        style: str, wsd_steps: int | None, wsd_style: str) -> np.ndarray:
    out = np.empty(len(n))
    w = _cut(n, warm) if warm > 0 else 0
    # init_lr + ((max_lr - init_lr) * float(num_steps) / float(lr_warmup_steps))
    out[:w] = init_lr + ((max_lr - init_lr) * n[:w].astype(np.float64) / float(warm))
    if style == "constant":
        out[w:] = max_lr
        return out
    d = max(w, _cut(n, decay))
    out[d:] = min_lr  # num_steps > lr_decay_steps
    x = n[w:d].astype(np.float64)
    if style == "inverse-square-root":
        lr = max_lr * power(float(max(warm, 1)), 0.5) / _root(np.maximum(x, 1.0))
        out[w:d] = np.where(lr > min_lr, lr, min_lr)  # max(min_lr, lr)
        return out
    delta = max_lr - min_lr
    if style == "linear":
        out[w:d] = min_lr + (1.0 - (x - warm) / float(decay - warm)) * delta
    elif style == "cosine":  # in place, in Megatron's order of operations
        x -= warm
        x /= float(decay - warm)
        x *= np.pi
        x = cos(x)
        x += 1.0
        x *= 0.5
        x *= delta
        x += min_lr
        out[w:d] = x
    else:  # WSD: 1.0 until lr_decay_steps - wsd_decay_steps, then the annealing
        anneal_start = decay - wsd_steps
        a = min(d, max(w, _cut(n, anneal_start)))
        out[w:a] = min_lr + 1.0 * delta
        r = (n[a:d].astype(np.float64) - anneal_start) / float(wsd_steps)
        if wsd_style == "linear":
            coeff = 1.0 - r
        elif wsd_style == "cosine":
            coeff = 0.5 * (cos(np.pi * r) + 1.0)
        elif wsd_style == "exponential":
            coeff = (2.0 * power(0.5, r)) - 1.0
        else:  # minus_sqrt
            coeff = 1.0 - np.sqrt(r)
        out[a:d] = min_lr + coeff * delta
    return out


def _root(x: np.ndarray) -> np.ndarray:
    """``x ** 0.5`` as Python computes it: C ``pow(x, 0.5)``, which is not always the correctly
    rounded square root (glibc's differs for 0.08% of the integers) and which numpy's power
    replaces by sqrt. The exact root lies within half an ulp of ``sqrt(x)``; where it lies
    within 0.47 ulp of it, a pow accurate to 0.53 ulp (glibc's bound is 0.52) returns
    ``sqrt(x)`` too: every other double is more than 0.53 ulp away. Only the others (near a
    rounding midpoint, 6% of them) are computed by ``math.pow``."""
    root = np.sqrt(x)
    # the exact residual x - root**2 (Dekker's product), in ulps of the root's distance
    split = 134217729.0 * root
    high = split - (split - root)
    low = root - high
    square = root * root
    error = ((high * high - square) + 2 * high * low) + low * low
    offset = ((x - square) - error) / (2 * root * np.spacing(root))
    near = np.flatnonzero(~(np.abs(offset) < 0.47))
    if len(near):
        root[near] = np.fromiter(map(math.pow, x[near].tolist(), repeat(0.5)), np.float64,
                                 len(near))
    return root


def _wd(n: np.ndarray, start: float, end: float, incr: int, style: str) -> np.ndarray:
    out = np.full(len(n), float(end))
    if style == "constant":
        return out
    ramp = n <= incr
    ratio = n[ramp].astype(np.float64) / float(incr)
    coeff = ratio if style == "linear" else 0.5 * (cos(np.pi * (1 - ratio)) + 1.0)
    out[ramp] = start + coeff * (end - start)
    return out


def param_scheduler(n: int, base_lr: float, lr_decay_steps: int, max_lr: float | None,
                    min_lr: float, init_lr: float, lr_warmup_steps: float, lr_decay_style: str,
                    wsd_decay_steps: int | None, lr_wsd_decay_style: str, start_wd: float,
                    end_wd: float, wd_incr_steps: int | None, wd_incr_style: str,
                    increment: int, chunk: int = CHUNK, series: str = "lr") -> Chunks:
    """``get_lr``: the warm-up while ``num_steps <= lr_warmup_steps`` (when > 0), then
    constant max_lr, or min_lr past lr_decay_steps, else ``min_lr + coeff * (max_lr -
    min_lr)`` with the style's coeff of ``(num_steps - warmup) / (decay - warmup)``;
    inverse-square-root is ``max(min_lr, max_lr * max(warmup, 1) ** 0.5 / max(num_steps, 1)
    ** 0.5)``. ``get_wd``: end_wd past wd_incr_steps (or constant), else ``start_wd + coeff *
    (end_wd - start_wd)``, coeff = ratio (linear) or ``0.5 * (cos(pi * (1 - ratio)) + 1)``."""
    peak = float(base_lr if max_lr is None else max_lr)
    incr = lr_decay_steps if wd_incr_steps is None else wd_incr_steps
    for i in spans(n, chunk):
        steps = i * increment
        if series == "weight_decay":
            yield _wd(steps, start_wd, end_wd, incr, wd_incr_style)
        else:
            yield _lr(steps, peak, min_lr, init_lr, lr_warmup_steps, lr_decay_steps,
                      lr_decay_style, wsd_decay_steps, lr_wsd_decay_style)
