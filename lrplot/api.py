"""lrplot's Python API. The command line is a thin layer over these functions.

>>> import lrplot
>>> lr = lrplot.schedule("step", steps=6, step_size=2, gamma=0.5)
>>> lr.tolist()
[0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
>>> spec = lrplot.load({"curves": [{"type": "cosine", "T_max": 50,
...                                  "sweep": {"eta_min": [0, 0.01]}}]})
>>> fig = lrplot.plot(spec)          # a matplotlib Figure; shows inline in notebooks
>>> fig = lrplot.plot("cosine", T_max=150, steps=400)   # a kind and its parameters
>>> lrplot.save(spec, "cosine.svg")  # doctest: +SKIP
>>> lrplot.schedule("onecycle", steps=3, max_lr=1.0, total_steps=10, series="momentum").tolist()
[0.95, 0.899..., 0.85]
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


def schedule(kind: str, steps: int | None = None, base_lr: float = 0.1, *, series: str = "lr",
             **params: Any) -> np.ndarray:
    """The lr after each of ``steps`` scheduler steps (``lr[0]`` is the value at construction).

    ``kind`` is a short name (``"cosine"``) or the framework's class name
    (``"CosineAnnealingLR"``); ``params`` use the framework's names (``T_max=150``). Invalid
    values raise :class:`lrplot.spec.SpecError` naming the parameter. ``series`` names another
    series the schedule computes instead of the lr (``"momentum"`` of cyclic and onecycle, the
    ``"metric"`` plateau watches); a kind that does not compute it is refused, by name.
    """
    curve = {"type": kind, **params, "base_lr": base_lr}
    if steps is not None:
        curve["steps"] = steps
    if series != "lr":
        curve["series"] = ["lr", series]  # the spec checks the name and that the kind has it
    figure = specs.from_mapping({"curves": [curve]}, name="schedule()")
    from lrplot import compute

    return compute.values(figure.panels[0].curves[0], series)


def load(config: str | os.PathLike | Mapping[str, Any]) -> specs.FigureSpec:
    """A validated figure spec from a YAML config file or from a mapping of the same shape."""
    if isinstance(config, Mapping):
        return specs.from_mapping(config)
    from lrplot import yamlio  # only configs need the YAML parser

    return specs.from_document(yamlio.load(os.fspath(config)))


def figure_spec(what: Any, params: Mapping[str, Any] | None = None,
                figure: Mapping[str, Any] | None = None) -> specs.FigureSpec:
    """A figure spec from whatever :func:`plot` and :func:`save` accept: a spec, a mapping (a
    config's shape), a path to a YAML config, or a kind name with its ``params`` (one curve;
    ``steps``, ``base_lr``, ``label``, ``sweep``, ``series`` go with them). ``figure``: figure
    options (title, log_y, annotate) that override the config's."""
    params = dict(params or {})
    options = {k: v for k, v in (figure or {}).items() if v is not None}
    if isinstance(what, specs.FigureSpec):
        if params:
            raise TypeError(f"parameters ({', '.join(params)}) go with a kind name, not with a "
                            "figure spec")
        from dataclasses import replace

        return replace(what, **options) if options else what
    if isinstance(what, str) and not _looks_like_path(what):
        return specs.from_mapping({**options, "curves": [{"type": what, **params}]},
                                  name=f"{what}()")
    if params:
        raise TypeError(f"parameters ({', '.join(params)}) go with a kind name such as "
                        f"'cosine'; a config brings its own")
    if isinstance(what, Mapping):
        return specs.from_mapping({**what, **options})
    if isinstance(what, (str, os.PathLike)):
        from lrplot import yamlio

        doc = yamlio.load(os.fspath(what))
        if isinstance(doc.data, dict):
            doc.data.update(options)
        return specs.from_document(doc)
    raise TypeError(f"expected a kind name, a config mapping, a path or a FigureSpec, got "
                    f"{type(what).__name__}")


def _looks_like_path(text: str) -> bool:
    """A str names a config file when it is one, or reads like one (a YAML suffix, a folder)."""
    return os.path.isfile(text) or text.lower().endswith((".yaml", ".yml")) or \
        os.sep in text or "/" in text


def series(spec: specs.FigureSpec) -> list[PanelSeries]:
    """Evaluate every curve of a figure spec."""
    from lrplot.compute import compute

    return compute(spec)


def plot(what: Any, *, ax: Any = None, size: tuple[float, float] | None = None,
         dpi: int | None = None, title: str | None = None, log_y: bool | None = None,
         annotate: bool | None = None, **params: Any) -> Any:
    """Draw a schedule or a figure: a matplotlib Figure, or into the caller's Axes.

    ``what`` is a kind name with its parameters (``plot("cosine", T_max=150, steps=400)``), a
    mapping of a config's shape, a path to a YAML config, or a spec from :func:`load`.

    Without ``ax``: an :class:`lrplot.figure.Figure` (a matplotlib Figure) that shows itself in
    Jupyter and with ``fig.show()``; when pyplot is in use it is also pyplot's current figure,
    so ``plt.show()`` shows it. With ``ax`` (an Axes, or one per panel): the panels are drawn
    into it with lrplot's style, labels and annotations, and ``ax`` is returned; nothing else of
    the caller's figure is changed.
    """
    spec = figure_spec(what, params, {"title": title, "log_y": log_y, "annotate": annotate})
    if ax is not None:
        if size is not None or dpi is not None:
            raise TypeError("size and dpi are those of lrplot's own figure; with ax= the "
                            "figure is yours (fig.set_size_inches, fig.set_dpi)")
        return _plot_into(spec, ax)
    from lrplot import figure

    fig = _figure(spec, size=size, dpi=dpi)
    # The renderer builds a matplotlib Figure; lrplot's subclass adds only how it shows itself
    # (no state), so the class can be switched in place.
    fig.__class__ = figure.Figure
    figure.adopt(fig)
    return fig


def _figure(spec: specs.FigureSpec, size: tuple[float, float] | None = None,
            dpi: int | None = None) -> Figure:
    from lrplot import render

    return render.figure(series(spec), title=spec.title, log_y=spec.log_y, size=size,
                         dpi=dpi or render.DEFAULT_DPI)


def _plot_into(spec: specs.FigureSpec, ax: Any) -> Any:
    from lrplot import render

    axes = [ax] if hasattr(ax, "plot") else list(getattr(ax, "flat", ax))
    panels = series(spec)
    if len(axes) != len(panels):
        raise ValueError(f"ax: {len(axes)} Axes for {len(panels)} panel"
                         f"{'s' if len(panels) != 1 else ''}; give one Axes per panel (or no "
                         "ax, for a figure of lrplot's own)")
    for target, panel in zip(axes, panels):
        render.draw_into(target, panel, log_y=spec.log_y)
    return ax


def save(what: Any, path: str | os.PathLike | IO[bytes], *, format: str | None = None,
         size: tuple[float, float] | None = None, dpi: int | None = None,
         title: str | None = None, log_y: bool | None = None, annotate: bool | None = None,
         **params: Any) -> str | os.PathLike | IO[bytes]:
    """Write a figure (png svg pdf), an interactive page (html) or the numbers (csv json) to
    ``path``, atomically.

    ``what`` is what :func:`plot` takes: a kind name with its parameters
    (``save("cosine", "lr.svg", T_max=150)``), a config mapping, a config path, or a spec.

    The format follows the suffix, or ``format`` for a name without one. ``path`` may also be an
    open binary stream (``io.BytesIO()``; ``"-"`` is standard output); then ``format`` is needed and
    nothing is written unless the whole output is ready. Figures carry a stamp of what determines
    them in their metadata (see :func:`lrplot.output.stamp`), and a date only from
    ``SOURCE_DATE_EPOCH``.
    """
    spec = figure_spec(what, params, {"title": title, "log_y": log_y, "annotate": annotate})
    given = path  # returned as given ("-" stays "-")
    if isinstance(path, str) and path == output.STDOUT:
        if sys.stdout is None or not hasattr(sys.stdout, "buffer"):  # started with >&-
            import errno

            raise OSError(errno.EBADF, "standard output is closed")
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
        fig = _figure(spec, size=size, dpi=dpi)  # never pyplot's: written, then gone
        if fmt == "png":  # the pixels are allocated only when drawn: refuse a huge canvas first
            from lrplot import limits

            width, height = fig.get_size_inches()
            try:
                problem = limits.pixels_problem(float(width), float(height), float(fig.dpi))
            except limits.LimitError as exc:
                problem = str(exc)
            if problem:
                raise specs.SpecError([specs.Problem("--dpi/--size", problem)])
        emit(lambda stream: render.save(fig, stream, fmt, metadata))
    return given
