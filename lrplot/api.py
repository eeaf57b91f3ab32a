"""lrplot's Python API. The command line is a thin layer over these functions.

>>> import lrplot
>>> lr = lrplot.schedule("step", steps=6, step_size=2, gamma=0.5)
>>> lr.tolist()
[0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
>>> spec = lrplot.load({"curves": [{"type": "cosine", "T_max": 50, "sweep": {"eta_min": [0, 0.01]}}]})
>>> fig = lrplot.plot(spec)          # a matplotlib Figure; shows inline in notebooks
>>> lrplot.save(spec, "cosine.svg")  # doctest: +SKIP
"""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING, Any, Mapping

from lrplot import output, spec as specs

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.figure import Figure

    from lrplot.compute import PanelSeries


def schedule(kind: str, steps: int | None = None, base_lr: float = 0.1, **params: Any) -> np.ndarray:
    """The lr after each of ``steps`` scheduler steps (``lr[0]`` is the value at construction).

    ``kind`` is a short name (``"cosine"``) or the framework's class name
    (``"CosineAnnealingLR"``); ``params`` use the framework's names (``T_max=150``). Invalid
    values raise :class:`lrplot.spec.SpecError` naming the parameter.
    """
    curve = {"type": kind, **params, "base_lr": base_lr}
    if steps is not None:
        curve["steps"] = steps
    figure = specs.from_mapping({"curves": [curve]}, name="schedule()")
    return figure.panels[0].curves[0].lr()


def load(config: str | os.PathLike | Mapping[str, Any]) -> specs.FigureSpec:
    """A validated figure spec from a YAML config file or from a mapping of the same shape."""
    if isinstance(config, Mapping):
        return specs.from_mapping(config)
    from lrplot import yamlio  # only configs need the YAML parser

    return specs.from_document(yamlio.load(os.fspath(config)))


def series(spec: specs.FigureSpec) -> list[PanelSeries]:
    """Evaluate every curve of a figure spec."""
    from lrplot.compute import compute

    return compute(spec)


def plot(spec: specs.FigureSpec, *, size: tuple[float, float] | None = None,
         dpi: int | None = None) -> Figure:
    """Draw a figure spec as a matplotlib Figure."""
    from lrplot import render

    return render.figure(series(spec), title=spec.title, log_y=spec.log_y, size=size,
                         dpi=dpi or render.DEFAULT_DPI)


def save(spec: specs.FigureSpec, path: str | os.PathLike | IO[bytes], *, format: str | None = None,
         size: tuple[float, float] | None = None, dpi: int | None = None) -> str | IO[bytes]:
    """Write a figure (png svg pdf), an interactive page (html) or the numbers (csv json) to
    ``path``, atomically.

    The format follows the suffix, or ``format`` for a name without one. ``path`` may also be an
    open binary stream (``io.BytesIO()``; ``"-"`` is standard output); then ``format`` is needed and
    nothing is written unless the whole output is ready. Figures carry a stamp of what determines
    them in their metadata (see :func:`lrplot.output.stamp`), and a date only from
    ``SOURCE_DATE_EPOCH``.
    """
    if isinstance(path, str) and path == output.STDOUT:
        path = sys.stdout.buffer
    if hasattr(path, "write"):
        stream = path
        fmt = output.resolve(output.STDOUT, format, "")[1]
        emit = lambda write: output.write_stream(stream, write)  # noqa: E731
    else:
        target, fmt = output.resolve(os.fspath(path), format, "")
        output.check_writable(target)
        emit = lambda write: output.write_atomically(target, write)  # noqa: E731
    if fmt in output.SERIES_FORMATS:
        from lrplot import writers

        data = series(spec)
        write = writers.write_csv if fmt == "csv" else writers.write_json
        emit(lambda stream: write(data, stream))
    elif fmt in output.PAGE_FORMATS:
        from lrplot import html

        data = series(spec)
        metadata = output.stamp(spec, fmt, size=size).metadata(fmt)
        emit(lambda stream: html.write(spec, data, stream, metadata=metadata))
    else:
        from lrplot import render

        metadata = {**output.date_metadata(fmt),
                    **output.stamp(spec, fmt, dpi=dpi, size=size).metadata(fmt)}
        fig = plot(spec, size=size, dpi=dpi)
        emit(lambda stream: render.save(fig, stream, fmt, metadata))
    return path
