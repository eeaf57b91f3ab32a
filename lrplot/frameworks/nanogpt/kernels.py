"""numpy kernel of nanoGPT's ``get_lr`` (train.py), bit for bit: it computes in Python floats,
and each branch below keeps its order of operations (``learning_rate * (it + 1)`` first, then
the division)."""

from __future__ import annotations

import math

import numpy as np

from lrplot.kernel_tools import CHUNK, Chunks
from lrplot.libm import cos


def cosine(n: int, base_lr: float, warmup_iters: int, lr_decay_iters: int, min_lr: float,
           decay_lr: bool, chunk: int = CHUNK) -> Chunks:
    """::

        if it < warmup_iters:
            return learning_rate * (it + 1) / (warmup_iters + 1)
        if it > lr_decay_iters:
            return min_lr
        decay_ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters)
        coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio))
        return min_lr + coeff * (learning_rate - min_lr)

    and ``lr = get_lr(iter_num) if decay_lr else learning_rate``.
    """
    W, D, lr, lo = warmup_iters, lr_decay_iters, float(base_lr), float(min_lr)
    for first in range(0, n, chunk):
        last = min(n, first + chunk)  # steps first..last-1
        if not decay_lr:
            yield np.full(last - first, lr)
            continue
        out = np.empty(last - first)
        # the three branches as slices of the chunk: it < W, W <= it <= D, it > D
        a = min(max(W, first), last)
        b = min(max(D + 1, a), last)
        out[:a - first] = lr * np.arange(first + 1, a + 1, dtype=np.float64) / (W + 1)
        if b > a:
            # in place, in get_lr's order: min_lr + 0.5 * (1.0 + cos(pi * ratio)) * (lr - min_lr)
            x = np.arange(a - W, b - W, dtype=np.float64)  # it - warmup_iters, exact
            x /= D - W
            x *= math.pi
            x = cos(x)
            x += 1.0
            x *= 0.5
            x *= lr - lo
            x += lo
            out[a - first:b - first] = x
        out[b - first:] = lo
        yield out
