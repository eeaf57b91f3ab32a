"""Evaluate a figure specification into numbers: one :class:`Series` per curve.

Series are lazy: nothing is computed until the numbers are used, and then in one of two ways.
``Series.lr`` is the whole array (computed once, then cached) — what small runs and the Python
API want. ``Series.chunks()`` streams the values in consecutive pieces of bounded size, computed
afresh by the kind's chunked kernel with its state carried from piece to piece — what the
renderer (which reduces a long run to per-pixel-column extremes) and the CSV/JSON writers use,
so that 10^8 steps never sit in memory at once.

:func:`aligned` walks several series in lockstep, for writers that emit one row per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from lrplot.spec import Curve, FigureSpec

CHUNK = 1 << 20
"""Values per streamed piece: 8 MiB of float64, large enough to amortize numpy's overhead."""

MATERIALIZE_LIMIT = 1 << 22
"""Series up to this many steps are kept in memory once computed (32 MiB); longer ones are
recomputed each time they are streamed, so that memory stays bounded."""

Source = Callable[[int], Iterator[np.ndarray]]
"""``source(chunk)`` yields consecutive float64 pieces of a series (any lengths up to ``chunk``)."""


class Series:
    """The learning rate of one curve at every step, computed on first use.

    ``Series(label, schedule, lr)`` wraps an array that is already there;
    ``Series(label, schedule, steps=n, source=f)`` evaluates ``f(chunk)`` (consecutive pieces)
    only when the values are needed.
    """

    __slots__ = ("label", "schedule", "steps", "_lr", "_source", "extras")

    def __init__(self, label: str, schedule: dict[str, Any], lr: np.ndarray | None = None, *,
                 steps: int | None = None, source: Source | None = None):
        if lr is None and (source is None or steps is None):
            raise TypeError("Series needs either lr or both steps and source")
        self.label = label
        self.schedule = schedule  # the fully resolved schedule: type, parameters, base_lr
        self._lr = None if lr is None else np.asarray(lr, dtype=np.float64)
        self.steps = len(self._lr) if self._lr is not None else int(steps)
        self._source = source
        self.extras: dict[str, Series] = {}  # "momentum"/"metric" of the same curve (spec series)

    def __repr__(self) -> str:
        return f"Series({self.label!r}, steps={self.steps})"

    @property
    def lr(self) -> np.ndarray:
        """Every value, ``lr[0..steps-1]``, as one array (computed on first access, then kept)."""
        if self._lr is None:
            pieces = list(self._source(CHUNK))
            self._lr = np.concatenate(pieces) if pieces else np.empty(0)
        return self._lr

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        """The values in consecutive non-empty pieces of about ``size`` values (a long series is
        computed afresh, piece by piece, by the kind's chunked kernel; a short one once, then
        served from memory). Use :func:`rechunk` for pieces of an exact size."""
        if self._lr is None and self.steps > MATERIALIZE_LIMIT:
            for piece in self._source(size):
                if len(piece):
                    yield piece
            return
        lr = self.lr
        for start in range(0, self.steps, size):
            yield lr[start:start + size]


@dataclass(frozen=True)
class PanelSeries:
    title: str | None
    series: tuple[Series, ...]
    annotate: bool = False  # draw lrplot.annotate's marks on this panel


def rechunk(pieces: Iterable[np.ndarray], size: int) -> Iterator[np.ndarray]:
    """The same values in pieces of exactly ``size`` (the last one may be shorter)."""
    buffer: list[np.ndarray] = []
    held = 0
    for piece in pieces:
        while len(piece):
            if not held and len(piece) >= size:  # whole pieces straight through, no copy
                yield piece[:size]
                piece = piece[size:]
                continue
            take = min(size - held, len(piece))
            buffer.append(piece[:take])
            held += take
            piece = piece[take:]
            if held == size:
                yield np.concatenate(buffer)
                buffer, held = [], 0
    if held:
        yield np.concatenate(buffer)


def aligned(series: Sequence[Series], size: int = CHUNK) -> Iterator[tuple[int, list[np.ndarray]]]:
    """``(start, pieces)`` for consecutive step ranges ``[start, start + size)``: ``pieces[i]`` holds
    series i's values there (shorter, or empty, where that series has ended)."""
    streams = [rechunk(s.chunks(size), size) for s in series]
    longest = max((s.steps for s in series), default=0)
    empty = np.empty(0)
    for start in range(0, longest, size):
        yield start, [next(stream, empty) if start < s.steps else empty
                      for stream, s in zip(streams, series)]


def _curve_source(curve: Curve) -> Source:
    def source(chunk: int) -> Iterator[np.ndarray]:
        return curve.chunks(chunk)

    return source


def series_of(curve: Curve) -> Series:
    """A curve's lazy series, with its extra series (momentum, metric) when the spec asks."""
    series = Series(curve.label, curve.schedule, steps=curve.steps, source=_curve_source(curve))
    for name in curve.extras:
        series.extras[name] = Series(
            f"{curve.label}: {name}", curve.schedule, steps=curve.steps,
            source=lambda chunk, name=name: curve.chunks(chunk, series=name))
    return series


def compute(spec: FigureSpec) -> list[PanelSeries]:
    """One lazy :class:`Series` per curve, panel by panel (nothing is evaluated yet)."""
    return [
        PanelSeries(panel.title, tuple(series_of(c) for c in panel.curves), spec.annotate)
        for panel in spec.panels
    ]
