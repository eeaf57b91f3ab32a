"""Curves before their steps are known: a :class:`Draft` is a resolved curve whose ``steps`` may
still default to the longest horizon of its panel; :func:`finish` turns a panel's drafts into
:class:`~lrplot.figspec.Curve` objects. Also which extra series (momentum, metric) a curve
computes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from lrplot.figspec import Curve
from lrplot.inputs import printable
from lrplot.schedules import Kind


@dataclass
class Draft:
    """A curve before its steps are known (they may default to the panel's horizon)."""

    kind: Kind
    params: dict[str, Any]
    base_lr: float
    steps: int | None
    label: str
    origin: tuple = ()
    extras: tuple[str, ...] = ()  # series besides the lr to compute ("momentum", "metric")
    steps_per_epoch: int | None = None
    interval: str = "step"
    lint_ignore: tuple[str, ...] = ()

    @property
    def repeat(self) -> int:
        return self.steps_per_epoch if self.interval == "epoch" and self.steps_per_epoch else 1


def horizon(kind: Kind, params: Mapping[str, Any]) -> tuple[int, str]:
    """The kind's default horizon. One too long to compute (a float overflow: timm's cycle_mul
    ** cycle_limit) is as long as can be said; the limits then ask for an explicit steps."""
    try:
        steps, reason = kind.horizon(params)
        return int(steps), reason
    except (OverflowError, ValueError, ZeroDivisionError):
        return 10**18, "a horizon too long to compute"


def finish(drafts: list[Draft], notes: list[str],
           report: Callable[[Draft, str], None] | None = None,
           locate: Callable[[Draft], str] | None = None) -> tuple[Curve, ...]:
    """Give curves without explicit steps the longest horizon any of them needs; ``report``
    hears of each curve that cannot be stepped that often (``Kind.check_steps``)."""
    auto = [d for d in drafts if d.steps is None]
    longest = 0
    for d in auto:
        steps, reason = horizon(d.kind, d.params)
        if d.repeat > 1:  # the horizon counts scheduler steps, here one per epoch
            steps, reason = steps * d.repeat, f"{reason}, in epochs of {d.repeat} steps"
        if steps > longest:
            longest, why = steps, reason
    if auto:
        notes.append(f"steps: {longest} ({why}; set steps to change)")
    curves = tuple(Curve(d.kind, d.params, d.base_lr, d.steps or longest, printable(d.label),
                         d.origin,
                         d.steps is None, locate(d) if locate else "", d.extras,
                         d.steps_per_epoch, d.interval, d.lint_ignore)
                   for d in drafts)
    for d, c in zip(drafts, curves):
        message = c.kind.check_steps(c.params, c.scheduler_steps)
        if message and report:
            per_epoch = f" (scheduler steps: one per epoch of {d.repeat})" if d.repeat > 1 else ""
            report(d, f"{c.scheduler_steps}{per_epoch} {message}")
    return curves


EXTRA_SOURCES = {
    "momentum": "only cyclic and onecycle (with cycle_momentum), or a composite with one of "
                "them, change the momentum",
    "metric": "only plateau has a metric",
    "weight_decay": "only megatron.param_scheduler schedules the weight decay",
}
"""Which kinds compute each extra series: said when a curve is asked for one it has not."""


def no_extra(kind: Kind, name: str) -> str:
    return f"{kind.name} does not compute the {name} with these parameters; " \
           f"{EXTRA_SOURCES[name]}"


def extras_of(kind: Kind, params: Mapping[str, Any], wanted: Sequence[str]) -> tuple[str, ...]:
    """The series besides the lr that are asked for and that this curve computes."""
    computed = kind.extras(params)
    return tuple(name for name in wanted if name != "lr" and name in computed)
