"""lrplot: see exactly what a learning-rate schedule does.

>>> import lrplot
>>> lr = lrplot.schedule("cosine", steps=400, T_max=150)     # numpy array, torch's values
>>> fig = lrplot.plot("cosine", T_max=150, steps=400)        # a Figure; inline in Jupyter
>>> ax = lrplot.plot("configs/article.yaml", ax=ax)          # doctest: +SKIP (into your Axes)

The functions below are the public API; their work is done in :mod:`lrplot.api`, imported on
first use, so that ``import lrplot`` stays cheap (numpy and matplotlib load only when a schedule
is computed or drawn).
"""

from __future__ import annotations

import os
from typing import IO, TYPE_CHECKING, Any, Mapping, Sequence, TypeVar, overload

from lrplot._version import __version__

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes

    from lrplot.compute import PanelSeries
    from lrplot.figure import Figure
    from lrplot.spec import FigureSpec

__all__ = ["__version__", "load", "plot", "save", "schedule", "series"]

_AxesT = TypeVar("_AxesT", "Axes", "Sequence[Axes]")
_PathT = TypeVar("_PathT", str, "os.PathLike[str]", "IO[bytes]")


def schedule(kind: str, steps: int | None = None, base_lr: float = 0.1, *, series: str = "lr",
             **params: Any) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
    """The lr after each of ``steps`` scheduler steps (``lr[0]`` is the value at construction).

    ``kind`` is a short name (``"cosine"``) or the framework's class name
    (``"CosineAnnealingLR"``); ``params`` use the framework's names (``T_max=150``). Invalid
    values raise :class:`lrplot.spec.SpecError` (a ValueError) naming the parameter.
    ``series="momentum"`` (cyclic, onecycle) or ``"metric"`` (plateau) returns that series
    instead of the lr; a kind that does not compute it is refused, by name.
    """
    from lrplot import api

    return api.schedule(kind, steps, base_lr, series=series, **params)


def load(config: str | os.PathLike[str] | Mapping[str, Any]) -> FigureSpec:
    """A validated figure spec from a YAML config file or from a mapping of the same shape."""
    from lrplot import api

    return api.load(config)


def series(spec: FigureSpec) -> list[PanelSeries]:
    """Evaluate every curve of a figure spec: one PanelSeries per panel."""
    from lrplot import api

    return api.series(spec)


@overload
def plot(what: str | os.PathLike[str] | Mapping[str, Any] | FigureSpec, *, ax: None = None,
         size: tuple[float, float] | None = None, dpi: int | None = None,
         title: str | None = None, log_y: bool | None = None, annotate: bool | None = None,
         **params: Any) -> Figure: ...


@overload
def plot(what: str | os.PathLike[str] | Mapping[str, Any] | FigureSpec, *, ax: _AxesT,
         size: tuple[float, float] | None = None, dpi: int | None = None,
         title: str | None = None, log_y: bool | None = None, annotate: bool | None = None,
         **params: Any) -> _AxesT: ...


def plot(what: str | os.PathLike[str] | Mapping[str, Any] | FigureSpec, *, ax: Any = None,
         size: tuple[float, float] | None = None, dpi: int | None = None,
         title: str | None = None, log_y: bool | None = None, annotate: bool | None = None,
         **params: Any) -> Any:
    """Draw a schedule or a figure.

    ``what``: a kind name with its parameters (``plot("cosine", T_max=150, steps=400)``), a
    config mapping, a path to a YAML config, or a spec from :func:`load`.

    Returns a matplotlib Figure (:class:`lrplot.figure.Figure`) that shows itself in Jupyter
    (no setup) and with ``fig.show()``; when you use pyplot it is pyplot's current figure, so
    ``plt.show()`` shows it. With ``ax=`` (your Axes, or one per panel) the schedule is drawn
    into it — lrplot's style, labels, legend and annotations — and ``ax`` is returned; nothing
    else of your figure changes.
    """
    from lrplot import api

    return api.plot(what, ax=ax, size=size, dpi=dpi, title=title, log_y=log_y,
                    annotate=annotate, **params)


def save(what: str | os.PathLike[str] | Mapping[str, Any] | FigureSpec, path: _PathT, *,
         format: str | None = None, size: tuple[float, float] | None = None,
         dpi: int | None = None, title: str | None = None, log_y: bool | None = None,
         annotate: bool | None = None, **params: Any) -> _PathT:
    """Write a figure (png svg pdf) or its numbers (csv json) to ``path``, atomically.

    ``what`` is what :func:`plot` takes (``save("cosine", "lr.svg", T_max=150)``). The format
    follows the suffix, or ``format`` for a name without one or a binary stream.
    """
    from lrplot import api

    return api.save(what, path, format=format, size=size, dpi=dpi, title=title, log_y=log_y,
                    annotate=annotate, **params)  # type: ignore[return-value]
