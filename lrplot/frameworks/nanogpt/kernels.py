"""numpy kernel of nanoGPT's ``get_lr`` (train.py), bit for bit: it computes in Python floats,
and each branch below keeps its order of operations (``learning_rate * (it + 1)`` first, then
the division)."""

from __future__ import annotations

import math

import numpy as np

from lrplot.kernel_tools import CHUNK, Chunks, Scratch, blockwise
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
    work = Scratch()

    def fill(first: int, last: int, out: np.ndarray) -> None:  # steps first..last-1
        if not decay_lr:
            out[...] = lr
            return
        # the three branches as slices of the block: it < W, W <= it <= D, it > D
        a = min(max(W, first), last)
        b = min(max(D + 1, a), last)
        warm = out[:a - first]  # learning_rate * (it + 1) / (warmup_iters + 1)
        np.add(work.offsets(a - first), first + 1, out=warm)
        warm *= lr
        warm /= W + 1
        # in place, in get_lr's order: min_lr + 0.5 * (1.0 + cos(pi * ratio)) * (lr - min_lr)
        x = out[a - first:b - first]
        np.add(work.offsets(b - a), a - W, out=x)  # it - warmup_iters, exact
        x /= D - W
        x *= math.pi
        cos(x, out=x)
        x += 1.0
        x *= 0.5
        x *= lr - lo
        x += lo
        out[b - first:] = lo

    return blockwise(n, chunk, fill)
