"""The words and numbers of a figure: curve labels that say what differs, titles that fit, and
tick labels that read at any magnitude.

Pure functions of strings and numbers (plus two small matplotlib tick classes), so the renderer
decides *what* to write here and only *where* to write it itself.
"""

from __future__ import annotations

import math
import re
from typing import Any, Sequence

from matplotlib.ticker import Formatter, Locator, MaxNLocator

from lrplot.params import format_value

# A constructor call, as lrplot writes a curve it has no label for: ``StepLR(step_size=50)``.
_CALL = re.compile(r"^([A-Za-z_][\w.]*)\((.*)\)$", re.S)
# What lrplot appends to the curves of parameter groups: ``... [group 1: base_lr=0.01]``.
_GROUP = re.compile(r"^(.*?) ?\[(group \d+: [^\]]*)\]$", re.S)

CHAR_WIDTH = 0.6
"""Average glyph width in ems of the style's sans-serif font (DejaVu Sans), to size text before
anything is drawn; measured on parameter lists it is 0.55-0.6, so this errs on the wide side."""


def text_width(text: str, points: float) -> float:
    """Estimated width in points of one line of text at a font size."""
    return max((len(line) for line in text.split("\n")), default=0) * points * CHAR_WIDTH


def clean_title(title: str | None) -> str | None:
    """A title without an empty call (``ExponentialLR()`` -> ``ExponentialLR``)."""
    if title is None:
        return None
    return title[:-2] if title.endswith("()") else title


# after a call's opening bracket ("f("); a bracket after a space opens an aside
# ("label (kind)"): that breaks before it, not after
_BREAK = re.compile(r"(?<=, )|(?<=\S[(\[])|(?<= )")


def wrap(text: str, width_points: float, points: float, max_lines: int = 3) -> str:
    """``text`` broken into lines that fit ``width_points`` — after a space, a comma or an
    opening bracket where it can, inside a word only when a word alone is too long — at most
    ``max_lines`` of them; what still does not fit ends in an ellipsis."""
    chars = max(8, int(width_points / (points * CHAR_WIDTH)))
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _BREAK.split(paragraph):
            while len(token) > chars:  # a word longer than a line: cut it
                if line:
                    lines.append(line.rstrip())
                    line = ""
                lines.append(token[:chars])
                token = token[chars:]
            if len((line + token).rstrip()) > chars and line:
                lines.append(line.rstrip())
                line = ""
            line += token
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:max(chars - 1, 1)].rstrip(", ") + "…"
    return "\n".join(lines)


def _split_call(label: str) -> tuple[str, str] | None:
    match = _CALL.match(label)
    return (match.group(1), match.group(2)) if match else None


def _strip_group(label: str) -> tuple[str, str | None]:
    match = _GROUP.match(label)
    return (match.group(1), match.group(2)) if match else (label, None)


def _differing(schedules: Sequence[dict[str, Any]]) -> list[str]:
    """Names of the parameters whose values are not the same in every schedule, in first-seen
    order (``type`` and ``base_lr`` included: a framework's name is the first thing that
    differs)."""
    names: list[str] = []
    for schedule in schedules:
        names += [n for n in schedule if n not in names]
    missing = object()
    return [n for n in names
            if len({repr(s.get(n, missing)) for s in schedules}) > 1]


def panel_labels(labels: Sequence[str], schedules: Sequence[dict[str, Any]],
                 titles: Sequence[str | None]) -> tuple[list[str], str | None]:
    """Display labels for the curves of one panel and a legend title (or None).

    ``titles`` are the panel's title and the figure's.
    A label lrplot wrote (a constructor call) is replaced, when the panel has several curves, by
    what distinguishes it there: its class when the classes differ, and the parameters whose
    values differ among the curves of its class. The parameters they share become the legend
    title. A user's label is kept as written, minus a leading panel or figure title (parameter
    groups: ``[group 1: base_lr=0.01]`` says enough under a title that names the schedule).
    """
    known = [t for t in titles if t]
    shown: list[str] = []
    groups: list[str | None] = []
    for label in labels:
        base, group = _strip_group(label)
        groups.append(group)
        shown.append(base)
    calls = [_split_call(s) for s in shown]
    auto = [i for i, c in enumerate(calls) if c is not None]
    legend_title = None
    if len(labels) > 1 and auto:
        classes = {calls[i][0] for i in auto}
        for cls in classes:
            members = [i for i in auto if calls[i][0] == cls]
            # a parameter group's suffix already names its base_lr
            said = ("type", "base_lr") if any(groups[i] for i in members) else ("type",)
            differ = [n for n in _differing([schedules[i] for i in members]) if n not in said]
            for i in members:
                inner = ", ".join(f"{n}={format_value(schedules[i].get(n))}" for n in differ
                                  if n in schedules[i])
                if len(classes) == 1:
                    shown[i] = inner
                else:
                    shown[i] = f"{cls}({inner})" if inner else cls
            if len(classes) == 1 and len(members) == len(labels):
                common = calls[members[0]][1]
                if differ:  # the parameters every curve shares, as a call
                    kept = [part for part in _params(common)
                            if part.split("=", 1)[0] not in differ]
                    common = ", ".join(kept)
                legend_title = f"{cls}({common})" if common else cls
    out = []
    for text, group in zip(shown, groups):
        for title in known:
            if text == title or text == clean_title(title):
                text = ""
        if group:
            text = f"{text} [{group}]" if text else group
        out.append(text or (labels[len(out)] if not group else group))
    if legend_title is not None and any(legend_title in (t, clean_title(t)) for t in known):
        legend_title = None
    return out, legend_title


def panel_title(labels: Sequence[str], title: str | None, figure_title: str | None) -> str | None:
    """The title a panel shows: a lone curve's automatic label (its full constructor call) when
    the panel's own title says less (only the class) and the figure title does not say it."""
    if len(labels) != 1 or labels[0] == figure_title:
        return title
    call = _split_call(labels[0])
    if call and (title is None or title == call[0]):
        return labels[0]
    return title


def _params(inner: str) -> list[str]:
    """``a=1, b=[2, 3], c=x(d=1, e=2)`` -> its top-level ``name=value`` parts."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(inner[start:i].strip())
            start = i + 1
    if inner[start:].strip():
        parts.append(inner[start:].strip())
    return parts


def literal(text: str) -> str:
    """User text shown as written under mathtext parsing: ``$`` escaped."""
    return text.replace("$", r"\$")


# -- ticks ---------------------------------------------------------------------------------------


def _decimals(values: Sequence[float], scale: float) -> int:
    """The fewest decimals that write every value/scale exactly enough to tell them apart."""
    scaled = [v / scale for v in values]
    spacing = min((abs(b - a) for a, b in zip(scaled, scaled[1:]) if b != a), default=1.0)
    for d in range(0, 10):
        if all(abs(round(v, d) - v) <= 1e-6 * max(spacing, 1e-300) for v in scaled):
            return d
    return 10


class ValueFormatter(Formatter):
    """lr ticks without a detached offset or exponent: ``0.02``, ``0.1``; below 0.01 and from
    10^5 up, each tick in short scientific form (``3e-4``, ``2.5e-4``), as few digits as tell
    the ticks apart."""

    def __init__(self) -> None:
        self._fmt = "{:g}"
        self._digits = 1

    def set_locs(self, locs):
        locs = list(locs)
        vmin, vmax = self.axis.get_view_interval() if self.axis else (min(locs, default=0),
                                                                        max(locs, default=1))
        shown = [v for v in locs if min(vmin, vmax) - 1e-12 <= v <= max(vmin, vmax) + 1e-12]
        shown = shown or locs
        big = max((abs(v) for v in shown), default=0.0)
        if big == 0 or not math.isfinite(big):
            self._fmt = "{:g}"
            return
        exp = math.floor(math.log10(big))
        if exp <= -3 or exp >= 5:
            self._fmt = "sci"
            spacing = min((abs(b - a) for a, b in zip(shown, shown[1:]) if b != a), default=big)
            for digits in range(1, 8):  # significant digits that write every tick exactly
                if all(abs(float(f"{v:.{digits}g}") - v) <= 1e-6 * spacing for v in shown):
                    break
            self._digits = digits
        else:
            self._fmt = "{:.%df}" % _decimals(shown, 1.0)

    def __call__(self, x, pos=None):
        if self._fmt == "sci":
            if x == 0:
                return "0"
            mantissa, _, exponent = f"{x:.{self._digits}e}".partition("e")
            mantissa = mantissa.rstrip("0").rstrip(".")
            return f"{mantissa}e{int(exponent)}"
        text = self._fmt.format(x)
        return "0" if text.strip("-0.") == "" else text


def step_text(step: float, exact: bool = False) -> str:
    """``250k``, ``2M``, ``1.5M``; below 10 000 the number itself. ``exact`` writes a step that
    a short form would round (the last step of a run) in full: ``1,999,999``."""
    n = int(round(step))
    for unit, suffix in ((10**6, "M"), (10**3, "k")):
        if abs(n) >= 10 * unit or (unit == 10**6 and abs(n) >= unit):
            short = f"{n / unit:.4g}{suffix}"
            if not exact or float(f"{n / unit:.4g}") * unit == n:
                return short
            return f"{n:,}"
    return str(n)


class StepFormatter(Formatter):
    """Step ticks in ``k`` and ``M`` (``250k``, ``2M``); the run's last step written exactly."""

    def __init__(self, last: int):
        self.last = last

    def __call__(self, x, pos=None):
        if abs(x - round(x)) > 1e-6:
            return ""
        return step_text(x, exact=round(x) == self.last)


class StepLocator(Locator):
    """Round step ticks up to the run's end, and the last step itself (where the run ends);
    round ticks too close to it to be read apart are left out."""

    def __init__(self, last: int, label_points: float = 8.5):
        self.last = last
        self.base = MaxNLocator(nbins="auto", integer=True, steps=[1, 2, 2.5, 5, 10])
        self.label_points = label_points

    def set_axis(self, axis):
        super().set_axis(axis)
        self.base.set_axis(axis)

    def __call__(self):
        vmin, vmax = self.axis.get_view_interval()
        return self.tick_values(vmin, vmax)

    def tick_values(self, vmin, vmax):
        ticks = [t for t in self.base.tick_values(vmin, vmax) if vmin <= t <= vmax]
        if not (vmin <= self.last <= vmax):
            return ticks
        span = max(vmax - vmin, 1)
        # room for the end label plus half a round label, as a fraction of the axis
        width = text_width(step_text(self.last, exact=True), self.label_points)
        width += text_width(step_text(ticks[-1] if ticks else 0), self.label_points)
        try:
            axis_points = self.axis.axes.bbox.width * 72 / self.axis.axes.figure.dpi
        except AttributeError:
            axis_points = 300.0
        gap = span * (0.6 * width + 6) / max(axis_points, 1.0)
        kept = [t for t in ticks if t == self.last or self.last - t >= gap]
        return kept + ([self.last] if self.last not in kept else [])
