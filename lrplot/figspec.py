"""The validated figure: a :class:`FigureSpec` holds panels, a :class:`Panel` holds curves, a
:class:`Curve` is one fully resolved schedule (kind, every parameter, base_lr, steps, label).

These are frozen values. :mod:`lrplot.spec` builds them (from flags, YAML or a mapping) and is the
only place that checks them; what reads them (compute, lint, the renderers and writers) trusts
them. They hold no numbers: :mod:`lrplot.compute` evaluates a curve (``compute.values(curve)``,
``compute.chunks(curve)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from lrplot.params import format_value
from lrplot.schedules import Kind


@dataclass(frozen=True)
class Curve:
    kind: Kind
    params: Mapping[str, Any]  # every parameter of the kind, by framework name
    base_lr: float
    steps: int
    label: str
    origin: tuple = field(default=(), compare=False)  # key path of the curve in its YAML config
    auto_steps: bool = field(default=False, compare=False)  # steps is the default horizon
    where: str = field(default="", compare=False)  # location named by evaluation errors
    extras: tuple[str, ...] = field(default=(), compare=False)  # e.g. ("momentum",): also drawn
    steps_per_epoch: int | None = None  # iterations per epoch (x axis and steps in iterations)
    interval: str = "step"  # the training loop steps the scheduler every "step" or "epoch"
    lint_ignore: tuple[str, ...] = field(default=(), compare=False)  # acknowledged lint rules

    @property
    def scheduler_steps(self) -> int:
        """How many values the scheduler itself produces: ``steps``, or one per epoch when it is
        stepped once per epoch."""
        if self.interval == "epoch" and self.steps_per_epoch:
            return -(-self.steps // self.steps_per_epoch)
        return self.steps

    @property
    def schedule(self) -> dict[str, Any]:
        """The fully resolved schedule, as written to JSON output."""
        from lrplot.schedules import to_data

        params = {k: to_data(v) for k, v in self.params.items()}
        loop = {"steps_per_epoch": self.steps_per_epoch, "interval": self.interval} \
            if self.steps_per_epoch and "steps_per_epoch" not in params else {}
        return {"type": self.kind.name, **params, "base_lr": self.base_lr, **loop}

    @property
    def repeat(self) -> int:
        """Iterations each scheduler value holds: ``steps_per_epoch`` when the scheduler is
        stepped once per epoch, else 1."""
        return self.steps_per_epoch if self.interval == "epoch" and self.steps_per_epoch else 1


@dataclass(frozen=True)
class Panel:
    title: str | None
    curves: tuple[Curve, ...]


@dataclass(frozen=True)
class FigureSpec:
    title: str | None
    panels: tuple[Panel, ...]
    log_y: bool = False
    notes: tuple[str, ...] = field(default=())  # e.g. which horizon was chosen, and why
    annotate: bool = False  # mark milestones, phase boundaries, peak/min/final (lrplot.annotate)

    @property
    def curves(self) -> list[Curve]:
        return [c for p in self.panels for c in p.curves]

    def input_files(self) -> list[str]:
        """The files the figure reads besides its config: data curves' CSVs and path
        parameters (a plateau's metric file)."""
        found = []
        for curve in self.curves:
            if curve.kind.framework == "data":
                found.append(curve.params["path"])
            found += [curve.params[p.name] for p in curve.kind.params
                      if p.type == "path" and curve.params.get(p.name)]
        return [f for f in found if isinstance(f, str)]


def describe(kind: Kind, params: Mapping[str, Any]) -> str:
    """``StepLR(step_size=50, gamma=0.5)``: the parameters that differ from their defaults
    (and the required ones), as a user would write the constructor call."""
    defaults = kind.defaults()
    inner = ", ".join(f"{name}={format_value(v)}" for name, v in params.items()
                      if name not in defaults or defaults[name] != v)
    text = f"{kind.framework_class}({inner})"
    return text if len(text) <= _AUTO_LABEL else text[:_AUTO_LABEL - 4] + "...)"


_AUTO_LABEL = 1000
"""Longest generated label (40,000 milestones would otherwise make one that takes minutes to
draw); one a user writes is refused over ``LRPLOT_MAX_TEXT`` instead."""
