"""Summary numbers of each curve: where the lr starts, peaks, bottoms out and ends, and how much
of it there is.

``lrplot stats`` prints them as a table, CSV or JSON. Every number is computed from the same
series the plot draws, chunk by chunk, so a run of 10^8 steps is summarized in bounded memory.

- ``initial``, ``final``: ``lr[0]`` and ``lr[steps-1]``;
- ``peak``/``peak_step``, ``minimum``/``minimum_step``: the extremes (exact), and the first step
  that reaches them within :data:`TIE_RTOL` (a cosine back at base_lr one ulp high is a tie);
- ``mean`` and ``sum``: the sum of ``lr`` over every step is how far plain SGD can move a
  parameter with a unit gradient — two schedules with the same sum travel equally far;
- ``first_below``: the first step whose lr is strictly below the ``below`` threshold (none when
  the lr never falls that low);
- ``lr_at``: the lr at the steps asked for (``lrplot stats ... --at 1000,5000``), read from the
  same chunks — "what is the lr at step N" without a CSV to search.

A logged series (a curve of ``type: data``) is also compared with the planned schedule of its
panel (the first curve that is not data): ``diverges_at`` is the first logged step whose relative
difference ``|logged - planned| / max(|logged|, |planned|)`` exceeds ``rtol``, and
``max_rel_diff``/``max_rel_diff_step`` the largest difference and where it occurs.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import numpy as np

from lrplot import compute

if TYPE_CHECKING:
    from lrplot.spec import Curve, FigureSpec

TIE_RTOL = 1e-12
"""Values this close (relative) to the peak or minimum tie with it; the earliest step wins."""

DEFAULT_RTOL = 1e-4
"""Logged and planned lr agree within this relative difference (a float32 log is ~6e-8 off)."""


@dataclass(frozen=True)
class Divergence:
    """Where a logged series departs from the planned one."""

    planned: str  # the label of the planned curve
    compared: int  # logged steps that lie inside the planned run
    diverges_at: int | None  # first logged step with a relative difference > rtol
    max_rel_diff: float
    max_rel_diff_step: int | None


@dataclass(frozen=True)
class CurveStats:
    panel: str | None
    label: str
    steps: int
    initial: float
    peak: float
    peak_step: int
    minimum: float
    minimum_step: int
    final: float
    mean: float
    sum: float
    below: float | None
    first_below: int | None
    divergence: Divergence | None = None
    lr_at: tuple[tuple[int, float | None], ...] = ()  # (step, lr) asked for; None: no value

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.divergence is None:
            del data["divergence"]
        if self.lr_at:
            data["lr_at"] = {str(step): value for step, value in self.lr_at}
        else:
            del data["lr_at"]
        if self.below is None:
            del data["below"], data["first_below"]
        return data


def summarize(chunks: Iterable[np.ndarray], below: float | None = None,
              at: Iterable[int] = ()) -> dict[str, Any]:
    """The statistics of the series formed by consecutive ``chunks``.

    NaN marks a step without a value (before the first logged step of a data curve) and is
    skipped; ``steps`` counts every step. ``at``: steps whose lr to report (``lr_at``; None for
    a step without a value or past the end).
    """
    wanted = sorted(set(at))
    found: dict[int, float | None] = {}
    steps = 0
    count = 0
    total: list[float] = []
    initial = final = None
    peak, peak_step, peak_value_at_step = -math.inf, -1, -math.inf
    minimum, minimum_step, minimum_value_at_step = math.inf, -1, math.inf
    first_below = None
    for chunk in chunks:
        chunk = np.asarray(chunk, dtype=float)
        start, steps = steps, steps + len(chunk)
        for step in wanted:
            if start <= step < steps:
                value = float(chunk[step - start])
                found[step] = None if math.isnan(value) else value
        known = ~np.isnan(chunk)
        if not known.any():
            continue
        where = np.flatnonzero(known)
        if initial is None:
            initial = float(chunk[where[0]])
        final = float(chunk[where[-1]])
        values = chunk[known]
        count += len(values)
        total.append(float(np.sum(values)))
        # The step of an extreme is the first step within TIE_RTOL of it: a cosine's return to
        # base_lr, one ulp above it, does not move the peak from step 0.
        high = float(values.max())
        if high > peak:
            if not (peak_value_at_step >= high - abs(high) * TIE_RTOL):
                first = int(np.argmax(values >= high - abs(high) * TIE_RTOL))
                peak_step, peak_value_at_step = start + int(where[first]), float(values[first])
            peak = high
        low = float(values.min())
        if low < minimum:
            if not (minimum_value_at_step <= low + abs(low) * TIE_RTOL):
                first = int(np.argmax(values <= low + abs(low) * TIE_RTOL))
                minimum_step = start + int(where[first])
                minimum_value_at_step = float(values[first])
            minimum = low
        if below is not None and first_below is None:
            hits = np.flatnonzero(values < below)
            if len(hits):
                first_below = start + int(where[hits[0]])
    if initial is None:
        raise ValueError("the series has no values")
    lr_sum = math.fsum(total)
    return {"steps": steps, "initial": initial, "peak": peak, "peak_step": peak_step,
            "minimum": minimum, "minimum_step": minimum_step, "final": final,
            "mean": lr_sum / count, "sum": lr_sum, "below": below, "first_below": first_below,
            "lr_at": tuple((step, found.get(step)) for step in at)}


def curve_chunks(curve: Curve) -> Iterator[np.ndarray]:
    """The curve's series in consecutive pieces (bounded memory for long runs)."""
    return compute.chunks(curve)


def is_data(curve: Curve) -> bool:
    return getattr(curve.kind, "name", None) == "data"


def divergence(logged_steps: np.ndarray, logged: np.ndarray, planned: np.ndarray, label: str,
               rtol: float = DEFAULT_RTOL) -> Divergence:
    """Compare a logged series (values at ``logged_steps``) with a planned ``lr[0..n-1]``."""
    inside = (logged_steps >= 0) & (logged_steps < len(planned))
    steps, values = logged_steps[inside], logged[inside]
    if not len(steps):
        return Divergence(label, 0, None, 0.0, None)
    expected = planned[steps]
    scale = np.maximum(np.abs(values), np.abs(expected))
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(scale > 0, np.abs(values - expected) / scale, 0.0)
    rel = np.where(np.isnan(rel), np.inf, rel)
    bad = np.flatnonzero(rel > rtol)
    worst = int(np.argmax(rel))
    return Divergence(label, int(len(steps)), int(steps[bad[0]]) if len(bad) else None,
                      float(rel[worst]), int(steps[worst]))


def figure_stats(spec: FigureSpec, below: float | None = None,
                 rtol: float = DEFAULT_RTOL, at: Iterable[int] = ()) -> list[CurveStats]:
    """One :class:`CurveStats` per curve of the figure, in order; ``at``: steps whose lr to
    report (each must be inside every curve's run)."""
    at = tuple(dict.fromkeys(at))
    for curve in spec.curves:
        past = [step for step in at if step >= curve.steps]
        if past:
            raise ValueError(f"--at {past[0]}: past the last step of {curve.label!r} "
                             f"(steps={curve.steps}, so lr[0..{curve.steps - 1}]); give "
                             f"--steps {past[0] + 1} or more")
    result = []
    for panel in spec.panels:
        planned = next((c for c in panel.curves if not is_data(c)), None)
        planned_lr = None
        for curve in panel.curves:
            numbers = summarize(curve_chunks(curve), below, at)
            diverged = None
            if is_data(curve) and planned is not None:
                from lrplot import logged

                if planned_lr is None:
                    planned_lr = compute.values(planned)
                steps, values = logged.points(curve.params)
                diverged = divergence(steps, values, planned_lr, planned.label, rtol)
            result.append(CurveStats(panel.title, curve.label, divergence=diverged, **numbers))
    return result


# -- output ---------------------------------------------------------------------------------------

COLUMNS = ("panel", "label", "steps", "initial", "peak", "peak_step", "minimum", "minimum_step",
           "final", "mean", "sum", "below", "first_below", "diverges_at", "max_rel_diff",
           "max_rel_diff_step")
"""Columns of the CSV output (and of the table, where they apply)."""


def _row(s: CurveStats) -> dict[str, Any]:
    row = {f.name: getattr(s, f.name) for f in fields(s)
           if f.name not in ("divergence", "lr_at")}
    row.update((f"lr@{step}", value) for step, value in s.lr_at)
    d = s.divergence
    row.update(diverges_at=d.diverges_at if d else None,
               max_rel_diff=d.max_rel_diff if d else None,
               max_rel_diff_step=d.max_rel_diff_step if d else None)
    return row


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def to_table(stats: list[CurveStats]) -> str:
    """An aligned plain-text table; the threshold and divergence columns appear when used."""
    columns = [("curve", None), ("steps", "steps"), ("initial", "initial"), ("peak", "peak"),
               ("@step", "peak_step"), ("min", "minimum"), ("@step", "minimum_step"),
               ("final", "final"), ("mean", "mean"), ("sum", "sum")]
    if any(s.below is not None for s in stats):
        below = next(s.below for s in stats if s.below is not None)
        columns.append((f"<{below:g} at", "first_below"))
    if any(s.divergence for s in stats):
        columns += [("diverges at", "diverges_at"), ("max rel diff", "max_rel_diff"),
                    ("@step", "max_rel_diff_step")]
    columns += [(f"lr@{step}", f"lr@{step}") for step, _ in (stats[0].lr_at if stats else ())]
    many_panels = len({s.panel for s in stats}) > 1
    rows = []
    for s in stats:
        row = _row(s)
        name = f"{s.panel}: {s.label}" if many_panels and s.panel else s.label
        cells = [name]
        for _, key in columns[1:]:
            value = row[key]
            if key == "first_below" and value is None:
                cells.append("never")
            elif key == "diverges_at" and value is None:
                cells.append("-" if s.divergence is None else "never")
            else:
                cells.append(_number(value) if value is not None else "-")
        rows.append(cells)
    header = [c for c, _ in columns]
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = []
    for r in [header] + rows:
        first = r[0].ljust(widths[0])
        rest = [cell.rjust(w) for cell, w in zip(r[1:], widths[1:])]
        lines.append("  ".join([first] + rest).rstrip())
    return "\n".join(lines) + "\n"


def to_csv(stats: list[CurveStats]) -> str:
    """CSV with exact numbers (``repr``); empty cells where a value does not apply."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = COLUMNS + tuple(f"lr@{step}" for step, _ in (stats[0].lr_at if stats else ()))
    writer.writerow(columns)
    for s in stats:
        row = _row(s)
        writer.writerow(["" if row[c] is None else repr(row[c]) if isinstance(row[c], float)
                         else row[c] for c in columns])
    return out.getvalue()


def to_json(stats: list[CurveStats]) -> str:
    """``{"curves": [{"panel": ..., "label": ..., "peak": ..., ...}, ...]}`` with exact numbers."""
    curves = []
    for s in stats:
        data = s.as_dict()
        if data.get("divergence") and math.isinf(data["divergence"]["max_rel_diff"]):
            data["divergence"]["max_rel_diff"] = None
        curves.append(data)
    return json.dumps({"curves": curves}, indent=2, allow_nan=False) + "\n"


FORMATS = {"table": to_table, "csv": to_csv, "json": to_json}
