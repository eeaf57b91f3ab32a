"""Annotations: where a schedule's events are, and where its lr peaks, bottoms out and ends.

``--annotate`` (or ``annotate: true`` in a config) asks the renderer to call :func:`panel` on
each axes after drawing the curves:

- **events** — milestones, StepLR decays, T_max and restarts, warm-up ends, SequentialLR
  hand-overs, one-cycle phase ends, num_training_steps — are dotted vertical lines in the
  curve's colour, named at the top of the axes (``milestone x2`` where a milestone repeats);
- **peak, minimum and final lr** are markers on each curve (▲ ▼ ●); a lone curve also gets
  their values and steps as text, a sweep a legend entry per marker instead of a label per curve.

Readable before complete: events shared by several curves are drawn once; more than
:data:`MAX_LABELLED` events in a panel lose their labels, more than :data:`MAX_EVENTS` are not
drawn (a StepLR with step_size 1 has nothing to point at); coinciding markers are merged.

Events come from each curve's resolved schedule (``Series.schedule``: type and parameters), by
the ``events`` hook of its kind, declared with the kind in its framework's folder
(:func:`lrplot.schedules.events_of`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Iterable

from lrplot.schedules import MAX_EVENTS, events_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from lrplot.compute import PanelSeries, Series

MAX_LABELLED = 12

# What the renderer's arrangement step (lrplot.arrange) looks for on an axes: event lines and
# markers are not curves (no legend spot avoids them), labels are moved where they collide.
EVENT = "lrplot-event"
EVENT_LABEL = "lrplot-event-label"
MARKER = "lrplot-marker"
POINT_LABEL = "lrplot-point-label"


# -- drawing --------------------------------------------------------------------------------------


def _colors(ax: Axes, series: Iterable[Series]) -> list[Any]:
    by_label: dict[str, Any] = {}
    for line in ax.get_lines():
        by_label.setdefault(line.get_label(), line.get_color())
    cycle = [line.get_color() for line in ax.get_lines()]
    return [by_label.get(s.label, cycle[i % len(cycle)] if cycle else "0.3")
            for i, s in enumerate(series)]


def steps_of(s: Series) -> int:
    steps = getattr(s, "steps", None)
    return len(s.lr) if steps is None else int(steps)


def _summary(s: Series) -> dict[str, Any] | None:
    from lrplot import stats

    chunks = s.chunks() if hasattr(s, "chunks") else [s.lr]
    try:
        return stats.summarize(chunks)
    except ValueError:
        return None


def panel(ax: Axes, panel: PanelSeries) -> None:
    """Draw the annotations of one panel, if the panel asks for them (``panel.annotate``)."""
    if not getattr(panel, "annotate", False):
        return
    series = list(panel.series)
    if not series:
        return
    colors = _colors(ax, series)
    _draw_events(ax, series, colors)
    _draw_extremes(ax, series, colors)


def _draw_events(ax: Axes, series: list[Series], colors: list[Any]) -> None:
    # One line per step: the colour of its curve, grey when curves share it; the labels of
    # every curve that has an event there, once each. A label goes to the top of the axes where
    # the curve is low, to the bottom where it is high: away from the curve.
    steps: dict[int, tuple[Any, list[str], Series]] = {}
    for s, color in zip(series, colors):
        for step, label in events_of(s.schedule, steps_of(s)):
            line_color, labels, owner = steps.get(step, (color, [], s))
            if line_color != color:
                line_color = "0.35"
            if label and label not in labels:
                labels.append(label)
            steps[step] = (line_color, labels, owner)
    if not steps or len(steps) > MAX_EVENTS:
        return
    labelled = sum(1 for _, labels, _ in steps.values() if labels) <= MAX_LABELLED
    bottom, top = ax.get_ylim()
    log = ax.get_yscale() == "log"
    for step, (color, labels, owner) in sorted(steps.items()):
        if len(series) == 1:
            color = "0.35"
        ax.axvline(step, color=color, linestyle=":", linewidth=0.9, alpha=0.8, zorder=1.5,
                   gid=EVENT)
        if not (labelled and labels):
            continue
        high = _is_high(_value_at(owner, step), bottom, top, log)
        ax.annotate(" / ".join(labels), xy=(step, 0 if high else 1),
                    xycoords=("data", "axes fraction"), xytext=(2, 3 if high else -3),
                    textcoords="offset points", rotation=90, ha="left",
                    va="bottom" if high else "top", fontsize=6.5, color=color, alpha=0.9,
                    annotation_clip=True, gid=EVENT_LABEL, parse_math=False)


def _value_at(s: Series, step: int) -> float:
    if steps_of(s) <= (1 << 22):
        return float(s.lr[step])
    return math.nan


def _is_high(value: float, bottom: float, top: float, log: bool) -> bool:
    """Whether a value sits in the upper half of the axes (unknown values count as high)."""
    if math.isnan(value):
        return True
    if log:
        if value <= 0 or bottom <= 0:
            return False
        return math.log(value) > (math.log(bottom) + math.log(top)) / 2
    return value > (bottom + top) / 2


MARKERS = (("peak", "^"), ("minimum", "v"), ("final", "o"))


def _draw_extremes(ax: Axes, series: list[Series], colors: list[Any]) -> None:
    log = ax.get_yscale() == "log"
    placed: set[tuple[int, float, str]] = set()
    single = len(series) == 1
    xmax = max(max(steps_of(s) - 1 for s in series), 1)
    for s, color in zip(series, colors):
        numbers = _summary(s)
        if numbers is None:
            continue
        _after_warmup(s, numbers)
        points: dict[tuple[int, float], list[str]] = {}
        for name, _ in MARKERS:
            step = steps_of(s) - 1 if name == "final" else numbers[f"{name}_step"]
            value = numbers["final" if name == "final" else name]
            if name == "final":  # the last step with a value (a log may end early)
                step = _last_known(s, step)
            points.setdefault((step, value), []).append(name)
        texts: dict[tuple[int, float], tuple[str, str] | None] = {
            (step, value): (" = ".join(names), f"step {step}")
            for (step, value), names in points.items()}
        final = next(k for k, names in points.items() if "final" in names)
        low = next(k for k, names in points.items() if "minimum" in names)
        if low != final and low[1] == final[1]:  # flat to the end: one label for both
            texts[low] = ("minimum = final", f"steps {low[0]}-{final[0]}")
            texts[final] = None
        for (step, value), names in points.items():
            if log and value <= 0:
                continue
            marker = dict(MARKERS)[names[0]]
            key = (step, value, marker)
            if key in placed:
                continue
            placed.add(key)
            ax.plot([step], [value], marker=marker, markersize=5, color=color,
                    markeredgecolor="white", markeredgewidth=0.6, linestyle="none",
                    zorder=3, clip_on=False, label="_nolegend_", gid=MARKER)
            text = texts[(step, value)]
            if single and text:
                _label_point(ax, step, value, text, xmax)
    if not single:  # one legend entry per marker, not a label per curve
        for name, marker in MARKERS:
            ax.plot([], [], marker=marker, markersize=5, color="0.35", linestyle="none",
                    label=name, gid=MARKER)


def _after_warmup(s: Series, numbers: dict[str, Any]) -> None:
    """A minimum before the peak is where a warm-up starts, not what a reader looks for: the
    minimum worth marking is the lowest lr after the peak (the end of the decay), when the
    curve has one below its peak."""
    peak_step, low_step = numbers.get("peak_step", -1), numbers.get("minimum_step", -1)
    if not (0 <= low_step < peak_step) or steps_of(s) > (1 << 22):
        return
    import numpy as np

    after = np.asarray(s.lr[peak_step:], dtype=float)
    known = ~np.isnan(after)
    if not known.any():
        return
    values = np.where(known, after, np.inf)
    low = float(values.min())
    if low < numbers["peak"]:
        numbers["minimum"] = low
        numbers["minimum_step"] = peak_step + int(values.argmin())


def _last_known(s: Series, step: int) -> int:
    import numpy as np

    lr = s.lr if steps_of(s) <= (1 << 22) else None
    if lr is None or not np.isnan(lr[step]):
        return step
    known = np.flatnonzero(~np.isnan(lr))
    return int(known[-1]) if len(known) else step


def _label_point(ax: Axes, step: int, value: float, text: tuple[str, str], xmax: int) -> None:
    """``text`` is (what, where): 'peak', 'step 0' -> 'peak 0.1' over 'step 0'. Placed beside
    the point, away from the curve's middle; :mod:`lrplot.arrange` moves it where it collides.
    No background box: a box would erase the curves it sits on."""
    right = step > 0.6 * xmax
    bottom, top = ax.get_ylim()
    high = _is_high(value, bottom, top, ax.get_yscale() == "log")
    ax.annotate(f"{text[0]} {value:.3g}\n{text[1]}", xy=(step, value),
                xytext=(-10 if right else 12, -10 if high else 8), textcoords="offset points",
                ha="right" if right else "left", va="top" if high else "bottom", fontsize=7,
                color="0.2", zorder=4, gid=POINT_LABEL, parse_math=False)
