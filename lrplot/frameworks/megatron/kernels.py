"""numpy kernel for Megatron-core's ``OptimizerParamScheduler.get_lr`` / ``get_wd`` (megatron-core
0.16), bit for bit: the class computes in Python floats; the kernel keeps its order of
operations, with ``math.cos`` / ``math.pow`` from :mod:`lrplot.libm` (``x ** 0.5`` from
:func:`lrplot.kernel_tools.sqrt_python`). Step ``i`` is
``num_steps = i x increment`` (the constructor's ``step(0)`` is lr[0])."""

from __future__ import annotations

import numpy as np

from lrplot.kernel_tools import CHUNK, Chunks, Scratch, blockwise, closed_form, sqrt_python
from lrplot.libm import cos, power


def _cut(steps: np.ndarray, bound: float) -> int:
    """How many of the (increasing) steps are ``<= bound``: phases are index ranges."""
    return int(np.searchsorted(steps, bound, side="right"))


def _lr(n: np.ndarray, out: np.ndarray, work: Scratch, max_lr: float, min_lr: float,
        init_lr: float, warm: float, decay: int, style: str, wsd_steps: int | None,
        wsd_style: str) -> None:
    """``get_lr`` at the steps ``n`` (increasing; integers as float64, exact below 2**53, which
    compare with the bounds as Python's ints do), into ``out``, in place where the arithmetic
    allows (operations in Megatron's order; ``+`` and ``*`` commute in IEEE)."""
    w = _cut(n, warm) if warm > 0 else 0
    # init_lr + ((max_lr - init_lr) * float(num_steps) / float(lr_warmup_steps))
    out[:w] = init_lr + ((max_lr - init_lr) * n[:w].astype(np.float64) / float(warm))
    if style == "constant":
        out[w:] = max_lr
        return
    d = max(w, _cut(n, decay))
    out[d:] = min_lr  # num_steps > lr_decay_steps
    x = out[w:d]
    np.copyto(x, n[w:d])  # float(num_steps)
    if style == "inverse-square-root":
        # max(min_lr, max_lr * max(warmup, 1) ** 0.5 / max(num_steps, 1) ** 0.5)
        if len(x) and x[0] < 1.0:  # num_steps 0, the only one below 1
            x[0] = 1.0
        root = sqrt_python(x, out=work("root", len(x)), work=work, increasing=True)  # C pow
        np.divide(max_lr * float(power(float(max(warm, 1)), 0.5)), root, out=x)
        if len(x) and not x[-1] > min_lr:  # lr never increases: else all exceed min_lr
            np.maximum(x, min_lr, out=x)  # max(min_lr, lr): lr is never NaN or -0.0 here
        return
    delta = max_lr - min_lr
    if style == "linear":  # min_lr + (1.0 - (num_steps - warmup) / decay_span) * delta
        x -= warm
        x /= float(decay - warm)
        np.subtract(1.0, x, out=x)
        x *= delta
        x += min_lr
    elif style == "cosine":  # min_lr + 0.5 * (cos(pi * ratio) + 1.0) * delta
        x -= warm
        x /= float(decay - warm)
        x *= np.pi
        cos(x, out=x)
        x += 1.0
        x *= 0.5
        x *= delta
        x += min_lr
    else:  # WSD: 1.0 until lr_decay_steps - wsd_decay_steps, then the annealing
        anneal_start = decay - wsd_steps
        a = min(d, max(w, _cut(n, anneal_start)))
        out[w:a] = min_lr + 1.0 * delta
        r = out[a:d]  # (num_steps - anneal_start) / wsd_decay_steps
        r -= anneal_start
        r /= float(wsd_steps)
        if wsd_style == "linear":
            np.subtract(1.0, r, out=r)
        elif wsd_style == "cosine":  # 0.5 * (cos(pi * r) + 1.0)
            r *= np.pi
            cos(r, out=r)
            r += 1.0
            r *= 0.5
        elif wsd_style == "exponential":  # (2.0 * 0.5 ** r) - 1.0
            power(0.5, r, out=r)
            r *= 2.0
            r -= 1.0
        else:  # minus_sqrt: 1.0 - sqrt(r)
            np.sqrt(r, out=r)
            np.subtract(1.0, r, out=r)
        r *= delta
        r += min_lr


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
    if series == "weight_decay":
        return closed_form(n, chunk, lambda i: _wd(i * increment, start_wd, end_wd, incr,
                                                   wd_incr_style))
    work = Scratch()

    def fill(begin: int, end: int, out: np.ndarray) -> None:
        _lr(work.steps(begin, end, increment, np.float64), out, work, peak, min_lr, init_lr,
            lr_warmup_steps, lr_decay_steps, lr_decay_style, wsd_decay_steps,
            lr_wsd_decay_style)

    return blockwise(n, chunk, fill)
