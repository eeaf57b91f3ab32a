"""Draw series as a matplotlib Figure, and save it deterministically.

Uses matplotlib's object API only: a ``Figure`` on an Agg canvas, never pyplot's global state, so
it is safe in libraries and notebooks (a Figure displays itself inline) and imports no GUI.
"""

from __future__ import annotations

import math
import warnings
from importlib import resources
from typing import IO

import matplotlib
import matplotlib.colors
import matplotlib.image
import numpy as np
from matplotlib.artist import allow_rasterization
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from lrplot import annotate, arrange, figtext
from lrplot.envelope import Envelope
from lrplot.compute import PanelSeries, Series
from lrplot.style import DEFAULT_DPI

STYLE = str(resources.files("lrplot") / "lrplot.mplstyle")
_NOT_STYLE = {
    "interactive", "backend", "webagg.port", "webagg.address", "webagg.port_retries",
    "webagg.open_in_browser", "backend_fallback", "toolbar", "timezone",
    "figure.max_open_warning", "figure.raise_window", "savefig.directory", "tk.window_focus",
    "docstring.hardcopy", "date.epoch"}
"""The rcParams a style leaves alone (matplotlib.style's blacklist)."""
_RC: dict | None = None


def _style() -> dict:
    """The settings every figure is drawn with: matplotlib's defaults first, then lrplot's style
    file, so that a user's matplotlibrc cannot change lrplot's figures. What
    ``matplotlib.style.context(["default", STYLE])`` applies, without importing matplotlib.style,
    which reads matplotlib's whole style library when imported."""
    global _RC
    if _RC is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", matplotlib.MatplotlibDeprecationWarning)
            rc = {k: matplotlib.rcParamsDefault[k] for k in matplotlib.rcParamsDefault
                  if k not in _NOT_STYLE}
        rc.update(matplotlib.rc_params_from_file(STYLE, use_default_template=False))
        _RC = rc
    return _RC


PANEL_SIZE = (5.6, 3.6)  # inches per panel
PANEL_MARGIN = 70
"""Points of a panel's width that are not its axes (tick labels, the y label, gaps): a title
wraps to the rest."""

FULL_RESOLUTION = 1 << 16
"""Series up to this many steps are drawn point for point; longer ones through an envelope."""
OVERSAMPLE = 1
"""Envelope buckets per pixel of a panel's width. One suffices: the axes are narrower than the
panel, so every pixel column of the plot gets at least one bucket, and the envelope of each
holds the column's true extremes (measured: within 3/255 of drawing every point)."""

# Metadata that would otherwise carry the date or vary between runs.
_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {}}


def grid_shape(n: int) -> tuple[int, int]:
    """Rows and columns for n panels: one row up to two, then two or three columns."""
    cols = n if n <= 2 else 2 if n <= 4 else 3
    return math.ceil(n / cols), cols


def figure(panels: list[PanelSeries], *, title: str | None = None, log_y: bool = False,
           size: tuple[float, float] | None = None, dpi: int = DEFAULT_DPI,
           decimate: bool = True) -> Figure:
    """A Figure with one axes per panel, in a grid.

    A series longer than :data:`FULL_RESOLUTION` steps (and than a few points per pixel column)
    is streamed chunk by chunk into an :class:`~lrplot.envelope.Envelope` and drawn from that:
    the same picture in bounded memory and time. ``decimate=False`` draws every point.

    Text is sized before it is drawn (titles wrap to their panel); legends and annotation
    labels are placed by :mod:`lrplot.arrange` once the layout is known, where they hide the
    least of the curves, and outside the axes (the figure growing to make room) when no spot
    inside is clear.
    """
    rows, cols = grid_shape(len(panels))
    auto_size = size is None
    if size is None:
        size = (PANEL_SIZE[0] * cols, PANEL_SIZE[1] * rows + (0.4 if title else 0))
    columns = math.ceil(size[0] / cols * dpi * OVERSAMPLE) if decimate else None
    panel_points = size[0] / cols * 72
    with matplotlib.rc_context(_style()):
        fig = Figure(figsize=size, dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        for ax, panel in zip(axes, panels):
            _draw_panel(ax, panel, log_y, title, columns, panel_points, len(panels) == 1)
        for ax in axes[len(panels):]:
            ax.set_visible(False)
        if title:
            points = matplotlib.rcParams["figure.titlesize"]
            fig.suptitle(figtext.wrap(figtext.clean_title(title), size[0] * 72 - 20,
                                      points * 1.1, max_lines=2), parse_math=False)
        arrange.figure(fig, list(axes[:len(panels)]), grow=auto_size)
    return fig


def draw_into(ax, panel: PanelSeries, *, log_y: bool = False) -> None:
    """Draw one panel into the caller's Axes (``lrplot.plot(..., ax=ax)``), as it would look in
    an lrplot figure: curves, colours, grid, spines, ticks, title, labels, legend, annotations.

    lrplot's style is applied as a local ``rc_context`` and to that Axes only; the rest of the
    caller's figure (its size, layout, other Axes, global rcParams) is left alone.
    """
    style = _style()
    fig = ax.get_figure()
    width = ax.get_position().width * fig.get_figwidth() * fig.dpi  # the axes' pixel columns
    with matplotlib.rc_context(style):
        _style_axes(ax, style)
        # the panel's share of a figure is its axes and their margins
        _draw_panel(ax, panel, log_y, None, math.ceil(max(width, 1) * OVERSAMPLE),
                    width * 72 / fig.dpi + PANEL_MARGIN, alone=True)
        arrange.figure(fig, [ax], grow=False, beside=False)  # legend and labels off the curves


def _style_axes(ax, style: dict) -> None:
    """What the style gives an Axes when it is created, given to an Axes that already exists."""
    ax.set_prop_cycle(style["axes.prop_cycle"])
    ax.set_axisbelow(style["axes.axisbelow"])
    ax.grid(style["axes.grid"], color=style["grid.color"], linewidth=style["grid.linewidth"])
    for side, spine in ax.spines.items():
        spine.set_visible(style.get(f"axes.spines.{side}", True))
        spine.set_edgecolor(style["axes.edgecolor"])
        spine.set_linewidth(style["axes.linewidth"])
    for axis in ("x", "y"):
        ax.tick_params(axis=axis, colors=style[f"{axis}tick.color"],
                       labelsize=style[f"{axis}tick.labelsize"])
    for label in (ax.xaxis.label, ax.yaxis.label):
        label.set_color(style["axes.labelcolor"])
        label.set_fontsize(style["axes.labelsize"])


class _EnvelopeLine(Line2D):
    """A line through an envelope's points, drawn as they are.

    The envelope already is the simplest exact path; matplotlib's path simplification (made for
    dense raw data, on by default) would shave the steep strokes of fast cycles off it.
    """

    @allow_rasterization
    def draw(self, renderer):
        with matplotlib.rc_context({"path.simplify": False}):
            super().draw(renderer)


def decimates(s: Series, columns: int | None) -> bool:
    """Whether a series is drawn through its envelope (``columns`` buckets) or point by point."""
    return columns is not None and s.steps > max(FULL_RESOLUTION, 4 * columns)


def line_points(s: Series, columns: int | None) -> tuple[np.ndarray, np.ndarray, float]:
    """``(steps, values, lowest)`` to draw for a series: every point, or its envelope when the
    series is long. ``lowest`` is ``min(0, every value)`` (NaN if a value is NaN)."""
    if not decimates(s, columns):
        lr = s.lr
        return np.arange(len(lr)), lr, float(lr.min(initial=0.0))
    envelope = Envelope(s.steps, columns)
    for piece in s.chunks():
        envelope.add(piece)
    steps, values = envelope.points()
    return steps, values, min(envelope.lowest(), 0.0)


def _sweep_points(panel: PanelSeries, columns: int | None) -> dict[Series, tuple]:
    """``line_points`` of the long series that belong to a broadcast sweep, every row of a sweep
    reduced in one pass (a sweep that fails leaves its series to :func:`line_points`)."""
    points: dict[Series, tuple] = {}
    sweeps = {s.sweep for s in panel.series if s.sweep is not None and decimates(s, columns)}
    for sweep in sweeps:
        envelope = sweep.envelope(columns)
        if envelope is None:
            continue
        for row, member in enumerate(sweep.members):
            points[member] = (*envelope.points(row), min(envelope.lowest(row), 0.0))
    return points


def _draw_panel(ax, panel: PanelSeries, log_y: bool, figure_title: str | None,
                columns: int | None, panel_points: float, alone: bool = False) -> None:
    lowest = []
    swept = _sweep_points(panel, columns)
    title = figtext.panel_title([s.label for s in panel.series], panel.title, figure_title)
    if title and figure_title and alone and title in figure_title:
        title = None  # a lone panel's title that the figure's already says
    labels, legend_title = figtext.panel_labels(
        [s.label for s in panel.series], [s.schedule for s in panel.series],
        (title, figure_title))
    label_points = matplotlib.rcParams["legend.fontsize"]
    for s, label in zip(panel.series, labels):
        steps, values, low = swept.get(s) or line_points(s, columns)
        label = figtext.wrap(label, max(0.55 * panel_points, 160), label_points, max_lines=2)
        [line] = ax.plot(steps, values, label=label)
        if decimates(s, columns):
            exact = _EnvelopeLine(steps, values)
            exact.update_from(line)  # colour from the cycle, label, clipping, transform
            line.remove()
            ax.add_line(exact)
            line = exact
        lowest.append(low)
    if title:
        points = matplotlib.rcParams["axes.titlesize"]
        ax.set_title(figtext.wrap(figtext.clean_title(title), panel_points - PANEL_MARGIN,
                                  points * 1.1, max_lines=3), parse_math=False)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    longest = max((s.steps for s in panel.series), default=1)
    last = max(longest - 1, 1)
    ax.set_xlim(0, last)
    ax.xaxis.set_major_locator(figtext.StepLocator(last))
    ax.xaxis.set_major_formatter(figtext.StepFormatter(last))
    if log_y:
        ax.set_yscale("log")
    else:
        ax.yaxis.set_major_formatter(figtext.ValueFormatter())
        if all(low >= 0 for low in lowest):
            ax.set_ylim(bottom=0)
    _draw_extras(ax, panel, columns)  # momentum / metric on a second y axis, when asked
    annotate.panel(ax, panel)  # lrplot.annotate: events, peak/min/final, when asked
    # A lone curve already named by a title needs no legend.
    if len(panel.series) > 1 or panel.series[0].label not in (title, figure_title):
        if legend_title:
            legend_title = figtext.wrap(legend_title, max(0.55 * panel_points, 160),
                                        label_points, max_lines=3)
        legend = ax.legend(loc="upper right", title=legend_title,
                           title_fontsize=label_points)
        for text in legend.get_texts():
            text.set_parse_math(False)
        legend.get_title().set_parse_math(False)


def _draw_extras(ax, panel: PanelSeries, columns: int | None) -> None:
    """Each curve's extra series (``series: [lr, momentum]``) dashed, in the curve's colour, on a
    second y axis named after them, with its own spine in that colour (grey for several)."""
    pairs = [(line.get_color(), extra) for s, line in zip(panel.series, ax.get_lines())
             for extra in s.extras.values()]
    if not pairs:
        return
    twin = ax.twinx()
    for color, extra in pairs:
        steps, values, _ = line_points(extra, columns)
        twin.plot(steps, values, color=color, linestyle="--", linewidth=1.0, alpha=0.8)
    names = dict.fromkeys(name for s in panel.series for name in s.extras)
    colors = {matplotlib.colors.to_hex(c) for c, _ in pairs}
    color = colors.pop() if len(colors) == 1 else "0.35"
    twin.set_ylabel(" / ".join(names) + " (dashed)", color=color)
    twin.spines["right"].set_visible(True)
    twin.spines["right"].set_color(color)
    twin.tick_params(axis="y", colors=color)
    twin.yaxis.set_major_formatter(figtext.ValueFormatter())
    twin.grid(False)
    # the lr axes in front (its legend above the dashed lines), its background left to the twin
    ax.set_zorder(twin.get_zorder() + 1)
    ax.patch.set_visible(False)


def save(fig: Figure, stream: IO[bytes], fmt: str, metadata: dict | None = None) -> None:
    """Write the figure; the same figure gives the same bytes (SVG/PDF everywhere, PNG per machine).

    ``metadata`` adds matplotlib ``savefig`` metadata entries (lrplot's stamp, a date).
    """
    metadata = {**_METADATA[fmt], **(metadata or {})}
    with matplotlib.rc_context(_style()):
        if fmt == "png" and _savefig_is_plain(fig):
            # What savefig does for a PNG, minus the extra draw it makes only to lay the figure
            # out: one draw (which runs the constrained layout), then the pixels. Same bytes.
            fig.canvas.draw()
            matplotlib.image.imsave(stream, fig.canvas.buffer_rgba(), format="png",
                                    origin="upper", dpi=fig.dpi, metadata=metadata)
        else:
            fig.savefig(stream, format=fmt, metadata=metadata)


def _savefig_is_plain(fig: Figure) -> bool:
    """Whether savefig would draw the figure as it stands (no savefig.* setting changes it)."""
    rc = matplotlib.rcParams
    return (isinstance(fig.canvas, FigureCanvasAgg) and rc["savefig.dpi"] == "figure"
            and rc["savefig.bbox"] in (None, "standard") and not rc["savefig.transparent"]
            and all(rc[f"savefig.{part}"] == "auto" or matplotlib.colors.same_color(
                rc[f"savefig.{part}"], getattr(fig, f"get_{part}")())
                for part in ("facecolor", "edgecolor")))
