"""Caps that keep hostile or mistaken input from exhausting the machine.

Every cap has a default that does not get in the way of real work (a curve of 10^8 steps
renders) and an environment variable that changes it:

=============================  ====================  =============================================
variable                       default               what it caps
=============================  ====================  =============================================
``LRPLOT_MAX_STEPS``           1e9                   steps of one curve
``LRPLOT_MAX_POINTS``          1e9                   steps summed over every curve of one figure
``LRPLOT_MAX_CONFIG_BYTES``    1048576 (1 MiB)       size of a YAML config file
``LRPLOT_MAX_CURVES``          1000                  curves of one figure (sweep products counted
                                                     before they are built)
``LRPLOT_MAX_PANELS``          100                   panels of one figure
``LRPLOT_MAX_TEXT``            1000                  characters of one title or label
``LRPLOT_MAX_PIXELS``          1e8                   pixels of a PNG (width x height x dpi^2)
``LRPLOT_MAX_DATA_ROWS``       1e6                   rows of a logged lr or metric CSV file
=============================  ====================  =============================================

The YAML loader has fixed structural caps as well (:data:`MAX_NODES` values after alias
expansion, :data:`MAX_DEPTH` levels of nesting): no real config comes near them.

This module imports nothing heavy: ``lrplot validate`` uses it without numpy.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

MAX_NODES = 50_000
"""Most scalar, list and mapping values a config may expand to (an alias counts each time it is
used), so that an alias bomb ("billion laughs") is refused before it expands."""

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings a config may have (a real one needs about ten)."""

BYTES_PER_VALUE = 8
"""A float64 lr value in memory."""

CSV_BYTES_PER_VALUE = 20
"""About what one value costs as CSV text (``repr`` of a float64 and a separator)."""


class LimitError(ValueError):
    """A limit itself is set to something unusable (a malformed environment variable)."""


@dataclass(frozen=True)
class Limit:
    name: str  # the environment variable
    default: int
    what: str  # "steps per curve"

    def value(self) -> int:
        """The limit in force: the environment variable when set, else the default."""
        text = os.environ.get(self.name, "").strip()
        if not text:
            return self.default
        try:
            number = float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            number = math.nan
        if not (isinstance(number, int) or math.isfinite(number)) or number < 1 or \
                number != int(number):
            raise LimitError(f"{self.name}: expected a whole number >= 1 such as 1e9 "
                             f"(the {self.what} to allow), got {text!r}")
        return int(number)


MAX_STEPS = Limit("LRPLOT_MAX_STEPS", 10**9, "steps per curve")
MAX_POINTS = Limit("LRPLOT_MAX_POINTS", 10**9, "steps summed over all curves of a figure")
MAX_CONFIG_BYTES = Limit("LRPLOT_MAX_CONFIG_BYTES", 1 << 20, "size of a config file in bytes")
MAX_CURVES = Limit("LRPLOT_MAX_CURVES", 1000, "curves of one figure")
MAX_PANELS = Limit("LRPLOT_MAX_PANELS", 100, "panels of one figure")
MAX_TEXT = Limit("LRPLOT_MAX_TEXT", 1000, "characters of one title or label")
MAX_PIXELS = Limit("LRPLOT_MAX_PIXELS", 10**8, "pixels of one PNG")
MAX_DATA_ROWS = Limit("LRPLOT_MAX_DATA_ROWS", 10**6, "rows of a data file")

SECONDS_PER_CURVE = 0.006
"""About what drawing one curve costs (legend entry, line, layout): for messages only."""


def curves_problem(curves: int) -> str | None:
    """The message when a figure of ``curves`` curves (a sweep product, counted before it is
    built) is over the cap, else None."""
    limit = MAX_CURVES.value()
    if curves <= limit:
        return None
    return (f"{count(curves)} curves exceed the limit of {count(limit)} curves per figure; "
            f"drawing them would take about {_duration(curves * SECONDS_PER_CURVE)} and a legend "
            f"nobody can read (sweep fewer values, or raise the limit with "
            f"{MAX_CURVES.name}={sci(curves, round_up=True)})")


SECONDS_PER_PANEL = 0.05
"""About what laying out and drawing one panel costs: for messages only."""


def panels_problem(panels: int) -> str | None:
    """The message when a figure of ``panels`` panels is over the cap, else None."""
    limit = MAX_PANELS.value()
    if panels <= limit:
        return None
    return (f"{count(panels)} panels exceed the limit of {count(limit)} panels per figure; "
            f"laying them out would take about {_duration(panels * SECONDS_PER_PANEL)} (split "
            f"the figure, or raise the limit with {MAX_PANELS.name}={sci(panels, round_up=True)})")


def text_problem(text: str) -> str | None:
    """The message when a title or label is longer than the cap, else None."""
    limit = MAX_TEXT.value()
    if len(text) <= limit:
        return None
    return (f"{count(len(text))} characters exceed the limit of {count(limit)} for a title or "
            f"label (shorten it, or raise the limit with {MAX_TEXT.name}="
            f"{sci(len(text), round_up=True)})")


def pixels_problem(width: float, height: float, dpi: float) -> str | None:
    """The message when a PNG of ``width`` x ``height`` inches at ``dpi`` is over the cap."""
    limit = MAX_PIXELS.value()
    pixels = round(width * dpi) * round(height * dpi)
    if pixels <= limit:
        return None
    return (f"a {width:g}x{height:g} inch figure at {dpi:g} dpi is {count(pixels)} pixels, over "
            f"the limit of {count(limit)}; it would need about {human_bytes(pixels * 4)} of memory "
            f"to draw (lower --dpi or --size, or raise the limit with "
            f"{MAX_PIXELS.name}={sci(pixels, round_up=True)})")


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.0f} hours"


def human_bytes(size: float) -> str:
    """``1.6 GB``: a size in decimal units, as a user would say it."""
    if size >= 10**30:  # beyond yottabytes (an int of 10**400 steps cannot even be a float)
        return f"{sci(size // 10**24)} YB"
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"):
        if size < 1000 or unit == "YB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.3g} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def sci(n: float, round_up: bool = False) -> str:
    """``1.2e9``: a large number in two significant digits (rounded up with ``round_up``, so
    that a suggested limit is never below what it must allow)."""
    if n < 1000:
        return f"{n:g}"
    exponent = math.floor(math.log10(n))
    mantissa = n / 10 ** (exponent - 1)
    mantissa = (math.ceil(mantissa) if round_up else round(mantissa)) / 10
    if mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:g}e{exponent}"


def count(n: int) -> str:
    """``2,000,000,000 (2e9)``: a large count, exact and at a glance (only at a glance beyond
    10^18, where the digits would make the message unreadable)."""
    if n >= 10**18:
        return sci(n)
    return f"{n:,}" if n < 10**6 else f"{n:,} ({sci(n)})"


def cost(points: int) -> str:
    """What computing ``points`` values costs: how many, and their size in memory and as CSV."""
    return (f"{count(points)} values: {human_bytes(points * BYTES_PER_VALUE)} as float64, "
            f"about {human_bytes(points * CSV_BYTES_PER_VALUE)} as CSV")


def steps_problem(steps: int, default_horizon: bool = False) -> str | None:
    """The message when one curve of ``steps`` steps is over the cap, else None.

    ``default_horizon``: the steps were not given but chosen to show the whole schedule.
    """
    limit = MAX_STEPS.value()
    if steps <= limit:
        return None
    what = "the default horizon of" if default_horizon else ""
    fix = "set steps, or " if default_horizon else "use fewer steps, or "
    verb = "exceeds" if default_horizon else "exceed"
    return (f"{what} {count(steps)} steps {verb} the limit of {count(limit)} steps per curve; "
            f"the curve would cost {cost(steps)} ({fix}raise the limit with "
            f"{MAX_STEPS.name}={sci(steps, round_up=True)})").strip()


def points_problem(steps: list[int]) -> str | None:
    """The message when curves of these step counts are over the total cap, else None."""
    limit = MAX_POINTS.value()
    total = sum(steps)
    if total <= limit:
        return None
    return (f"{len(steps)} curves of {count(total)} steps in all exceed the limit of "
            f"{count(limit)} per figure; the figure would cost {cost(total)} (use fewer steps "
            f"or curves, or raise the limit with {MAX_POINTS.name}={sci(total, round_up=True)})")
