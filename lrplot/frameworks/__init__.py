"""One folder per framework whose schedules lrplot computes.

``lrplot/frameworks/<folder>/``:

- ``__init__.py`` declares the :class:`~lrplot.schedules.Framework` and imports ``kinds``;
- ``kinds.py`` declares each kind (parameters, checks, horizon, lint floor, annotation events)
  and imports no numpy, so ``lrplot --help`` and ``lrplot list`` stay fast;
- ``kernels.py`` computes the series with numpy (imported when a kind is evaluated; kernels
  import no declarations);
- ``code.py`` writes the runnable script of ``lrplot code`` (when the framework has one).

The registry (:mod:`lrplot.schedules`) finds the folders by listing this directory; see
CONTRIBUTING.md for adding one.
"""
