"""What a drawn figure's look depends on besides its spec: the renderer draws with these, and
the stamp (:func:`lrplot.output.stamp`) records them without importing the renderer (and so
matplotlib)."""

RENDER_STYLE_VERSION = 2
"""Bump whenever the look changes (style file, sizes, what is drawn): images stamped with an older
version are stale to ``lrplot gallery --check``."""

DEFAULT_DPI = 150
