"""Put each panel's legend and annotation labels where they collide with nothing.

Runs once the curves are drawn, on a figure whose layout has been computed (constrained layout
measures every text's extent; nothing is rasterized), in this order:

1. panels that draw the same curves get one legend below them all, instead of one each;
2. curves drawn over one another take turns, dashed (every legend entry can be found);
3. a legend goes to the spot inside its axes that hides the least of the curves *as drawn*
   (:mod:`lrplot.placement`), or beside the axes (below when a twin axis holds the right side)
   when no inside spot is clear — and a figure of automatic size grows by the legend's size so
   the axes keep theirs;
4. the labels of ``--annotate``: an event name over a curve, the legend or another name moves
   to the other end of the axes, then to the other side of its line, or gives way;
   peak/minimum/final labels take the nearest spot beside their point that overlaps no text
   and hides the least.

A figure with no legend and no annotation needs none of this, and pays nothing for it.
"""

from __future__ import annotations

from lrplot import annotate, figtext, placement

OUTSIDE_GAP = 6.0  # points between an axes (or its twin's tick labels) and a legend beside it


def figure(fig, axes: list, grow: bool, beside: bool = True) -> None:
    """Arrange the legends and labels of every axes of ``fig`` (``grow``: the figure's size
    is lrplot's to choose, and grows to fit legends placed outside; ``beside=False``: the
    figure is the user's (``plot(ax=...)``), whose room around the axes is not lrplot's)."""
    legends = [ax.get_legend() for ax in axes]
    labelled = [ax for ax in axes if any(t.get_gid() in (annotate.EVENT_LABEL,
                                                         annotate.POINT_LABEL)
                                         for t in ax.texts)]
    if not any(legends) and not labelled:
        return
    # 1. one shared legend
    if len(axes) > 1 and all(legends) and len({_entries(lg) for lg in legends}) == 1:
        _share_legend(fig, axes, legends, grow)
        legends = [None] * len(axes)
    # lrplot's figures have an Agg canvas; a user's (plot(ax=...)) may have a plain one
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else \
        fig._get_renderer()
    _lay_out(fig)
    for ax in axes:  # 2. curves on one another, striped
        _separate_hidden(ax)
    # 3. legends that find no clear spot inside go outside, and the figure grows for them (in
    #    a figure of the user's size, only where the axes keep most of their room)
    outside = []
    grid = axes[0].get_subplotspec() if axes else None  # None: an Axes placed by hand
    columns = grid.get_gridspec().ncols if grid else 1
    for ax, legend in zip(axes, legends):
        if legend is None:
            continue
        spot, hidden = _inside_spot(ax, legend, renderer)
        fits = grow or legend.get_window_extent(renderer).width < 0.4 * fig.bbox.width / columns
        if beside and (spot is None or hidden > placement.CLEAR) and fits:
            outside.append(_put_outside(ax, legend, renderer))
        elif spot is not None:
            # as a fraction of the axes, which keeps its share when the figure grows below
            bbox = ax.bbox
            legend.set_loc(((spot[0] - bbox.x0) / bbox.width, (spot[1] - bbox.y0) / bbox.height))
    if outside and grow:
        width, height = fig.get_size_inches()
        extra_w = max((w for side, w, h in outside if side == "right"), default=0.0)
        extra_h = max((h for side, w, h in outside), default=0.0)
        rows = axes[0].get_subplotspec().get_gridspec().nrows
        fig.set_size_inches(width + columns * extra_w / fig.dpi,
                            height + rows * extra_h / fig.dpi, forward=False)
    if outside and labelled:  # the labels are placed in pixels: on the final layout
        _lay_out(fig)
    # 4. annotation labels
    for ax in labelled:
        _arrange_labels(ax, renderer)


def _lay_out(fig) -> None:
    """Run the figure's layout engine now (a user's figure may have none)."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)


def _entries(legend) -> tuple:
    """What a legend says: its title, and each entry's label and colour."""
    return (legend.get_title().get_text(),
            *((t.get_text(), str(h.get_color()) if hasattr(h, "get_color") else "")
              for t, h in zip(legend.get_texts(), legend.legend_handles)))


def _share_legend(fig, axes, legends, grow: bool) -> None:
    """Panels that draw the same curves get one legend, below them all."""
    first = legends[0]
    handles = list(first.legend_handles)
    labels = [t.get_text() for t in first.get_texts()]
    title = first.get_title().get_text() or None
    for legend in legends:
        legend.remove()
    columns = min(len(labels), 3 if max(map(len, labels)) > 30 else 5)
    shared = fig.legend(handles, labels, loc="outside lower center", ncols=columns, title=title,
                        title_fontsize=first.get_title().get_fontsize())
    for text in shared.get_texts():
        text.set_parse_math(False)
    shared.get_title().set_parse_math(False)
    if grow:
        height = shared.get_window_extent(fig.canvas.get_renderer()).height
        width, tall = fig.get_size_inches()
        fig.set_size_inches(width, tall + height / fig.dpi, forward=False)


def _separate_hidden(ax) -> None:
    """Curves drawn over one another (the same schedule in several frameworks) take turns:
    each is dashed, its dashes in the gaps of the others', so the line shows every colour and
    every legend entry can be found in the picture."""
    lines = [line for line in ax.get_lines()
             if not line.get_gid() and line.get_visible() and len(line.get_xdata()) > 1]
    if len(lines) < 2:
        return
    width = max(line.get_linewidth() for line in lines) * ax.figure.dpi / 72
    samples = [placement.line_samples(line) for line in lines]
    for group in placement.hidden_groups(samples, cell=max(width, 1.0)):
        for k, i in enumerate(group):
            lines[i].set_linestyle(placement.interleaved_dashes(len(group), k))


def curves_of(ax) -> list[placement.Samples]:
    """Samples along every curve drawn on ``ax`` and on its twin axes (event lines, markers
    and empty legend handles are not curves)."""
    samples = []
    for a in _siblings(ax):
        for line in a.get_lines():
            if line.get_gid() or not line.get_visible() or len(line.get_xdata()) < 2:
                continue
            samples.append(placement.line_samples(line))
    return samples


def _siblings(ax) -> list:
    """``ax`` and the axes twinned with it."""
    return [ax, *(a for a in ax.figure.axes if a is not ax and a.bbox.bounds == ax.bbox.bounds
                  and a.get_shared_x_axes().joined(a, ax))]


def _extent(artist, renderer) -> tuple[float, float, float, float]:
    box = artist.get_window_extent(renderer)
    return (box.x0, box.y0, box.x1, box.y1)


def _event_boxes(ax, renderer) -> list:
    return [_extent(t, renderer) for t in ax.texts
            if t.get_gid() == annotate.EVENT_LABEL and t.get_visible()]


def _inside_spot(ax, legend, renderer):
    box = legend.get_window_extent(renderer)
    bbox = ax.bbox
    return placement.best_spot((bbox.x0, bbox.y0, bbox.x1, bbox.y1), (box.width, box.height),
                               curves_of(ax), _event_boxes(ax, renderer))


def _put_outside(ax, legend, renderer) -> tuple[str, float, float]:
    """Move a legend beside its axes (right), or below it when a twin axis uses the right
    side; returns the side and the legend's size in pixels."""
    box = legend.get_window_extent(renderer)
    twin = len(_siblings(ax)) > 1
    if twin:  # below the x tick labels and the x label
        label = _extent(ax.xaxis.label, renderer)
        below = label[3] - label[1] + 30 * ax.figure.dpi / 72
        legend.set_loc("upper center")
        legend.set_bbox_to_anchor((0.5, -below / ax.bbox.height), transform=ax.transAxes)
        if len(legend.get_texts()) > 4:
            legend.set_ncols(2)
        return "below", 0.0, box.height + below
    # past the half of the last step's label that hangs beyond the axes
    locator = ax.xaxis.get_major_locator()
    hang = 0.0
    if isinstance(locator, figtext.StepLocator):
        hang = figtext.text_width(figtext.step_text(locator.last, exact=True),
                                  ax.xaxis.get_ticklabels()[0].get_fontsize()
                                  if ax.xaxis.get_ticklabels() else 8.5) / 2
    gap = (OUTSIDE_GAP + hang) * ax.figure.dpi / 72
    room = ax.figure.bbox.height * 0.95
    if box.height > room:  # too tall for the figure: in columns
        legend.set_ncols(int(box.height // room) + 1)
        box = legend.get_window_extent(renderer)
    if box.height <= ax.bbox.height:
        legend.set_loc("upper left")
        legend.set_bbox_to_anchor((1 + gap / ax.bbox.width, 1.0), transform=ax.transAxes)
        return "right", box.width + gap, 0.0
    # taller than its axes: centred on it, and the figure grows by the difference
    legend.set_loc("center left")
    legend.set_bbox_to_anchor((1 + gap / ax.bbox.width, 0.5), transform=ax.transAxes)
    return "right", box.width + gap, box.height - ax.bbox.height


# -- annotation labels ---------------------------------------------------------------------------

def _offsets():
    """Where a label may go, in points from its point: beside it first, then further out."""
    for distance in (10, 20, 34, 50):
        for dx, dy in ((1, 0.8), (1, -1), (-1, 0.8), (-1, -1), (0, 1.6), (0, -1.6)):
            ha = "left" if dx > 0 else "right" if dx < 0 else "center"
            yield dx * distance, dy * distance, ha, "bottom" if dy > 0 else "top"


_OFFSETS = tuple(_offsets())


def _arrange_labels(ax, renderer) -> None:
    taken = []
    legend = ax.get_legend()
    if legend is not None:
        taken.append(_extent(legend, renderer))
    bbox = ax.bbox
    inside = (bbox.x0, bbox.y0, bbox.x1, bbox.y1)
    # event names, in step order: right of the line at its end of the axes, at the other end,
    # then left of the line at both ends (inside the axes: not over the y tick labels); a name
    # with no clear spot is dropped — its dotted line stays
    curves = curves_of(ax)
    for text in sorted((t for t in ax.texts if t.get_gid() == annotate.EVENT_LABEL),
                       key=lambda t: t.xy[0]):
        for attempt in range(4):
            box = _extent(text, renderer)
            if not any(placement.overlaps(box, o, pad=1.0) for o in taken) and \
                    placement.cost(box, curves) <= placement.CLEAR and \
                    (attempt < 2 or _within(box, inside)):
                taken.append(box)
                break
            _flip(text)
            if attempt == 1:
                _cross(text)
        else:
            _cross(text)  # back where it was drawn, hidden
            text.set_visible(False)
    for text in (t for t in ax.texts if t.get_gid() == annotate.POINT_LABEL):
        best, best_cost = None, None
        for dx, dy, ha, va in _OFFSETS:
            text.set_position((dx, dy))
            text.set_ha(ha)
            text.set_va(va)
            box = _extent(text, renderer)
            cost = placement.cost(box, curves, taken)
            if not _within(box, inside):
                cost += 1.0
            if best_cost is None or cost < best_cost - 1e-9:
                best, best_cost = (dx, dy, ha, va), cost
            if cost <= 0.005:  # the nearest spot that hides (almost) nothing
                break
        if best_cost > placement.CLEAR:  # no spot off the curves and the other texts: the
            text.set_visible(False)      # marker stays, its value is in lrplot stats
            continue
        dx, dy, ha, va = best
        text.set_position((dx, dy))
        text.set_ha(ha)
        text.set_va(va)
        taken.append(_extent(text, renderer))


def _flip(text) -> None:
    """Move an event name from the top of the axes to the bottom, or back."""
    x, y = text.xy
    dx, dy = text.get_position()
    text.xy = (x, 1 - y)
    text.set_position((dx, -dy))
    text.set_va("bottom" if text.get_va() == "top" else "top")


def _cross(text) -> None:
    """Move an event name to the other side of its line."""
    dx, dy = text.get_position()
    text.set_position((-dx, dy))
    text.set_ha("right" if text.get_ha() == "left" else "left")


def _within(box, area) -> bool:
    return box[0] >= area[0] and box[1] >= area[1] and box[2] <= area[2] and box[3] <= area[3]
