"""The training loop's counting, as Ultralytics and YOLOv5 count: how many warm-up iterations,
how many batches each optimizer step accumulates, and at which iterations the optimizer steps.

Pure Python (no numpy): the declarations (a run's length in optimizer steps), the kernels and
the config reader share it. ``rules`` is ``"yolo"`` (ultralytics 8.4.190,
``ultralytics/engine/trainer.py``) or ``"yolov5"`` (ultralytics/yolov5 ``train.py`` at
5081342f04fb287fc2e5f2b5a4e06752b7937b1c).

Both loops count iterations ``ni = i + nb * epoch`` over the batches of every epoch. During the
warm-up (``ni <= nw``) each iteration sets ``accumulate = np.interp(ni, [0, nw], [1, end])``
rounded (half to even), and the optimizer steps at iteration ``ni`` when ``ni - last_opt_step
>= accumulate``; after the warm-up ``accumulate`` keeps its last value.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

NBS_YOLOV5 = 64
"""YOLOv5 train.py's nominal batch size (``nbs = 64``, not an option)."""

Run = tuple[int, int, "int | None"]
"""(first iteration, stride, count) of optimizer steps; count None: on for ever."""


def interp(x: int, nw: int, start: float, end: float) -> float:
    """``np.interp(x, [0, nw], [start, end])`` for ``0 <= x``, in numpy's own arithmetic: the end
    points exactly, else ``slope * (x - 0) + start`` with ``slope = (end - start) / nw``."""
    if x == 0:
        return float(start)
    if x >= nw:
        return float(end)
    return (end - start) / nw * x + start


def warmup_iterations(p: Mapping[str, Any], rules: str) -> int:
    """``nw``. Ultralytics 8.4.190 ``_get_warmup_iterations``: ``warmup_epochs`` capped at
    ``epochs - 1`` (the last epoch is never warm-up), ``round(w * nb)``, 0 without warm-up.
    YOLOv5: ``max(round(warmup_epochs * nb), 100)``, a floor of 100 iterations."""
    if rules == "yolov5":
        return max(round(p["warmup_epochs"] * p["nb"]), 100)
    warm = min(p["warmup_epochs"], max(p["epochs"] - 1, 0))
    return round(warm * p["nb"]) if warm > 0 else 0


def nominal_accumulate(p: Mapping[str, Any], rules: str) -> int:
    """The accumulate of the loop without warm-up: ``max(round(nbs / batch), 1)``; Ultralytics
    caps it at the run's iterations (``min(accumulate, nb * epochs)``)."""
    if rules == "yolov5":
        return max(round(NBS_YOLOV5 / p["batch"]), 1)
    return min(max(round(p["nbs"] / p["batch"]), 1), p["nb"] * p["epochs"])


def accumulate_end(p: Mapping[str, Any], rules: str) -> float:
    """Where the warm-up's accumulate ramp ends: Ultralytics' nominal accumulate (``acc0``);
    YOLOv5's unrounded ``nbs / batch_size``."""
    return NBS_YOLOV5 / p["batch"] if rules == "yolov5" else nominal_accumulate(p, rules)


def warming(p: Mapping[str, Any], rules: str) -> bool:
    """The loop has a warm-up: always in YOLOv5 (nw >= 100), in Ultralytics when nw > 0
    (``if nw and ni <= nw``)."""
    return rules == "yolov5" or warmup_iterations(p, rules) > 0


def _accumulate(ni: int, nw: int, end: float) -> int:
    """``max(1, round(np.interp(ni, [0, nw], [1, end])))`` (numpy's round: half to even, as
    Python's)."""
    return max(1, round(interp(ni, nw, 1.0, end)))


def _first(lo: int, hi: int, holds) -> int | None:
    """The first integer in ``lo..hi`` where the nondecreasing predicate ``holds``; None if
    none."""
    if lo > hi or not holds(hi):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if holds(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def runs(p: Mapping[str, Any], rules: str) -> Iterator[Run]:
    """The iterations at which the optimizer steps, as runs of equal strides, the last one
    endless.

    In the warm-up, ``accumulate`` never decreases, and when the ramp rises by less than one per
    iteration it rises by 0 or 1: then ``ni - last - accumulate(ni)`` never decreases either,
    and the next step is found by bisection, the steps sharing its accumulate following every
    ``accumulate`` iterations. A steeper ramp (``round(nbs / batch) > nw + 1``) outruns the
    iterations: only iteration 0 steps until the warm-up ends."""
    last = -1
    if warming(p, rules):
        nw = warmup_iterations(p, rules)
        end = accumulate_end(p, rules)
        if end - 1 >= nw:
            yield 0, 1, 1
            last = 0
        else:
            while True:
                start = last + 1
                step = _first(start, nw, lambda x: x - start + 1 >= _accumulate(x, nw, end))
                if step is None:
                    break
                a = _accumulate(step, nw, end)
                same = _first(step, nw, lambda x: _accumulate(x, nw, end) > a)
                span_end = nw if same is None else same - 1
                count = (span_end - step) // a + 1
                yield step, a, count
                last = step + (count - 1) * a
        after = _accumulate(nw, nw, end)
        yield max(nw + 1, last + after), after, None
    else:
        after = nominal_accumulate(p, rules)
        yield last + after, after, None


def steps_before(p: Mapping[str, Any], rules: str, iteration: int) -> int:
    """How many times the optimizer steps at iterations ``ni < iteration``."""
    count = 0
    for first, stride, n in runs(p, rules):
        if first >= iteration:
            break
        inside = (iteration - 1 - first) // stride + 1
        count += inside if n is None else min(n, inside)
    return count


def optimizer_steps(p: Mapping[str, Any], rules: str) -> int:
    """How many times the optimizer steps in the run's ``epochs x nb`` iterations."""
    return steps_before(p, rules, p["epochs"] * p["nb"])
