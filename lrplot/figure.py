"""The Figure that :func:`lrplot.plot` returns: a matplotlib Figure that shows itself.

lrplot draws with matplotlib's object API (:mod:`lrplot.render`), never through pyplot, so a
figure it returns is nobody's window and no notebook's output until it says how to show itself:

- in Jupyter (a fresh kernel, no ``%matplotlib``, no pyplot), the figure as the last expression
  of a cell or passed to ``display()`` shows as a PNG (``_repr_png_``), drawn exactly as
  ``lrplot.save`` draws it;
- ``fig.show()`` hands the figure to pyplot and shows it with the active backend — a window in
  a script, inline in a notebook — where matplotlib's own ``Figure.show`` raises for a figure
  pyplot does not manage;
- when the user works with pyplot (``matplotlib.pyplot`` is imported), :func:`adopt` hands the
  figure to pyplot at once, so ``plt.show()``, ``plt.gcf()`` and a notebook's end-of-cell display
  treat it like any figure of theirs. Shown by the cell's output, it is then closed, so pyplot
  does not show it a second time.

Handing a figure to pyplot is ``pyplot.figure(fig)`` (matplotlib 3.10 and later); with an
older matplotlib the figure stays an object-API figure (its PNG repr and ``savefig`` work).
"""

from __future__ import annotations

import io
import sys
from typing import Any

import matplotlib
from matplotlib.figure import Figure as _MplFigure


class Figure(_MplFigure):
    """A matplotlib Figure drawn by lrplot, which shows itself in notebooks and with ``show()``."""

    def _repr_png_(self) -> bytes:
        from lrplot import render

        buffer = io.BytesIO()
        render.save(self, buffer, "png")
        return buffer.getvalue()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display({"image/png": self._repr_png_(), "text/plain": repr(self)}, raw=True)
        if _managed(self):  # shown here: pyplot's end-of-cell display must not show it again
            import matplotlib.pyplot as plt

            plt.close(self)

    def show(self, warn: bool = True, **kwargs: Any) -> None:  # type: ignore[override]
        """Show the figure with pyplot's active backend (a window, or inline in a notebook).

        Keyword arguments go to ``pyplot.show`` (``block=False``)."""
        import matplotlib.pyplot as plt

        if not _managed(self) and not adopt(self, force=True):
            if warn:
                import warnings

                warnings.warn("lrplot could not hand this figure to pyplot; use fig.savefig() "
                              "or display(fig)", stacklevel=2)
            return
        plt.figure(self)  # the figure to show is the active one
        plt.show(**kwargs)


def _managed(fig: _MplFigure) -> bool:
    return getattr(fig.canvas, "manager", None) is not None


def adopt(fig: _MplFigure, force: bool = False) -> bool:
    """Hand ``fig`` to pyplot, as if ``pyplot.figure()`` had made it, when the user works with
    pyplot (``matplotlib.pyplot`` imported) or ``force``; True when pyplot manages it."""
    if _managed(fig):
        return True
    if not force and "matplotlib.pyplot" not in sys.modules:
        return False
    import matplotlib.pyplot as plt

    try:
        plt.figure(fig)  # matplotlib >= 3.10 adopts a figure that pyplot does not manage
    except (ValueError, TypeError):  # an older matplotlib: it stays an object-API figure
        return False
    if _managed(fig) and matplotlib.is_interactive():
        plt.draw_if_interactive()  # what pyplot.figure() does: a notebook shows it at cell end
    return _managed(fig)
