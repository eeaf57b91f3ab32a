"""ReduceLROnPlateau, bit-for-bit with torch 2.13, without stepping it.

torch's ``step(metric)`` is a state machine (the best metric so far, a count of bad epochs, a
cooldown), but its three parts depend on each other in one direction only, so each can be
computed over a whole block of steps at once:

1. **Improvements** depend on the metrics alone: step ``t`` improves when its metric beats
   ``g(best)`` — ``best * (1 - threshold)`` or ``best - threshold`` (mode max: the metric negated,
   ``1 + threshold``) — and then becomes the best. Where ``g(b) <= b`` (the usual case; see
   :func:`_improvements`), every improvement is a strict running minimum of the metric, and after
   an improvement with value ``v`` the next is the first later running minimum below ``g(v)``:
   one ``searchsorted`` over the block gives that successor for every candidate, and a walk along
   successors (one Python step per improvement) picks the improvements out.
2. **Reductions** depend on the improvements alone (a reduction happens after ``patience + 1``
   bad steps counted since the last improvement or the end of the cooldown): found with cumulative
   maxima, one lookup per reduction.
3. **The lr** changes at a reduction by ``max(lr * factor, min_lr)`` unless the change is at most
   ``eps``; once a reduction leaves it unchanged it never changes again, so the rest of the run
   is constant and its improvements need not be found at all.

The metric is still evaluated at every step: a metric expression that fails at some step is
refused, wherever the lr stands.
"""

from __future__ import annotations

import math
from typing import Callable, Iterator

import numpy as np

from lrplot.frameworks.pytorch.kernels import _spans
from lrplot.kernel_tools import CHUNK, Chunks

BLOCK = 1 << 14
"""Steps searched for improvements at once: small enough that little is wasted after the lr
settles, large enough that numpy's per-call overhead stays small."""


def _metrics(metric: str | None, metric_file: str | None, metric_column: str | None
             ) -> Callable[[int, int], np.ndarray]:
    """``metrics(first, stop)``: the metrics passed to ``step()`` number ``first .. stop - 1``
    (0-based: value i is the metric of step i + 1, an expression of epoch = i + 1 or row i of
    the file's column). The expression is parsed and the file read once."""
    if metric is not None:
        from lrplot import expr

        expression = expr.parse(metric)
        return lambda first, stop: np.asarray(
            expression.evaluate(np.arange(first + 1, stop + 1)), dtype=np.float64)
    from lrplot.logcsv import metric_values

    column = np.array(metric_values(metric_file, metric_column), dtype=np.float64)
    return lambda first, stop: column[first:stop]


class _State:
    """torch's ReduceLROnPlateau state, in the orientation where smaller is better."""

    def __init__(self, lr: float):
        self.lr = lr
        self.best = math.inf
        self.num_bad = 0
        self.cooldown = 0
        self.settled = False  # a reduction left the lr unchanged: it stays so for good


def plateau(n: int, base_lr: float, mode: str, factor: float, patience: int, threshold: float,
            threshold_mode: str, cooldown: int, min_lr: float, eps: float, metric: str | None,
            metric_file: str | None, metric_column: str | None, chunk: int = CHUNK,
            series: str = "lr") -> Chunks:
    """ReduceLROnPlateau: ``lr[0]`` is base_lr; ``lr[t]`` is the lr after
    ``step(metrics[t - 1])``. With ``series="metric"`` the metric itself: NaN at 0 (no metric
    yet), then ``metrics[t - 1]``."""
    state = _State(base_lr)
    if threshold_mode == "rel":
        scale = 1.0 - threshold if mode == "min" else threshold + 1.0

        def g(best):
            return best * scale

        def monotone(block: np.ndarray) -> bool:  # g(b) <= b for every b the block holds
            return (0.0 <= scale <= 1.0 and not (block < 0).any()
                    or scale >= 1.0 and not (block > 0).any())
    else:
        def g(best):
            return best - threshold

        def monotone(block: np.ndarray) -> bool:
            return True
    metrics_of = _metrics(metric, metric_file, metric_column)
    for start, stop in _spans(0, n, chunk):
        first = max(start, 1)  # lr[0] is before any step()
        if series == "metric":
            metrics = metrics_of(first - 1, stop - 1)
            yield np.concatenate([[math.nan], metrics]) if start == 0 else metrics
            continue
        out = np.empty(stop - start)
        out[:first - start] = base_lr
        # the metrics too block by block: a chunk-long array would be fresh memory, whose
        # first touch (page faults) costs more here than the arithmetic on it
        for begin in range(first - 1, stop - 1, BLOCK):  # the metrics of steps begin + 1 ...
            at = begin + 1 - start  # ... are the lrs at out[at:]
            block = metrics_of(begin, min(stop - 1, begin + BLOCK))
            if mode == "max":
                block = -block
            if state.settled:
                out[at:at + len(block)] = state.lr
                continue
            better = _improvements(block, state, g,
                                   monotone(block) and g(state.best) <= state.best)
            lr_from = 0
            for r in _reductions(better, state, patience + 1, cooldown):
                out[at + lr_from:at + r] = state.lr
                old = float(state.lr)
                new = max(old * factor, min_lr)
                if old - new > eps:
                    state.lr = new
                else:
                    state.settled = True
                    break
                lr_from = r
            out[at + lr_from:at + len(block)] = state.lr
        yield out


def _improvements(x: np.ndarray, state: _State, g, monotone: bool) -> np.ndarray:
    """Which steps of the block improve on the best (``x < g(best)``, then best = x), updating
    ``state.best``.

    ``monotone``: ``g(b) <= b`` for every value the best can take, and ``g`` is non-decreasing.
    Then an improvement is below every earlier metric (the best and everything since it are at
    least ``g(best)``), so only strict running minima are candidates, and their values fall
    strictly: the improvement after candidate ``i`` is the first candidate below ``g(v[i])``.
    Otherwise (a negative loss with a relative threshold, threshold > 1) torch's test runs step
    by step here.
    """
    better = np.zeros(len(x), dtype=bool)
    bound = g(state.best)
    if not monotone:
        best = state.best
        for i, value in enumerate(x.tolist()):
            if value < g(best):
                best = value
                better[i] = True
        state.best = best
        return better
    if math.isnan(bound):  # nothing is below NaN: no improvement, ever
        return better
    floor = np.empty(len(x))
    floor[0] = bound
    floor[1:] = x[:-1]
    np.fmin.accumulate(floor, out=floor)  # min(bound, x[:i]), NaN metrics skipped
    candidates = np.flatnonzero(x < floor)
    if not len(candidates):
        return better
    values = x[candidates]
    # a memoryview reads the few successors visited without converting them all to Python
    after = memoryview(np.searchsorted(-values, -g(values), side="right"))
    chosen, i, m = [], 0, len(after)
    while i < m:
        chosen.append(i)
        i = after[i]
    improved = candidates[chosen]
    better[improved] = True
    state.best = float(x[improved[-1]])
    return better


def _reductions(better: np.ndarray, state: _State, limit: int, cooldown: int) -> Iterator[int]:
    """The block's steps where torch reduces the lr: the ``limit``-th bad step in a row,
    counted since the last improvement, a reduction or the end of a cooldown (the ``cooldown``
    steps after a reduction count nothing). Leaves ``state.num_bad`` and ``state.cooldown`` as
    after the block's last step (once the caller has taken every reduction)."""
    n = len(better)
    improvements = np.flatnonzero(better)
    index = np.arange(n)
    last = np.maximum.accumulate(np.where(better, index, -1))  # last improvement so far
    full = np.flatnonzero((last >= 0) & (index - last >= limit))  # limit bad steps since it
    k, num_bad, wait = 0, state.num_bad, state.cooldown
    while k < n:
        if wait:
            if k + wait >= n:
                wait -= n - k
                num_bad, k = 0, n
                break
            k, wait, num_bad = k + wait, 0, 0
        p = int(np.searchsorted(improvements, k))
        next_improvement = int(improvements[p]) if p < len(improvements) else n
        if num_bad + next_improvement - k >= limit:  # before that improvement
            r = k + limit - 1 - num_bad
        else:  # counted afresh from that improvement on
            q = int(np.searchsorted(full, next_improvement))
            r = int(full[q]) if q < len(full) else n
        if r >= n:
            num_bad = n - 1 - int(last[-1]) if next_improvement < n else num_bad + n - k
            k = n
            break
        yield r
        k, num_bad, wait = r + 1, 0, cooldown
    state.num_bad, state.cooldown = num_bad, wait
