"""lrplot: see exactly what a learning-rate schedule does.

The public API (see :mod:`lrplot.api`): :func:`schedule`, :func:`load`, :func:`series`,
:func:`plot`, :func:`save`. Attributes load lazily so that ``import lrplot`` stays cheap.
"""

from lrplot._version import __version__

__all__ = ["__version__", "load", "plot", "save", "schedule", "series"]


def __getattr__(name: str):
    if name in __all__:
        from lrplot import api

        return getattr(api, name)
    raise AttributeError(f"module 'lrplot' has no attribute {name!r}")
