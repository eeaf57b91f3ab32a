"""Draw series as a matplotlib Figure, and save it deterministically.

Uses matplotlib's object API only: a ``Figure`` on an Agg canvas, never pyplot's global state, so
it is safe in libraries and notebooks (a Figure displays itself inline) and imports no GUI.
"""

from __future__ import annotations

import math
from importlib import resources
from typing import IO

import matplotlib.style
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lrplot import annotate
from lrplot.series import PanelSeries

STYLE = str(resources.files("lrplot") / "lrplot.mplstyle")
PANEL_SIZE = (5.6, 3.6)  # inches per panel
DEFAULT_DPI = 150

# Metadata that would otherwise carry the date or vary between runs.
_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {}}


def grid_shape(n: int) -> tuple[int, int]:
    """Rows and columns for n panels: one row up to two, then two or three columns."""
    cols = n if n <= 2 else 2 if n <= 4 else 3
    return math.ceil(n / cols), cols


def figure(panels: list[PanelSeries], *, title: str | None = None, log_y: bool = False,
           size: tuple[float, float] | None = None, dpi: int = DEFAULT_DPI) -> Figure:
    """A Figure with one axes per panel, in a grid."""
    rows, cols = grid_shape(len(panels))
    if size is None:
        size = (PANEL_SIZE[0] * cols, PANEL_SIZE[1] * rows + (0.4 if title else 0))
    with matplotlib.style.context(STYLE):
        fig = Figure(figsize=size, dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        for ax, panel in zip(axes, panels):
            _draw_panel(ax, panel, log_y, title)
        for ax in axes[len(panels):]:
            ax.set_visible(False)
        if title:
            fig.suptitle(title)
    return fig


def _draw_panel(ax, panel: PanelSeries, log_y: bool, figure_title: str | None) -> None:
    for s in panel.series:
        ax.plot(range(len(s.lr)), s.lr, label=s.label)
    if panel.title:
        ax.set_title(panel.title)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    longest = max((len(s.lr) for s in panel.series), default=1)
    ax.set_xlim(0, max(longest - 1, 1))
    if log_y:
        ax.set_yscale("log")
    elif all(s.lr.min(initial=0.0) >= 0 for s in panel.series):
        ax.set_ylim(bottom=0)
    annotate.panel(ax, panel)  # lrplot.annotate: events, peak/min/final, when asked
    # A lone curve already named by a title needs no legend.
    if len(panel.series) > 1 or panel.series[0].label not in (panel.title, figure_title):
        ax.legend(loc="best")


def save(fig: Figure, stream: IO[bytes], fmt: str) -> None:
    """Write the figure; the same figure gives the same bytes (SVG/PDF everywhere, PNG per machine)."""
    with matplotlib.style.context(STYLE):
        fig.savefig(stream, format=fmt, metadata=_METADATA[fmt])
