"""A figure's geometry, checked with the matplotlib that drew it: what a reader would call broken.

:func:`problems` draws the figure once (as saving it would) and returns one sentence per defect,
each naming the figure and the artists involved:

- a text (title, label, tick label, legend, annotation) reaching outside the figure;
- two texts overlapping (a legend counts as one box);
- raw mathtext on show (``$\\mathdefault{10^{-1}}$`` drawn as characters);
- an axes smaller than a third of its share of the figure (a collapsed layout);
- a legend or an annotation label over more than 2% of a curve's drawn length (the curve
  sampled along its segments in pixels, not only at its vertices);
- a legend entry whose curve cannot be seen (drawn over, solid, by later curves).

It is written independently of the renderer's own placement code, so that it checks the
result rather than repeating the reasoning.
"""

from __future__ import annotations

import numpy as np
from matplotlib.legend import Legend
from matplotlib.text import Text

COVER = 0.02  # a box may hide at most this share of a curve's drawn length
SHARE = 1 / 3  # an axes keeps at least this share of its grid cell, in width and in height
SLACK = 1.0  # pixels of tolerance on every box comparison (antialiasing, rounding)

_LABEL_GIDS = ("lrplot-point-label", "lrplot-event-label")


def _box(artist, renderer):
    b = artist.get_window_extent(renderer)
    return (b.x0, b.y0, b.x1, b.y1)


def _overlap(a, b) -> bool:
    return (a[0] < b[2] - SLACK and b[0] < a[2] - SLACK and a[1] < b[3] - SLACK
            and b[1] < a[3] - SLACK)


def _drawn_ticklabels(ax) -> list[Text]:
    texts = []
    for axis in (ax.xaxis, ax.yaxis):
        if not axis.get_visible():
            continue
        for tick in axis._update_ticks():  # the ticks a draw draws (inside the view)
            for label in (tick.label1, tick.label2):
                if label.get_visible() and label.get_text():
                    texts.append(label)
    return texts


def _texts(fig) -> list[tuple[str, Text]]:
    """Every text drawn outside legends, with a name for messages."""
    found = []
    if fig._suptitle is not None and fig._suptitle.get_text():
        found.append(("figure title", fig._suptitle))
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        where = f"axes {fig.axes.index(ax)}"
        for name, t in (("title", ax.title), ("left title", ax._left_title),
                        ("right title", ax._right_title), ("x label", ax.xaxis.label),
                        ("y label", ax.yaxis.label)):
            if t.get_visible() and t.get_text():
                found.append((f"{where} {name}", t))
        for t in _drawn_ticklabels(ax):
            found.append((f"{where} tick label", t))
        for t in ax.texts:
            if t.get_visible() and t.get_text():
                found.append((f"{where} text", t))
    for t in fig.texts:
        if t is not fig._suptitle and t.get_visible() and t.get_text():
            found.append(("figure text", t))
    return found


def _legends(fig) -> list[tuple[str, Legend]]:
    out = [(f"axes {i} legend", ax.get_legend()) for i, ax in enumerate(fig.axes)
           if ax.get_visible() and ax.get_legend() is not None]
    out += [("figure legend", lg) for lg in fig.legends]
    return [(name, lg) for name, lg in out if lg.get_visible()]


def _samples(line, most: int = 20000) -> np.ndarray:
    """Points every pixel or so along a line as drawn (at most ``most``), clipped to its axes."""
    ax = line.axes
    xy = line.get_transform().transform(np.column_stack(line.get_data()).astype(float))
    b = ax.bbox
    xy = np.column_stack([np.clip(xy[:, 0], b.x0, b.x1), np.clip(xy[:, 1], b.y0, b.y1)])
    good = np.isfinite(xy).all(axis=1)
    if good.sum() < 2:
        return xy[good]
    seg = np.diff(xy, axis=0)
    length = np.hypot(seg[:, 0], seg[:, 1])
    length[~(good[:-1] & good[1:])] = 0.0
    total = np.concatenate([[0.0], np.cumsum(length)])
    if total[-1] == 0:
        return xy[good][:1]
    at = np.linspace(0, total[-1], int(min(most, max(2, total[-1]))))
    i = np.clip(np.searchsorted(total, at, side="right") - 1, 0, len(seg) - 1)
    f = np.where(length[i] > 0, (at - total[i]) / np.where(length[i] > 0, length[i], 1), 0)
    pts = xy[i] + seg[i] * f[:, None]
    return pts[np.isfinite(pts).all(axis=1)]


def _curves(fig) -> list:
    """Curves: data lines (not event lines, markers or empty handles)."""
    return [line for ax in fig.axes if ax.get_visible() for line in ax.get_lines()
            if line.get_visible() and not line.get_gid() and len(line.get_xdata()) > 1]


def _inside(points: np.ndarray, box) -> np.ndarray:
    return ((points[:, 0] > box[0] + SLACK) & (points[:, 0] < box[2] - SLACK)
            & (points[:, 1] > box[1] + SLACK) & (points[:, 1] < box[3] - SLACK))


def _visible(line, samples: np.ndarray, later: list) -> bool:
    """Whether some of a line shows: dashed lines take turns with the ones they lie on;
    a solid one shows where no later solid line passes within half a line width (the later
    lines are stamped on a pixel grid, widened by that much)."""
    if line.get_linestyle() not in ("-", "solid") or not len(samples):
        return True
    radius = int(max(line.get_linewidth() * line.figure.dpi / 72 / 2, 1.0))
    w, h = int(line.figure.bbox.width) + 2, int(line.figure.bbox.height) + 2
    grid = np.zeros((w, h), dtype=bool)
    for other, pts in later:
        if other.get_linestyle() not in ("-", "solid") or not len(pts):
            continue
        ij = np.clip(np.round(pts).astype(int), 0, [w - 1, h - 1])
        grid[ij[:, 0], ij[:, 1]] = True
    if radius:
        grown = grid.copy()
        for dx in range(-radius, radius + 1):
            for dy in range(-radius, radius + 1):
                grown |= np.roll(np.roll(grid, dx, axis=0), dy, axis=1)
        grid = grown
    ij = np.clip(np.round(samples).astype(int), 0, [w - 1, h - 1])
    return bool((~grid[ij[:, 0], ij[:, 1]]).mean() > 0.01)


def problems(fig, name: str) -> list[str]:
    """Every geometric defect of ``fig``, one sentence each, naming ``name`` and the artists."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out: list[str] = []
    W, H = fig.bbox.width, fig.bbox.height
    texts = _texts(fig)
    legends = _legends(fig)
    boxes = [(n, repr(t.get_text()), _box(t, renderer)) for n, t in texts]
    boxes += [(n, "", _box(lg, renderer)) for n, lg in legends]
    # inside legends: their own texts
    for n, lg in legends:
        for t in [*lg.get_texts(), lg.get_title()]:
            if t.get_text():
                boxes.append((f"{n} entry", repr(t.get_text()), _box(t, renderer)))
    for n, text, b in boxes:
        if b[0] < -SLACK or b[1] < -SLACK or b[2] > W + SLACK or b[3] > H + SLACK:
            out.append(f"{name}: {n} {text} reaches outside the figure ({_fmt(b)} of "
                       f"{W:.0f}x{H:.0f})")
    for n, t in texts + [(f"{n} entry", t) for n, lg in legends for t in lg.get_texts()]:
        s = t.get_text()
        if n.endswith("tick label") and "$" in s and not t._parse_math:
            out.append(f"{name}: {n} {s!r} shows raw mathtext")
        if "mathdefault" in s and not t._parse_math:
            out.append(f"{name}: {n} {s!r} shows raw mathtext")
    solo = [(n, s, b) for n, s, b in boxes if not n.endswith(" entry")]
    for i, (n1, s1, b1) in enumerate(solo):
        for n2, s2, b2 in solo[i + 1:]:
            if _overlap(b1, b2):
                out.append(f"{name}: {n1} {s1} overlaps {n2} {s2}")
    # axes keep their share of the grid
    for i, ax in enumerate(fig.axes):
        spec = ax.get_subplotspec()
        if not ax.get_visible() or spec is None:
            continue
        grid = spec.get_gridspec()
        share_w, share_h = W / grid.ncols, H / grid.nrows
        if ax.bbox.width < SHARE * share_w or ax.bbox.height < SHARE * share_h:
            out.append(f"{name}: axes {i} collapsed to {ax.bbox.width:.0f}x"
                       f"{ax.bbox.height:.0f} px of a {share_w:.0f}x{share_h:.0f} share")
    # boxes over curves
    curves = _curves(fig)
    samples = {id(line): _samples(line) for line in curves}
    covers = [(n, _box(lg, renderer)) for n, lg in legends]
    covers += [(f"{n} {t.get_text()!r}", _box(t, renderer)) for n, t in texts
               if t.get_gid() in _LABEL_GIDS]
    for n, b in covers:
        for line in curves:
            pts = samples[id(line)]
            if len(pts) and _inside(pts, b).mean() > COVER:
                out.append(f"{name}: {n} hides {_inside(pts, b).mean():.0%} of curve "
                           f"{line.get_label()!r}")
    # every legend entry's curve can be found
    for n, lg in legends:
        for t in lg.get_texts():
            label = t.get_text()
            lines = [line for line in curves if line.get_label() == label]
            for line in lines:
                ax_lines = [c for c in curves if c.axes is line.axes]
                later = [(c, samples[id(c)]) for c in ax_lines[ax_lines.index(line) + 1:]]
                if not _visible(line, samples[id(line)], later):
                    out.append(f"{name}: {n} entry {label!r}: its curve is drawn over")
    return out


def _fmt(b) -> str:
    return "(" + ", ".join(f"{v:.0f}" for v in b) + ")"
