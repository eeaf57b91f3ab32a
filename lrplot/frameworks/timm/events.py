"""Where timm's schedules change course, for annotations — the ``events`` hook of every
``timm.*`` kind: the warm-up's end, each restart and the last cycle's end (cosine, tanh, poly),
each decay (step, multistep). timm counts ``t`` in epochs (``t_in_epochs``, lrplot's series
showing ``updates_per_epoch`` updates each) or updates; a phase that starts at ``t`` starts at
update ``t x updates_per_epoch``. Boundaries come from timm's own cycle and decay arithmetic
in Python floats (its ``math.log`` cycle count and ``t // decay_t`` may land a step off the
exact product), checked around the exact value."""

from __future__ import annotations

import bisect
import math
from typing import Any, Callable, Iterator, Mapping

from lrplot.schedules import MAX_EVENTS, Event

Index = Callable[[int], float]
"""The phase a (shifted) ``t`` is in: the cycle, or the number of decays so far."""


def _first_of(index: Index, guess: int, after: int) -> int:
    """The ``t`` after ``after``, at ``guess`` or next to it, where ``index`` steps up
    (``guess`` itself when none does there)."""
    for t in (guess, guess - 1, guess + 1):
        if t > after and t >= 1 and index(t) > index(t - 1):
            return t
    return max(guess, after + 1)


def _cycles(p: Mapping[str, Any], end: int) -> Iterator[tuple[int, int]]:
    """(cycle number j >= 1, the shifted t where cycle j starts), while t < end."""
    t_initial, mul = p["t_initial"], p["cycle_mul"]

    def index(t: int) -> float:  # timm's cycle number i
        if mul != 1:
            return math.floor(math.log(1 - t / t_initial * (1 - mul), mul))
        return t // t_initial

    start, length, t = 0.0, float(t_initial), 0
    for j in range(1, min(p["cycle_limit"], MAX_EVENTS + 1) + 1):  # more: none are drawn
        start += length
        length *= mul
        if start >= end:
            return
        t = _first_of(index, round(start), t)
        yield j, t


def _decays(p: Mapping[str, Any], end: int) -> Iterator[tuple[int, int, int]]:
    """(the shifted t of a change, the number of its first decay, how many decays it applies),
    while t < end: StepLRScheduler's ``t // decay_t`` (several a step when decay_t < 1),
    MultiStepLRScheduler's ``bisect_right(decay_t, t + 1)`` (milestone m from t = m - 1)."""
    d = p["decay_t"]
    if isinstance(d, (int, float)):
        def index(t: int) -> float:
            return t // d

        def following(t: int) -> int:  # where the next decay is due
            return math.ceil((index(t) + 1) * d)
    else:
        def index(t: int) -> float:
            return bisect.bisect_right(d, t + 1)

        def following(t: int) -> int:
            later = [m - 1 for m in d if m - 1 > t]
            return later[0] if later else end
    t = 0
    for _ in range(MAX_EVENTS + 1):  # more: none are drawn
        t = _first_of(index, max(t + 1, following(t)), t)
        if t >= end:
            return
        before = int(index(t - 1))
        yield t, before + 1, int(index(t)) - before


def events(p: Mapping[str, Any], n: int) -> list[Event]:
    every = p["updates_per_epoch"] if p["t_in_epochs"] else 1
    warm = p["warmup_t"]
    shift = warm if p["warmup_prefix"] else 0
    end = -(-n // every) - shift  # the shifted t the series reaches
    found = [(warm, "warm-up end" + (f" {warm}" if every == 1 else ""))] if warm else []
    if "t_initial" in p:
        for j, t in _cycles(p, end):
            last = j == p["cycle_limit"]
            name = (f"t_initial {p['t_initial']}" if j == 1 else f"cycle {j} end") if last \
                else f"restart {j}"
            found.append((t + shift, name + (": lr_min" if last else "")))
    else:
        for t, k, count in _decays(p, end):
            found.append((t + shift, f"decay {k}" + (f" (x{count})" if count > 1 else "")))
    # a decay inside the warm-up is hidden by it: the warm-up's formula wins there
    return [(t * every, name + ("" if every == 1 else f" (epoch {t})"))
            for t, name in found if t >= warm]
