"""numpy kernels of the Ultralytics and YOLOv5 training loops' lr, bit for bit: both compute
in Python floats (``np.interp`` on two points, LambdaLR's ``initial_lr * lf(epoch)``), and each
expression below keeps the source's order of operations (``math.cos`` from :mod:`lrplot.libm`).

lrplot's step ``k`` is the loop's ``k``-th optimizer step; :mod:`.loop` says at which iteration
``ni`` it happens, and the lr is the one the param group holds at that iteration:

- in the warm-up, ``np.interp(ni, [0, nw], [start, initial_lr * lf(epoch)])`` with start
  ``warmup_bias_lr`` for the bias group and 0.0 for the others;
- after it, LambdaLR's ``initial_lr * lf(e)``: Ultralytics steps the scheduler when an epoch
  starts, so epoch e trains at lf(e); YOLOv5 steps it when an epoch ends, so epoch e trains at
  lf(e - 1) — except the epoch in which the warm-up ended, which keeps the warm-up's last value
  lf(e).

Past the run's ``epochs x nb`` iterations the loop's arithmetic simply goes on.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lrplot.frameworks.ultralytics import loop
from lrplot.kernel_tools import CHUNK, Chunks
from lrplot.libm import cos

MOMENTUM_KEY = ("SGD", "MuSGD", "RMSprop", "RMSProp")
"""Optimizers whose param groups have a ``momentum`` key: the loop warms it up (``if "momentum"
in x``); Adam's family keeps ``betas[0] = momentum`` as built."""


def iterations(n: int, p: dict[str, Any], rules: str, chunk: int = CHUNK) -> Chunks:
    """The iterations ``ni`` of optimizer steps 0..n-1, in int64 chunks of ``chunk``."""
    buffer: list[np.ndarray] = []
    size, left = 0, n
    for first, stride, count in loop.runs(p, rules):
        total = left if count is None else min(left, count)
        done = 0
        while done < total:
            take = min(total - done, chunk - size)
            begin = first + stride * done
            buffer.append(np.arange(begin, begin + stride * take, stride, dtype=np.int64))
            size += take
            done += take
            if size == chunk:
                yield np.concatenate(buffer)
                buffer, size = [], 0
        left -= total
        if left == 0:
            break
    if size:
        yield np.concatenate(buffer)


def lf(epoch: np.ndarray, epochs: int, lrf: float, cos_lr: bool, rules: str) -> np.ndarray:
    """The LambdaLR factor of each epoch. ``one_cycle(1, lrf, epochs)``: ``max((1 -
    math.cos(x * math.pi / steps)) / 2, 0) * (y2 - y1) + y1``; linear: Ultralytics ``max(1 - x /
    epochs, 0) * (1.0 - lrf) + lrf``, YOLOv5 the same without the max."""
    if cos_lr:
        x = epoch.astype(np.float64) * math.pi
        x /= epochs
        x = cos(x)
        v = (1 - x) / 2
        return np.where(v < 0, 0.0, v) * (lrf - 1) + 1
    t = 1 - epoch.astype(np.float64) / epochs
    if rules != "yolov5":
        t = np.where(t < 0, 0.0, t)
    return t * (1.0 - lrf) + lrf


def _interp(ni: np.ndarray, nw: int, start: Any, end: Any) -> np.ndarray:
    """``np.interp(ni, [0, nw], [start, end])`` element-wise (``end`` may vary), as numpy
    computes it: the end points exactly, ``slope * ni + start`` between."""
    end = np.broadcast_to(np.asarray(end, dtype=np.float64), ni.shape)
    slope = (end - start) / nw
    out = slope * ni.astype(np.float64) + start
    out = np.where(ni == 0, float(start), out)
    return np.where(ni >= nw, end, out)


def _series(n: int, base_lr: float, p: dict[str, Any], rules: str, bias: bool, series: str,
            chunk: int) -> Chunks:
    nw = loop.warmup_iterations(p, rules)
    warming = loop.warming(p, rules)
    nb, epochs = p["nb"], p["epochs"]
    for ni in iterations(n, p, rules, chunk):
        # the iterations increase: the warm-up is a prefix of the chunk, each epoch a slice
        k = int(np.searchsorted(ni, nw, side="right")) if warming else 0
        if series == "momentum":
            out = np.full(len(ni), float(p["momentum"]))
            if p["optimizer"] in MOMENTUM_KEY and k:
                out[:k] = _interp(ni[:k], nw, p["warmup_momentum"], p["momentum"])
            yield out
            continue
        e = np.arange(int(ni[0]) // nb, int(ni[-1]) // nb + 1, dtype=np.int64)
        if rules == "yolov5":  # the scheduler stepped at the end of the previous epoch
            scheduled = np.where(e * nb <= nw, e, e - 1)
        else:  # ... at the start of this one
            scheduled = e
        # LambdaLR's initial_lr * lf(e), once per epoch, spread over the epoch's steps; in the
        # warm-up's epochs the scheduled epoch is the epoch itself, the warm-up's target
        per_epoch = base_lr * lf(scheduled, epochs, p["lrf"], p["cos_lr"], rules)
        starts = np.searchsorted(ni, e[1:] * nb)
        out = np.repeat(per_epoch, np.diff(starts, prepend=0, append=len(ni)))
        if k:
            start = p["warmup_bias_lr"] if bias else 0.0
            out[:k] = _interp(ni[:k], nw, start, out[:k])
        yield out


def yolo(n: int, base_lr: float, chunk: int = CHUNK, series: str = "lr", **p: Any) -> Chunks:
    """ultralytics 8.4.190 ``BaseTrainer``: the lr (or momentum) of one param group."""
    return _series(n, float(base_lr), p, "yolo", p["param_group"] == "bias", series, chunk)


def yolov5(n: int, base_lr: float, chunk: int = CHUNK, series: str = "lr", **p: Any) -> Chunks:
    """YOLOv5 ``train.py``: the lr (or momentum) of one param group (group 0: the biases)."""
    return _series(n, float(base_lr), p, "yolov5", p["group"] == 0, series, chunk)
