"""Validated figure specifications, built from YAML mappings or from command-line flags.

Builds the frozen model of :mod:`lrplot.figspec` (a :class:`FigureSpec` holds panels, a panel
holds curves, a :class:`Curve` is one fully resolved schedule; re-exported here). Building one
collects *every* problem with its location (``file:line:col`` or the flag) and raises them
together as a :class:`SpecError`. Nothing here knows about click or matplotlib, and nothing
here computes a value (:mod:`lrplot.compute` does).

The package, by job:

- :mod:`lrplot.spec.flags` — a one-panel figure from command-line flags (``from_flags``);
- :mod:`lrplot.spec.document` — a figure from a YAML document or a mapping (``from_document``,
  ``from_mapping``), checking the keys declared in :mod:`lrplot.configkeys`;
- :mod:`lrplot.spec.drafts` — curves before their steps are known, and the default horizon
  that turns them into curves;
- :mod:`lrplot.spec.report` — collecting located problems, and the caps of
  :mod:`lrplot.limits` as problems.

Both ways of writing a curve resolve its parameters in :mod:`lrplot.resolve`, as a composite's
child schedules (:mod:`lrplot.composites`) do.
"""

from __future__ import annotations

from lrplot.composites import INVALID, child_refusal, convert_value
from lrplot.configkeys import (BY_NAME, CASCADING_KEYS, CURVE_KEYS, FIGURE_KEYS, LOOP_KEYS,
                               PANEL_KEYS, SERIES)
from lrplot.figspec import Curve, FigureSpec, Panel, describe
from lrplot.problems import Problem, SpecError
from lrplot.spec.document import from_document, from_mapping
from lrplot.spec.drafts import extras_of
from lrplot.spec.flags import from_flags

__all__ = ["BY_NAME", "CASCADING_KEYS", "CURVE_KEYS", "FIGURE_KEYS", "INVALID", "LOOP_KEYS",
           "PANEL_KEYS", "SERIES", "Curve", "FigureSpec", "Panel", "Problem", "SpecError",
           "child_refusal", "convert_value", "describe", "extras_of", "from_document",
           "from_flags", "from_mapping"]
