"""Series to one self-contained interactive HTML page (uPlot, embedded).

The page shows the figure the PNG shows — panels, titles, labels, legend, log axis, the dashed
momentum/metric on a second axis, event lines — and adds a readout of the exact lr of every curve
at the step under the pointer, zoom (drag; wheel) and pan (shift-drag) with a reset (double
click), curves toggled from the legend, and the panels' step axes linked.

What the page carries, per curve (:func:`figure_data`):

- up to :data:`FULL_STEPS` steps (and :data:`FULL_TOTAL` values in the whole file): every value,
  as little-endian float64 in base64, so the readout shows exactly what the CSV holds;
- beyond that, the envelope lrplot draws PNGs with (:class:`lrplot.envelope.Envelope`), at
  :data:`BUCKETS` buckets — 16 per pixel column of a wide panel, so the drawing stays exact per
  pixel column down to 16x zoom. Every point an envelope keeps is a true ``(step, lr)`` of the
  series: the readout shows the exact value at a kept step and otherwise the true minimum and
  maximum of the bucket around the pointer (``min .. max``, marked as an envelope).

The page is deterministic (the same input gives the same bytes: no dates, no random ids) and runs
no user text as markup: the data is JSON in a ``<script type="application/json">`` with ``<``,
``>``, ``&`` and U+2028/2029 escaped, and the page's script puts text in with ``textContent``.
Nothing is fetched when it opens: uPlot (``vendor/``, MIT, see ``vendor/SOURCE.txt``) is inlined.
"""

from __future__ import annotations

import base64
import html
import json
from importlib import resources
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from lrplot.compute import PanelSeries, Series
from lrplot.envelope import Envelope

if TYPE_CHECKING:
    from lrplot.spec import FigureSpec

FULL_STEPS = 200_000
"""A curve up to this many steps carries every value (1.6 MB of float64)."""
FULL_TOTAL = 1 << 20
"""Values carried in full across the whole page; curves past it carry envelopes."""
BUCKETS = 1 << 15
"""Envelope buckets of a long curve: 16 per pixel column of a 2048-pixel-wide panel, so the
drawing holds every pixel column's true extremes down to 16x zoom (about 1 MB for one curve)."""
TOTAL_BUCKETS = 1 << 17
"""Envelope buckets across the whole page, shared by its long curves (at least
:data:`MIN_BUCKETS` each): the file stays a few MB whatever the run's length."""
MIN_BUCKETS = 2048

COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#332288",
          "#882255", "#999933", "#000000")
"""The colour cycle of lrplot.mplstyle (axes.prop_cycle), in order: a curve has the same colour
in the HTML page as in the PNG."""


def buckets(long_curves: int) -> int:
    """Envelope buckets of each of a page's ``long_curves`` long curves."""
    return max(MIN_BUCKETS, min(BUCKETS, TOTAL_BUCKETS // max(long_curves, 1)))


def _b64(array: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def _full(values: np.ndarray) -> dict[str, Any]:
    return {"steps": int(len(values)), "full": _b64(values, "<f8")}


def _points(envelope: Envelope, row: int) -> dict[str, Any]:
    """One row of an envelope: its points (true steps and values) and its bucket width."""
    x, y = envelope.points(row)
    wide = envelope.steps > 0xFFFFFFFF  # past uint32 (LRPLOT_MAX_STEPS raised): steps as float64
    return {"steps": int(envelope.steps), "width": int(envelope.width),
            "x" + ("64" if wide else ""): _b64(x, "<f8" if wide else "<u4"),
            "y": _b64(y, "<f8")}


def _enveloped(series: list[Series]) -> dict[Series, dict[str, Any]]:
    """Envelope data of long series, each run computed once: a broadcast sweep's rows together
    (as the renderer does), every other series by its own chunks."""
    found: dict[Series, dict[str, Any]] = {}
    wanted = set(series)
    count = buckets(len(series))
    for sweep in dict.fromkeys(s.sweep for s in series if s.sweep is not None):
        if not all(m in wanted for m in sweep.members):
            continue
        envelope = sweep.envelope(count)
        if envelope is None:
            continue
        for row, member in enumerate(sweep.members):
            found[member] = _points(envelope, row)
    for s in series:
        if s in found:
            continue
        envelope = Envelope(s.steps, count)
        for piece in s.chunks():
            envelope.add(piece)
        found[s] = _points(envelope, 0)
    return found


def figure_data(panels: list[PanelSeries], *, title: str | None = None,
                log_y: bool = False) -> dict[str, Any]:
    """Everything the page draws, as plain JSON-able data (see the module docstring)."""
    every = [x for p in panels for s in p.series for x in (s, *s.extras.values())]
    full: set[Series] = set()
    budget = FULL_TOTAL
    for s in every:
        if s.steps <= min(FULL_STEPS, budget):
            full.add(s)
            budget -= s.steps
    long = [s for s in every if s not in full]
    enveloped = _enveloped(long) if long else {}

    def data(s: Series) -> dict[str, Any]:
        return _full(s.lr) if s in full else enveloped[s]

    out_panels = []
    for panel in panels:
        curves = []
        for i, s in enumerate(panel.series):
            curve = {"label": s.label, "color": COLORS[i % len(COLORS)], **data(s),
                     "extras": [{"name": name, **data(e)} for name, e in s.extras.items()]}
            curves.append(curve)
        extra_names = list(dict.fromkeys(n for s in panel.series for n in s.extras))
        if panel.annotate:
            for s, curve in zip(panel.series, curves):
                curve["marks"] = _marks(s, s in full)
        out_panels.append({
            "title": panel.title,
            "curves": curves,
            "extraAxis": " / ".join(extra_names) + " (dashed)" if extra_names else None,
            "events": _events(panel, curves) if panel.annotate else [],
        })
    return {"title": title, "logY": bool(log_y), "panels": out_panels}


def _marks(s: Series, in_memory: bool) -> list[list[Any]]:
    """``[step, value, name]`` of a curve's peak, minimum and final lr, as the PNG marks them
    with ``--annotate`` (names joined where they fall on one point: ``minimum = final``)."""
    from lrplot import stats

    try:
        numbers = stats.summarize(s.chunks())
    except ValueError:  # no value at all
        return []
    final_step = s.steps - 1
    if in_memory:  # the last step with a value (a logged series may end early)
        known = np.flatnonzero(~np.isnan(s.lr))
        final_step = int(known[-1]) if len(known) else final_step
    points: dict[tuple[int, float], list[str]] = {}
    for name, step, value in (("peak", numbers["peak_step"], numbers["peak"]),
                              ("minimum", numbers["minimum_step"], numbers["minimum"]),
                              ("final", final_step, numbers["final"])):
        points.setdefault((int(step), float(value)), []).append(name)
    return [[step, value, " = ".join(names)] for (step, value), names in points.items()]


def _events(panel: PanelSeries, curves: list[dict[str, Any]]) -> list[list[Any]]:
    """``[step, label, colour]`` of the panel's event lines, as the PNG draws them
    (lrplot.annotate): one line per step, grey where curves share it or for a lone curve."""
    from lrplot import annotate

    steps: dict[int, tuple[str, list[str]]] = {}
    for s, curve in zip(panel.series, curves):
        for step, label in annotate.events_of(s.schedule, s.steps):
            color, labels = steps.get(step, (curve["color"], []))
            if color != curve["color"]:
                color = "#595959"
            if label and label not in labels:
                labels.append(label)
            steps[step] = (color, labels)
    if not steps or len(steps) > annotate.MAX_EVENTS:
        return []
    labelled = sum(1 for _, labels in steps.values() if labels) <= annotate.MAX_LABELLED
    grey = len(panel.series) == 1
    return [[step, " / ".join(labels) if labelled else "", "#595959" if grey else color]
            for step, (color, labels) in sorted(steps.items())]


def script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: ASCII only (which escapes U+2028/2029), and
    ``<``, ``>``, ``&`` as ``\\u`` escapes, so no text can close the element or open a comment."""
    text = json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    return (resources.files("lrplot.html") / name).read_text(encoding="utf-8")


def _vendored(name: str) -> str:
    text = (resources.files("lrplot.html") / "vendor" / name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():  # would end the element early
        raise ValueError(f"vendor/{name} cannot be inlined: it holds a closing tag")
    return text


def page(data: dict[str, Any], *, metadata: dict[str, str] | None = None,
         live: bool = False) -> bytes:
    """The whole HTML page for :func:`figure_data`'s ``data``; ``metadata`` becomes ``<meta>``
    entries of its head (lrplot's stamp, :meth:`lrplot.output.Stamp.metadata`). ``live`` adds
    the script that follows ``lrplot serve``; ``data`` is then the server's state (version,
    figure or problems), which that script shows."""
    figure = data.get("figure", data)  # a live page's data is lrplot serve's state
    title = figure.get("title") or " / ".join(p["title"] for p in figure.get("panels", ())
                                              if p["title"]) or "lrplot figure"
    meta = "".join(f'<meta name="{html.escape(k)}" content="{html.escape(v)}">\n'
                   for k, v in (metadata or {}).items())
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        # No request leaves a page opened from a file; the live page talks to its server only.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:",
        "; connect-src 'self'" if live else "", "\">\n",
        "<meta name=\"generator\" content=\"lrplot\">\n", meta,
        f"<title>{html.escape(title)}</title>\n",
        "<!-- uPlot ", _vendor_version(), " (MIT License, Copyright (c) 2022 Leon Sorokin), "
        "embedded: see the licence notice in the script below -->\n",
        "<style>\n", _vendored("uPlot.min.css"), "\n", _asset("page.css"), "</style>\n",
        "</head>\n<body>\n<div id=\"lrplot\"></div>\n",
        "<script type=\"application/json\" id=\"lrplot-data\">", script_json(data), "</script>\n",
        "<script>\n/*\n", _vendored("LICENSE").replace("*/", "* /"), "*/\n",
        _vendored("uPlot.iife.min.js"), "\n</script>\n",
        "<script>\n", _asset("page.js"), "</script>\n",
        *(["<script>\n", _asset("live.js"), "</script>\n"] if live else []),
        "</body>\n</html>\n",
    ]
    return "".join(parts).encode("utf-8")


def style_digest() -> str:
    """What makes a page look as it does — its script, its style and the uPlot it embeds — as a
    short hash: part of a page's stamp, so a gallery's pages go stale when any of them changes."""
    import hashlib

    digest = hashlib.sha256()
    for name in ("page.js", "live.js", "page.css"):
        digest.update(_asset(name).encode("utf-8"))
    for name in ("uPlot.iife.min.js", "uPlot.min.css"):
        digest.update(_vendored(name).encode("utf-8"))
    return digest.hexdigest()[:16]


def _vendor_version() -> str:
    for line in _vendored("SOURCE.txt").splitlines():
        if line.startswith("version:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def write(spec: FigureSpec, panels: list[PanelSeries], stream: IO[bytes], *,
          metadata: dict[str, str] | None = None) -> None:
    """Write the page of a figure spec and its computed ``panels``."""
    data = figure_data(panels, title=spec.title, log_y=spec.log_y)
    stream.write(page(data, metadata=metadata))
