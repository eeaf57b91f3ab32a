"""Reduce a long series to what a line plot of it can show, in one streaming pass.

A plot is a few thousand pixel columns wide; a run can be 10^8 steps long. :class:`Envelope`
splits the steps into consecutive buckets (one per pixel column or finer) and keeps, for each
bucket, the few points that decide what a line through all of them looks like there: the first
and the last, the lowest and the highest where each first occurs, and, when that extreme is a
plateau, where the plateau ends (the "M4" reduction, plus plateau ends). Drawn in step order,
those points give the same picture as every point: within a column the line spans exactly the
true minimum to the true maximum, and between columns it joins the same neighbouring values. A
drop stays a vertical drop (the high plateau's last step, then the low one's first), a spike
keeps its full height, and every drawn vertex is a true ``(step, lr)`` point of the series.

Values arrive chunk by chunk (:meth:`Envelope.add`), in any piece sizes, so memory is bounded by
the number of buckets, not steps. Several rows (the curves of a broadcast sweep) reduce at once.
NaN (a logged series before its first logged step) is skipped by the extremes; a bucket of NaN
only stays NaN, which leaves a gap in the line as the full series would.
"""

from __future__ import annotations

import numpy as np


class Envelope:
    """Per-bucket first, lowest, highest and last points of ``rows`` series of ``steps`` steps.

    Bucket ``j`` holds steps ``[j * width, (j + 1) * width)``; ``width`` is the smallest that
    makes at most ``buckets`` buckets.
    """

    def __init__(self, steps: int, buckets: int, rows: int = 1):
        if steps < 1 or buckets < 1:
            raise ValueError("an envelope needs at least one step and one bucket")
        self.steps = steps
        self.width = -(-steps // buckets)
        self.buckets = -(-steps // self.width)
        shape = (rows, self.buckets)
        self.first = np.full(shape, np.nan)
        self.last = np.full(shape, np.nan)
        self.low = np.full(shape, np.nan)
        self.high = np.full(shape, np.nan)
        self.low_at = np.zeros(shape, dtype=np.int64)  # where the lowest value first occurs
        self.low_end = np.zeros(shape, dtype=np.int64)  # where its run of equal values ends
        self.high_at = np.zeros(shape, dtype=np.int64)
        self.high_end = np.zeros(shape, dtype=np.int64)
        self.has_nan = np.zeros(rows, dtype=bool)
        self.filled = 0  # steps added so far

    @property
    def rows(self) -> int:
        return self.first.shape[0]

    def add(self, piece: np.ndarray) -> None:
        """Take the next values: shape ``(steps,)`` for one row, ``(rows, steps)`` for several."""
        block = np.asarray(piece, dtype=np.float64)
        block = block.reshape(1, -1) if block.ndim == 1 else block
        if block.shape[0] != self.rows:
            raise ValueError(f"expected {self.rows} rows, got {block.shape[0]}")
        count = block.shape[1]
        start, width = self.filled, self.width
        if start + count > self.steps:
            raise ValueError(f"more than {self.steps} steps")
        done = 0
        if count and start % width:  # finish the bucket in progress
            bucket = start // width
            done = min(count, (bucket + 1) * width - start)
            self._merge(bucket, block[:, :done], start)
        whole = (count - done) // width
        if whole:
            cube = block[:, done:done + whole * width].reshape(self.rows, whole, width)
            self._store((start + done) // width, cube, start + done)
            done += whole * width
        if done < count:  # start the next bucket
            self._store((start + done) // width, block[:, None, done:], start + done)
        self.filled += count

    def _reduce(self, cube: np.ndarray, offset: int) -> tuple[np.ndarray, ...]:
        """Extremes of each ``cube[r, k, :]``: the lowest value, the step where it first occurs
        and the last step of the run of equal values from there; the same for the highest."""
        length = cube.shape[2]
        low_i, high_i = cube.argmin(axis=2), cube.argmax(axis=2)
        low = _take(cube, low_i)
        high = _take(cube, high_i)
        # argmin/argmax stop at a NaN: redo the few buckets that hold one, skipping NaN
        broken = np.isnan(low) | np.isnan(high)
        if broken.any():
            self.has_nan |= broken.any(axis=1)
            values = cube[broken]
            gaps = np.isnan(values)
            low_i[broken] = np.where(gaps, np.inf, values).argmin(axis=1)
            high_i[broken] = np.where(gaps, -np.inf, values).argmax(axis=1)
            low, high = _take(cube, low_i), _take(cube, high_i)
        # Where the run of equal values that starts there ends (a plateau before a drop): a flat
        # bucket runs to its end; otherwise an extreme rarely repeats, so few buckets need a look.
        flat = (low == high) & ~broken
        low_j = np.where(flat, length - 1, low_i)
        high_j = np.where(flat, length - 1, high_i)
        for index, value, end in ((low_i, low, low_j), (high_i, high, high_j)):
            after = np.minimum(index + 1, length - 1)
            look = (index + 1 < length) & (_take(cube, after) == value) & ~flat
            if look.any():
                end[look] = _run_end(cube[look], index[look], value[look])
        base = offset + np.arange(cube.shape[1]) * length
        return low, base + low_i, base + low_j, high, base + high_i, base + high_j

    def _store(self, bucket: int, cube: np.ndarray, offset: int) -> None:
        span = slice(bucket, bucket + cube.shape[1])
        reduced = self._reduce(cube, offset)
        self.first[:, span] = cube[:, :, 0]
        self.last[:, span] = cube[:, :, -1]
        for name, value in zip(_EXTREMES, reduced):
            getattr(self, name)[:, span] = value

    def _merge(self, bucket: int, values: np.ndarray, offset: int) -> None:
        low, low_at, low_end, high, high_at, high_end = (
            a[:, 0] for a in self._reduce(values[:, None, :], offset))
        self.last[:, bucket] = values[:, -1]
        old_low, old_high = self.low[:, bucket], self.high[:, bucket]
        # strictly lower (higher) replaces: on a tie the earlier step stays, and a run that
        # reaches the end of the earlier piece continues into this one when it starts equal
        lower = (low < old_low) | (np.isnan(old_low) & ~np.isnan(low))
        higher = (high > old_high) | (np.isnan(old_high) & ~np.isnan(high))
        go_on = (low == old_low) & (self.low_end[:, bucket] == offset - 1) & (low_at == offset)
        self.low_end[lower | go_on, bucket] = low_end[lower | go_on]
        go_on = (high == old_high) & (self.high_end[:, bucket] == offset - 1) & (high_at == offset)
        self.high_end[higher | go_on, bucket] = high_end[higher | go_on]
        self.low[lower, bucket], self.low_at[lower, bucket] = low[lower], low_at[lower]
        self.high[higher, bucket], self.high_at[higher, bucket] = high[higher], high_at[higher]

    def points(self, row: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """``(steps, values)`` to draw for one row: each bucket's points in step order."""
        if self.filled != self.steps:
            raise ValueError(f"the envelope has {self.filled} of {self.steps} steps")
        starts = np.arange(self.buckets, dtype=np.int64) * self.width
        ends = np.minimum(starts + self.width, self.steps) - 1
        at = np.stack([starts, self.low_at[row], self.low_end[row], self.high_at[row],
                       self.high_end[row], ends], axis=1)
        values = np.stack([self.first[row], self.low[row], self.low[row], self.high[row],
                           self.high[row], self.last[row]], axis=1)
        order = np.argsort(at, axis=1, kind="stable")
        at = np.take_along_axis(at, order, 1)
        values = np.take_along_axis(values, order, 1)
        keep = np.ones(at.shape, dtype=bool)
        keep[:, 1:] = at[:, 1:] != at[:, :-1]
        return at[keep], values[keep]

    def lowest(self, row: int = 0) -> float:
        """The smallest value of the row (NaN when the row has a NaN, as ``ndarray.min``)."""
        return float("nan") if self.has_nan[row] else float(np.min(self.low[row]))

    def highest(self, row: int = 0) -> float:
        return float("nan") if self.has_nan[row] else float(np.max(self.high[row]))


_EXTREMES = ("low", "low_at", "low_end", "high", "high_at", "high_end")


def _take(cube: np.ndarray, index: np.ndarray) -> np.ndarray:
    return np.take_along_axis(cube, index[..., None], 2)[..., 0]


def _run_end(rows: np.ndarray, index: np.ndarray, value: np.ndarray) -> np.ndarray:
    """For each row, the last position of the run of ``value`` that starts at ``index``."""
    other = (rows != value[:, None]) & (np.arange(rows.shape[1]) > index[:, None])
    return np.where(other.any(axis=1), other.argmax(axis=1) - 1, rows.shape[1] - 1)
