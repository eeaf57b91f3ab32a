"""Where boxes go on a drawn axes: legends and labels over the least of the curves.

Curves are measured *as drawn*: each line's path in pixels, sampled every pixel or so along its
segments (a vertical drop covers the boxes it crosses, though it has only two vertices), so a
box's cost is the share of each curve's drawn length it hides. Everything works on pixel
coordinates after the layout has run, without rasterizing anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLES = 3000
"""Samples per curve at most (a curve longer than that many pixels is sampled more sparsely)."""
CLEAR = 0.01
"""A box hiding more than this share of any curve's drawn length is not clear (the quality test
allows 2%; placing at half that leaves a margin, and a long dense curve's 2% is a lot of ink)."""


@dataclass
class Samples:
    """Points along one drawn curve, in pixels, evenly spaced by length."""

    xy: np.ndarray  # (n, 2)
    length: float   # the curve's drawn length in pixels

    def share_in(self, box: tuple[float, float, float, float]) -> float:
        """The share of the curve's drawn length inside ``box`` = (x0, y0, x1, y1)."""
        if not len(self.xy):
            return 0.0
        x, y = self.xy[:, 0], self.xy[:, 1]
        inside = (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])
        return float(inside.mean())


def sample_path(xy: np.ndarray, clip=None, spacing: float = 1.0) -> Samples:
    """Evenly spaced samples along a polyline given in pixels (non-finite vertices break it)."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if clip is not None:  # the part of the path inside the axes is what is seen
        x0, y0, x1, y1 = clip
        xy = np.column_stack([np.clip(xy[:, 0], x0, x1), np.clip(xy[:, 1], y0, y1)])
    finite = np.isfinite(xy).all(axis=1)
    if finite.sum() == 0:
        return Samples(np.empty((0, 2)), 0.0)
    if finite.sum() == 1:
        return Samples(xy[finite], 0.0)
    seg = np.diff(xy, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    lengths[~(finite[:-1] & finite[1:])] = 0.0  # no stroke across a gap
    cumulative = np.concatenate([[0.0], np.cumsum(lengths)])
    total = float(cumulative[-1])
    if total == 0:
        return Samples(xy[finite][:1], 0.0)
    n = int(min(SAMPLES, max(2, total / spacing)))
    at = np.linspace(0.0, total, n)
    index = np.clip(np.searchsorted(cumulative, at, side="right") - 1, 0, len(lengths) - 1)
    frac = np.where(lengths[index] > 0, (at - cumulative[index]) / np.where(
        lengths[index] > 0, lengths[index], 1.0), 0.0)
    points = xy[index] + seg[index] * frac[:, None]
    points = points[np.isfinite(points).all(axis=1)]
    return Samples(points, total)


def line_samples(line) -> Samples:
    """Samples along a Line2D as it is drawn on its axes (clipped to the axes box)."""
    ax = line.axes
    path = line.get_transform().transform(np.column_stack(line.get_data()).astype(float))
    bbox = ax.bbox
    return sample_path(path, (bbox.x0, bbox.y0, bbox.x1, bbox.y1))


def cost(box, curves: list[Samples], obstacles=()) -> float:
    """How much a box hides: the largest share of any curve's length under it, plus one for
    each other box it overlaps (text must never overlap text)."""
    hidden = max((c.share_in(box) for c in curves), default=0.0)
    return hidden + sum(1.0 for o in obstacles if overlaps(box, o))


def overlaps(a, b, pad: float = 0.0) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def best_spot(area, size, curves, obstacles=(), pad: float = 4.0, grid: int = 9):
    """The lower-left corner of the ``size`` (w, h) box inside ``area`` (x0, y0, x1, y1) that
    hides the least, and its cost; among equals, the one nearest a corner (legends sit in
    corners where they can). None when the box does not fit."""
    w, h = size
    x0, y0, x1, y1 = area[0] + pad, area[1] + pad, area[2] - pad, area[3] - pad
    if w > x1 - x0 or h > y1 - y0:
        return None, float("inf")
    best, best_key = None, None
    for fx in np.linspace(0.0, 1.0, grid):
        for fy in np.linspace(0.0, 1.0, grid):
            x = x0 + fx * (x1 - x0 - w)
            y = y0 + fy * (y1 - y0 - h)
            box = (x, y, x + w, y + h)
            c = cost(box, curves, obstacles)
            corner = min(fx, 1 - fx) + min(fy, 1 - fy)
            key = (round(c, 3), corner, -fy)  # then nearer a corner, then higher
            if best_key is None or key < best_key:
                best, best_key = (x, y), key
    return best, best_key[0]


# -- curves drawn over one another ----------------------------------------------------------------


def cells(samples: Samples, cell: float) -> np.ndarray:
    """The pixel cells (``cell`` pixels square) a curve passes through, as sorted keys."""
    if not len(samples.xy):
        return np.empty(0, dtype=np.int64)
    k = np.floor(samples.xy / cell).astype(np.int64)
    return np.unique(k[:, 0] * 1_000_003 + k[:, 1])


def visible_share(curves: list[Samples], cell: float) -> list[float]:
    """For each curve, the share of its drawn length that no curve drawn after it covers
    (a curve covers the cells it passes through and their neighbours: a line's width)."""
    keys = [cells(c, cell) for c in curves]
    shares = []
    for i, c in enumerate(curves):
        if not len(c.xy):
            shares.append(1.0)
            continue
        later = [keys[j] for j in range(i + 1, len(curves)) if len(keys[j])]
        if not later:
            shares.append(1.0)
            continue
        k = np.floor(c.xy / cell).astype(np.int64)
        own = k[:, 0] * 1_000_003 + k[:, 1]
        shares.append(1.0 - _near(own, np.unique(np.concatenate(later))))
    return shares


def _near(keys: np.ndarray, other: np.ndarray) -> float:
    """The share of ``keys`` (cells) in or next to a cell of ``other``."""
    around = np.concatenate([other + dx * 1_000_003 + dy for dx in (-1, 0, 1) for dy in (-1, 0, 1)])
    return float(np.isin(keys, around).mean())


def hidden_groups(curves: list[Samples], cell: float, visible: float = 0.3) -> list[list[int]]:
    """Groups of curves where one is mostly hidden (less than ``visible`` of it shows) under
    the others: each such curve with every later curve that shares most of its path with it
    (a curve that only shares a warm-up keeps its own solid line)."""
    shares = visible_share(curves, cell)
    keys = [cells(c, cell) for c in curves]
    parent = list(range(len(curves)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, share in enumerate(shares):
        if share >= visible or not len(keys[i]):
            continue
        for j in range(i + 1, len(curves)):
            if len(keys[j]) and _near(keys[i], keys[j]) > 0.5 and _near(keys[j], keys[i]) > 0.5:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(curves)):
        groups.setdefault(root(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def interleaved_dashes(count: int, index: int, dash: float = 4.0):
    """A dash pattern for curve ``index`` of ``count`` coincident ones: each draws one dash in
    turn, so together they form one line striped in every curve's colour."""
    return (index * dash, (dash, (count - 1) * dash))
