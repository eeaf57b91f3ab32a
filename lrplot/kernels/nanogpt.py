"""numpy kernel of nanoGPT's ``get_lr`` (train.py), bit for bit: it computes in Python floats,
and each branch below keeps its order of operations (``learning_rate * (it + 1)`` first, then
the division)."""

from __future__ import annotations

import math

import numpy as np

from lrplot.kernels._frameworks import CHUNK, Chunks, closed_form
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

    def f(t: np.ndarray) -> np.ndarray:
        if not decay_lr:
            return np.full(len(t), lr)
        warm = lr * (t + 1).astype(np.float64) / (W + 1)
        span = D - W
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = (t - W).astype(np.float64) / span if span else np.zeros(len(t))
        coeff = 0.5 * (1.0 + cos(math.pi * ratio))
        middle = lo + coeff * (lr - lo)
        return np.where(t < W, warm, np.where(t > D, lo, middle))
    return closed_form(n, chunk, f)
