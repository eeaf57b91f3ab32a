"""Evaluate a figure specification into numbers: one :class:`Series` per curve.

Evaluation lives here, not in the data model: :func:`kernel_chunks` runs a kind's kernel,
:func:`chunks` and :func:`values` evaluate a :class:`~lrplot.figspec.Curve` (stepped per
iteration or per epoch, every piece checked by :func:`finite_problem`, a failure raised as a
:class:`~lrplot.problems.SpecError` located at the curve).

Series are lazy: nothing is computed until the numbers are used, and then in one of two ways.
``Series.lr`` is the whole array (computed once, then cached) — what small runs and the Python
API want. ``Series.chunks()`` streams the values in consecutive pieces of bounded size, computed
afresh by the kind's chunked kernel with its state carried from piece to piece — what the
renderer (which reduces a long run to per-pixel-column extremes) and the CSV/JSON writers use,
so that 10^8 steps never sit in memory at once.

:func:`aligned` walks several series in lockstep, for writers that emit one row per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from lrplot.expr import ExprError
from lrplot.kernel_tools import CHUNK
from lrplot.problems import Problem, SpecError
from lrplot.schedules import ScheduleError
from lrplot.spec import Curve, FigureSpec

if TYPE_CHECKING:
    from lrplot.schedules import Kind

# -- one kind, one curve --------------------------------------------------------------------------


def kernel_chunks(kind: Kind, n: int, base_lr: Any, params: Mapping[str, Any],
                  chunk: int | None = None, series: str = "lr") -> Iterator[np.ndarray]:
    """``lr[0..n-1]`` of ``kind`` (or another of its ``extras``) in consecutive pieces, from its
    kernel; ``params`` must be complete and validated."""
    kernel = kind.kernel_function()
    options: dict[str, Any] = {"chunk": chunk} if chunk else {}
    if series != "lr":
        if series not in kind.extras(params):
            raise ValueError(f"{kind.name} does not compute {series}")
        options["series"] = series
    return kernel(n, base_lr, **params, **options)


def kernel_values(kind: Kind, n: int, base_lr: Any, params: Mapping[str, Any],
                  series: str = "lr") -> np.ndarray:
    """The series ``lr[0..n-1]`` of ``kind`` (or an extra one) as one array."""
    return np.concatenate(list(kernel_chunks(kind, n, base_lr, params, series=series)))


def finite_problem(piece: np.ndarray, start: int = 0, series: str = "lr") -> str | None:
    """The message when a computed piece (the steps from ``start`` on; for a sweep's block of
    rows, the columns are the steps) holds an infinity or a NaN, else None. Two reductions, no
    copy: cheap next to computing the piece. An overflow is refused, never drawn or written."""
    if piece.size == 0 or (np.isfinite(piece.min()) and np.isfinite(piece.max())):
        return None
    index = int(np.flatnonzero(~np.isfinite(piece))[0])
    step = start + index % piece.shape[-1]
    value = float(piece.flat[index])
    what = "not a number" if value != value else f"{value} (beyond float64)"
    fix = f"use at most {step} steps or" if step > 0 else "use"
    return (f"the {series} becomes {what} at step {step}: the schedule overflows, as it would in "
            f"the framework; {fix} gentler parameters")


def chunks(curve: Curve, chunk: int | None = None, series: str = "lr") -> Iterator[np.ndarray]:
    """A curve's series (the lr, or one of its extras such as ``"momentum"``) per iteration, in
    consecutive pieces computed by its kind's chunked kernel. A failure that shows only when
    evaluating (an expression dividing by zero at some step, an overflow) raises
    :class:`SpecError` located at the curve."""
    start = 0
    try:
        repeat = curve.repeat
        pieces = iter(kernel_chunks(curve.kind, curve.scheduler_steps, curve.base_lr,
                                    curve.params, chunk and max(1, chunk // repeat), series))
        if repeat > 1:  # stepped once per epoch: each value holds for an epoch's iterations
            pieces = _per_iteration(pieces, repeat, curve.steps)
        # logged data curves are NaN before their first logged step, by design
        checked = curve.kind.framework != "data" and series != "metric"
        while True:
            with np.errstate(all="ignore"):  # an overflow is reported below, not warned
                piece = next(pieces, None)
            if piece is None:
                break
            message = finite_problem(piece, start, series) if checked else None
            if message:
                raise SpecError([Problem(curve.where, f"curve {curve.label!r}: {message}")])
            start += len(piece)
            yield piece
    except (ExprError, ScheduleError) as exc:
        raise SpecError([Problem(curve.where, _name_expression(curve, str(exc)))]) from None
    except (OverflowError, ZeroDivisionError) as exc:  # Python float arithmetic in a kernel
        what = "overflows float64" if isinstance(exc, OverflowError) else "divides by zero"
        raise SpecError([Problem(curve.where, f"curve {curve.label!r}: the {series} {what} "
                                              f"after step {start}: the schedule overflows, as "
                                              "it would in the framework; use fewer steps or "
                                              "gentler parameters")]) from None


def values(curve: Curve, series: str = "lr") -> np.ndarray:
    """A curve's series (the lr, or one of its extras such as ``"momentum"``) as one array."""
    pieces = list(chunks(curve, series=series))
    # kernels yield arrays they do not keep: a single one needs no copy (unless read-only)
    if len(pieces) == 1 and pieces[0].flags.writeable:
        return pieces[0]
    return np.concatenate(pieces) if pieces else np.empty(0)


def _per_iteration(pieces: Iterator[np.ndarray], repeat: int, steps: int
                   ) -> Iterator[np.ndarray]:
    left = steps
    for piece in pieces:
        total = min(len(piece) * repeat, left)  # never expand values past the last step
        for start in range(0, total, CHUNK):  # an epoch of 10^9 iterations is not one array
            index = np.arange(start, min(start + CHUNK, total), dtype=np.int64) // repeat
            yield piece[index]
        left -= total
        if left <= 0:
            break


def _name_expression(curve: Curve, message: str) -> str:
    """``--lr-lambda: '1/(epoch-5)' fails at ...``: the flag (or key) whose expression failed
    while evaluating, before the message that quotes it."""
    for p in curve.kind.params:
        value = curve.params.get(p.name)
        if p.type == "expr" and value is not None and message.startswith(repr(str(value))):
            return f"{p.flag if not curve.origin else p.key}: {message}"
    return message


# -- series ----------------------------------------------------------------------------------------


MATERIALIZE_LIMIT = 1 << 22
"""Series up to this many steps are kept in memory once computed (32 MiB); longer ones are
recomputed each time they are streamed, so that memory stays bounded."""

Source = Callable[[int], Iterator[np.ndarray]]
"""``source(chunk)`` yields consecutive float64 pieces of a series (any lengths up to ``chunk``)."""


class Series:
    """The learning rate of one curve at every step, computed on first use.

    ``Series(label, schedule, lr)`` wraps an array that is already there;
    ``Series(label, schedule, steps=n, source=f)`` evaluates ``f(chunk)`` (consecutive pieces)
    only when the values are needed.
    """

    __slots__ = ("label", "schedule", "steps", "_lr", "_source", "extras", "sweep")

    def __init__(self, label: str, schedule: dict[str, Any], lr: np.ndarray | None = None, *,
                 steps: int | None = None, source: Source | None = None):
        if lr is None and (source is None or steps is None):
            raise TypeError("Series needs either lr or both steps and source")
        self.label = label
        self.schedule = schedule  # the fully resolved schedule: type, parameters, base_lr
        self._lr = None if lr is None else np.asarray(lr, dtype=np.float64)
        self.steps = len(self._lr) if self._lr is not None else int(steps)
        self._source = source
        self.extras: dict[str, Series] = {}  # "momentum"/"metric" of the same curve (spec series)
        self.sweep: Sweep | None = None  # the broadcast sweep this series is a row of, if any

    def __repr__(self) -> str:
        return f"Series({self.label!r}, steps={self.steps})"

    @property
    def lr(self) -> np.ndarray:
        """Every value, ``lr[0..steps-1]``, as one array (computed on first access, then kept)."""
        if self._lr is None and self.sweep is not None and self.steps <= MATERIALIZE_LIMIT:
            self.sweep.materialize()  # every row of the sweep at once (or none, see there)
        if self._lr is None:
            pieces = list(self._source(CHUNK))
            self._lr = np.concatenate(pieces) if pieces else np.empty(0)
        return self._lr

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        """The values in consecutive non-empty pieces of about ``size`` values (a long series is
        computed afresh, piece by piece, by the kind's chunked kernel; a short one once, then
        served from memory). Use :func:`rechunk` for pieces of an exact size."""
        if self._lr is None and self.steps > MATERIALIZE_LIMIT:
            for piece in self._source(size):
                if len(piece):
                    yield piece
            return
        lr = self.lr
        for start in range(0, self.steps, size):
            yield lr[start:start + size]


@dataclass(frozen=True)
class PanelSeries:
    title: str | None
    series: tuple[Series, ...]
    annotate: bool = False  # draw lrplot.annotate's marks on this panel


def rechunk(pieces: Iterable[np.ndarray], size: int) -> Iterator[np.ndarray]:
    """The same values in pieces of exactly ``size`` (the last one may be shorter)."""
    buffer: list[np.ndarray] = []
    held = 0
    for piece in pieces:
        while len(piece):
            if not held and len(piece) >= size:  # whole pieces straight through, no copy
                yield piece[:size]
                piece = piece[size:]
                continue
            take = min(size - held, len(piece))
            buffer.append(piece[:take])
            held += take
            piece = piece[take:]
            if held == size:
                yield np.concatenate(buffer)
                buffer, held = [], 0
    if held:
        yield np.concatenate(buffer)


def aligned(series: Sequence[Series], size: int = CHUNK) -> Iterator[tuple[int, list[np.ndarray]]]:
    """``(start, pieces)`` for consecutive step ranges ``[start, start + size)``: ``pieces[i]``
    holds series i's values there (shorter, or empty, where that series has ended)."""
    streams = [rechunk(s.chunks(size), size) for s in series]
    longest = max((s.steps for s in series), default=0)
    empty = np.empty(0)
    for start in range(0, longest, size):
        yield start, [next(stream, empty) if start < s.steps else empty
                      for stream, s in zip(streams, series)]


def _curve_source(curve: Curve) -> Source:
    def source(chunk: int) -> Iterator[np.ndarray]:
        return chunks(curve, chunk)

    return source


def series_of(curve: Curve) -> Series:
    """A curve's lazy series, with its extra series (momentum, metric) when the spec asks."""
    series = Series(curve.label, curve.schedule, steps=curve.steps, source=_curve_source(curve))
    for name in curve.extras:
        series.extras[name] = Series(
            f"{curve.label}: {name}", curve.schedule, steps=curve.steps,
            source=lambda chunk, name=name: chunks(curve, chunk, name))
    return series


def compute(spec: FigureSpec) -> list[PanelSeries]:
    """One lazy :class:`Series` per curve, panel by panel (nothing is evaluated yet); the curves
    of a sweep whose kernel broadcasts are grouped into a :class:`Sweep`."""
    panels = []
    for panel in spec.panels:
        series = tuple(series_of(c) for c in panel.curves)
        for curves, members in _sweeps(panel.curves, series):
            Sweep(curves, members)
        panels.append(PanelSeries(panel.title, series, spec.annotate))
    return panels


# -- sweeps as one broadcast array -----------------------------------------------------------------


SWEEP_BLOCK = 1 << 16
"""Values per block of a sweep, all rows together: small enough to stay in the processor's
cache (bigger blocks make a broadcast no faster than separate passes), big enough to amortize
numpy's per-call cost."""


class Sweep:
    """Curves of one kind that differ only in parameters their kernel broadcasts (a sweep of
    ``gamma``, or of ``base_lr``), evaluated together: the kernel gets each varying parameter
    as a column of values and yields one row per curve, so a sweep of 100 values is one pass
    over arrays of shape (100, chunk), not 100 passes. Each row is exactly what evaluating
    that curve alone gives (the same operations on the same floats).

    A kernel opts in by naming those parameters in its ``broadcasts`` attribute. If a sweep's
    evaluation fails or overflows, its curves are evaluated one by one instead, which reports
    the problem at the curve it belongs to.
    """

    def __init__(self, curves: Sequence[Curve], members: Sequence[Series]):
        self.curves = tuple(curves)
        self.members = tuple(members)
        self.failed = False
        for member in self.members:
            member.sweep = self

    def envelope(self, buckets: int) -> Any:
        """Every member's min/max :class:`~lrplot.envelope.Envelope` of ``buckets`` buckets, in
        one pass over the broadcast rows; None when the sweep fails (its members are then reduced
        one by one)."""
        from lrplot.envelope import Envelope

        envelope = Envelope(self.members[0].steps, buckets, rows=len(self.members))
        try:
            for block in self.blocks():
                envelope.add(block)
        except SweepFailed:
            return None
        return envelope

    def blocks(self, chunk: int = SWEEP_BLOCK) -> Iterator[np.ndarray]:
        """Consecutive pieces of every row: arrays of shape (curves, m), about ``chunk`` values
        in all. Raises :class:`SweepFailed` on an error or a value that is not finite."""
        first, rows = self.curves[0], len(self.curves)
        base_lr: Any = first.base_lr
        params = dict(first.params)
        for name in _varying(self.curves):
            column = np.array([_value(c, name) for c in self.curves], dtype=np.float64)[:, None]
            if name == "base_lr":
                base_lr = column
            else:
                params[name] = column
        kernel = _kernel(first)
        try:
            with np.errstate(all="ignore"):
                for piece in kernel(first.steps, base_lr, **params, chunk=max(1, chunk // rows)):
                    piece = np.broadcast_to(piece, (rows, piece.shape[-1]))
                    message = finite_problem(piece)
                    if message:
                        raise SweepFailed(message)
                    yield piece
        except SweepFailed:
            self.failed = True
            raise
        except Exception as exc:  # the curves, one by one, will say where and why
            self.failed = True
            raise SweepFailed(str(exc)) from exc

    def materialize(self) -> None:
        """Compute every row and keep it in its series; on failure leave them to themselves."""
        if self.failed:
            return
        rows = np.empty((len(self.members), self.curves[0].steps))
        done = 0
        try:
            for block in self.blocks():
                rows[:, done:done + block.shape[1]] = block
                done += block.shape[1]
        except SweepFailed:
            for member in self.members:
                member.sweep = None
            return
        for member, row in zip(self.members, rows):
            member._lr = row


class SweepFailed(Exception):
    """A broadcast evaluation that cannot stand for its curves (they are evaluated alone)."""


def _kernel(curve: Curve) -> Callable[..., Iterator[np.ndarray]]:
    return curve.kind.kernel_function()


def _value(curve: Curve, name: str) -> Any:
    return curve.base_lr if name == "base_lr" else curve.params[name]


def _varying(curves: Sequence[Curve]) -> list[str]:
    names = ["base_lr", *curves[0].params]
    return [n for n in names if len({repr(_value(c, n)) for c in curves}) > 1]


def _sweeps(curves: Sequence[Curve], series: Sequence[Series]):
    """``(curves, series)`` of each group of two or more curves that can be one broadcast."""
    groups: dict[Any, list[int]] = {}
    for i, curve in enumerate(curves):
        try:
            broadcasts = getattr(_kernel(curve), "broadcasts", ())
        except (ImportError, AttributeError, ValueError):
            continue
        if not broadcasts or curve.extras:
            continue
        fixed = tuple((n, repr(v)) for n, v in curve.params.items() if n not in broadcasts)
        scalars = all(isinstance(_value(curve, n), (int, float))
                      and not isinstance(_value(curve, n), bool) for n in broadcasts)
        if scalars:
            key = (curve.kind.name, curve.steps, fixed, None if "base_lr" in broadcasts
                   else repr(curve.base_lr))
            groups.setdefault(key, []).append(i)
    for members in groups.values():
        if len(members) > 1:
            yield [curves[i] for i in members], [series[i] for i in members]
