"""Evaluate a figure specification into numbers: one :class:`Series` per curve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lrplot.spec import FigureSpec


@dataclass(frozen=True)
class Series:
    label: str
    schedule: dict[str, Any]  # the fully resolved schedule: type, parameters, base_lr
    lr: np.ndarray


@dataclass(frozen=True)
class PanelSeries:
    title: str | None
    series: tuple[Series, ...]
    annotate: bool = False  # draw lrplot.annotate's marks on this panel


def compute(spec: FigureSpec) -> list[PanelSeries]:
    return [
        PanelSeries(panel.title, tuple(Series(c.label, c.schedule, c.lr()) for c in panel.curves),
                    spec.annotate)
        for panel in spec.panels
    ]
