"""A terminal preview: the figure as Unicode braille, for SSH sessions and quick looks.

Each character cell holds a 2 x 4 grid of braille dots, so an 80-column terminal gives about
150 x 60 dots per panel. Every pixel column shows the lowest and highest lr of the steps it covers
(joined to its neighbours), so a spike one step wide survives, however long the run: the series
is streamed chunk by chunk, never held whole. Panels are stacked, each with its title, a y axis
with three labelled values, the step axis, and a legend; curves are told apart by colour when the
output is a colour terminal (``NO_COLOR`` turns colour off).

This module imports numpy only — never matplotlib — so a preview starts fast and works without
a display.
"""

from __future__ import annotations

import math
import os
import shutil
from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:
    from lrplot.compute import PanelSeries, Series

_BRAILLE = 0x2800
_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
"""_DOTS[row][column]: the bit of each dot in a cell, rows top to bottom."""

COLORS = (34, 33, 32, 31, 35, 36, 94, 93, 92, 91)
"""ANSI foreground colours, one per curve in turn (blue, orange-ish yellow, green, red, ...)."""

MIN_WIDTH, MIN_HEIGHT = 20, 6


def use_color(stream=None) -> bool:
    """Colour when the stream is a terminal and ``NO_COLOR`` is not set."""
    import sys

    stream = stream or sys.stdout
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def _paint(text: str, color: int | None) -> str:
    return f"\x1b[{color}m{text}\x1b[0m" if color else text


# -- reducing a series to pixel columns ------------------------------------------------------------


def steps_of(series: Series) -> int:
    """How many steps a series has (without computing a lazy one)."""
    steps = getattr(series, "steps", None)
    return len(series.lr) if steps is None else int(steps)


def columns(series: Series, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel column (``width`` of them, spanning steps 0 .. steps-1): the lowest and highest
    value, NaN where a column has no value. A short series is interpolated between its steps
    (the straight lines a line plot draws)."""
    n = steps_of(series)
    lo = np.full(width, np.nan)
    hi = np.full(width, np.nan)
    if n == 0:
        return lo, hi
    if n <= width:
        lr = np.asarray(series.lr, dtype=float)
        if n == 1:
            lo[:] = hi[:] = lr[0]
            return lo, hi
        x = np.arange(width) * (n - 1) / (width - 1)
        values = np.interp(x, np.arange(n), lr)
        # np.interp ignores NaN neighbours' meaning: blank where either neighbour is missing.
        left = np.floor(x).astype(int)
        right = np.minimum(left + 1, n - 1)
        missing = np.isnan(lr[left]) | np.isnan(lr[right])
        values[missing] = np.nan
        return values, values.copy()
    start = 0
    for chunk in series.chunks() if hasattr(series, "chunks") else [series.lr]:
        chunk = np.asarray(chunk, dtype=float)
        idx = np.arange(start, start + len(chunk))
        start += len(chunk)
        col = idx * width // n
        known = ~np.isnan(chunk)
        if not known.any():
            continue
        col, chunk = col[known], chunk[known]
        cuts = np.flatnonzero(np.diff(col)) + 1
        first = np.concatenate([[0], cuts])
        where = col[first]
        cmin = np.minimum.reduceat(chunk, first)
        cmax = np.maximum.reduceat(chunk, first)
        lo[where] = np.fmin(lo[where], cmin)
        hi[where] = np.fmax(hi[where], cmax)
    return lo, hi


# -- drawing ---------------------------------------------------------------------------------------


class _Canvas:
    """A grid of braille cells; each cell remembers the colour of the last curve drawn in it."""

    def __init__(self, cols: int, rows: int):
        self.cols, self.rows = cols, rows
        self.bits = np.zeros((rows, cols), dtype=np.int32)
        self.color = np.zeros((rows, cols), dtype=np.int32)

    def segment(self, x: int, y0: int, y1: int, color: int) -> None:
        """Dots of pixel column x from pixel row y0 to y1 (inclusive, any order)."""
        if y0 > y1:
            y0, y1 = y1, y0
        y0, y1 = max(y0, 0), min(y1, self.rows * 4 - 1)
        cx, dx = divmod(x, 2)
        for y in range(y0, y1 + 1):
            cy, dy = divmod(y, 4)
            self.bits[cy, cx] |= _DOTS[dy][dx]
            self.color[cy, cx] = color

    def lines(self, colored: bool) -> list[str]:
        out = []
        for r in range(self.rows):
            text = []
            for c in range(self.cols):
                bits = int(self.bits[r, c])
                char = chr(_BRAILLE + bits) if bits else " "
                text.append(_paint(char, int(self.color[r, c]) if colored and bits else None))
            out.append("".join(text))
        return out


def _label(value: float, log: bool) -> str:
    return f"{10 ** value if log else value:.3g}"


def panel_lines(panel: PanelSeries, width: int, height: int, *, log_y: bool = False,
                colored: bool = False, title: str | None = None) -> list[str]:
    """One panel, ``width`` characters wide and ``height`` rows of plot (plus title, axis and
    legend lines)."""
    series = list(panel.series)
    longest = max((steps_of(s) for s in series), default=1)
    label_width = 9
    cols = max(MIN_WIDTH, width - label_width - 2)
    rows = max(MIN_HEIGHT, height)
    px = cols * 2
    ranges = []
    for s in series:
        # each series spans its own steps; map them onto the longest run's columns
        n = steps_of(s)
        share = max(1, round(px * max(n - 1, 1) / max(longest - 1, 1))) if longest > 1 else px
        share = min(px, share if n > 1 else 1)
        lo, hi = columns(s, share)
        if log_y:
            with np.errstate(divide="ignore", invalid="ignore"):
                lo = np.where(lo > 0, np.log10(lo), np.nan)
                hi = np.where(hi > 0, np.log10(hi), np.nan)
        ranges.append((lo, hi))
    finite = [v for lo, hi in ranges for v in (np.nanmin(lo, initial=np.inf),
                                                 np.nanmax(hi, initial=-np.inf))
              if math.isfinite(v)]
    bottom, top = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if not log_y and bottom >= 0:
        bottom = 0.0
    if top == bottom:
        top, bottom = (top + abs(top) * 0.1 or 1.0), (bottom - abs(bottom) * 0.1)
        if not log_y and bottom < 0 <= min(finite or [0]):
            bottom = 0.0
    span = top - bottom
    ymax = rows * 4 - 1

    def y_of(v: float) -> int:
        return int(round(ymax - (v - bottom) / span * ymax))

    canvas = _Canvas(cols, rows)
    for i, (lo, hi) in enumerate(ranges):
        color = COLORS[i % len(COLORS)]
        previous = None  # (top, bottom) pixel rows of the last drawn column
        for x in range(len(lo)):
            if np.isnan(lo[x]):
                previous = None
                continue
            top_y, bottom_y = y_of(hi[x]), y_of(lo[x])
            drawn = (top_y, bottom_y)
            if previous is not None:  # reach the neighbour: no gaps on steep slopes
                if previous[1] < top_y:
                    top_y = previous[1]
                if previous[0] > bottom_y:
                    bottom_y = previous[0]
            canvas.segment(x, top_y, bottom_y, color)
            previous = drawn

    plot = canvas.lines(colored)
    # three labelled rows: the top, the bottom, and the row of the value halfway between
    halfway = (top + bottom) / 2
    marks = {0: top, rows - 1: bottom}
    if rows >= 5:
        marks[min(rows - 2, max(1, y_of(halfway) // 4))] = halfway
    label_width = max(label_width, *(len(_label(v, log_y)) for v in marks.values()))
    out = []
    heading = title if title is not None else panel.title
    if heading:
        out.append(" " * (label_width + 2) + heading[:cols])
    for r, line in enumerate(plot):
        if r in marks:
            out.append(f"{_label(marks[r], log_y):>{label_width}} ┤{line}".rstrip())
        else:
            out.append(f"{'':>{label_width}} │{line}".rstrip())
    out.append(" " * label_width + " └" + "─" * cols)
    first, last = "0", str(longest - 1)
    axis = first + "step".center(cols - len(first) - len(last)) + last
    out.append(" " * (label_width + 2) + axis)
    legend, length = [], 0
    for i, s in enumerate(series):
        item = f"{_paint('──', COLORS[i % len(COLORS)] if colored else None)} {s.label}"
        plain = 3 + len(s.label)
        if legend and length + plain + 3 > cols:
            out.append(" " * (label_width + 2) + "   ".join(legend))
            legend, length = [], 0
        legend.append(item if colored or len(series) == 1 else f"{i + 1}:{s.label}")
        length += plain + 3
    if legend and (len(series) > 1 or series[0].label != heading):
        out.append(" " * (label_width + 2) + "   ".join(legend))
    return out


MIN_COLUMNS, MAX_COLUMNS = 20, 1000
MIN_LINES, MAX_LINES = 8, 500
"""The text canvas is clamped to these: COLUMNS=1000000 would otherwise allocate gigabytes."""


def render(panels: Sequence[PanelSeries], *, title: str | None = None, log_y: bool = False,
           width: int | None = None, height: int | None = None,
           colored: bool | None = None) -> str:
    """The whole figure as text, sized to the terminal unless ``width``/``height`` are given."""
    size = shutil.get_terminal_size((80, 24))
    # COLUMNS and LINES are whatever the environment says: keep the canvas terminal-sized
    width = min(max(width or size.columns, MIN_COLUMNS), MAX_COLUMNS)
    height = min(max(height or size.lines, MIN_LINES), MAX_LINES)
    colored = use_color() if colored is None else colored
    n = max(len(panels), 1)
    overhead = 5 + (1 if title else 0)  # per panel: title, axis, labels, legend, blank
    plot_rows = max(MIN_HEIGHT, (height - 2 - (1 if title else 0)) // n - overhead)
    out = []
    if title:
        out.append(title)
    for i, panel in enumerate(panels):
        if i:
            out.append("")
        out.extend(panel_lines(panel, width - 1, plot_rows, log_y=log_y, colored=colored))
    return "\n".join(out) + "\n"


def render_spec(spec, **options) -> str:
    """A figure spec (:class:`lrplot.figspec.FigureSpec`) as terminal text."""
    from lrplot.compute import compute

    return render(compute(spec), title=spec.title, log_y=spec.log_y, **options)
