"""What every way of writing a curve shares once its values are converted: the kind's defaults
filled in, then the required-parameter and cross-parameter checks (:func:`resolve_params`).

Flags (:mod:`lrplot.spec.flags`), a config's curve (:mod:`lrplot.spec.document`) and a
composite's child schedule (:mod:`lrplot.composites`) each convert their own spelling of the
values, then resolve them here, so a missing parameter or a parameter that contradicts another
is refused with the same words wherever it was written.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from lrplot.figspec import describe
from lrplot.params import Param, format_value
from lrplot.schedules import Kind

Report = Callable[[Param | None, str], None]
"""``report(param, message)``: a problem with that parameter (None: the curve as a whole)."""


def resolve_params(kind: Kind, given: Mapping[str, Any], report: Report,
                   invalid: Iterable[str] = (), base_lr: float | None = None, *,
                   report_check: Callable[[str, str], None] | None = None
                   ) -> dict[str, Any] | None:
    """Every parameter of the curve, in the kind's declaration order: the values ``given`` (by
    parameter name), the defaults for the rest; None when :func:`check_params` finds a problem
    (reported). The one resolver of flags, configs and child schedules."""
    params = {p.name: given[p.name] if p.name in given else p.default for p in kind.params
              if p.name in given or not p.required}
    ok = check_params(kind, params, report, invalid, base_lr, report_check=report_check)
    return params if ok else None


def check_params(kind: Kind, params: dict[str, Any], report: Report,
                 invalid: Iterable[str] = (), base_lr: float | None = None, *,
                 report_check: Callable[[str, str], None] | None = None) -> bool:
    """Report missing required parameters and cross-parameter problems; True when all is well.

    ``invalid`` names parameters that were given but already reported as invalid. ``kind.check``
    also sees the curve's ``base_lr`` (some frameworks bound a parameter by the optimizer's lr).
    A cross-parameter problem goes to ``report_check(name, message)`` when given (a child
    schedule names the key the framework's check named), else to ``report``.
    """
    invalid = set(invalid)
    ok = not invalid
    for p in kind.params:
        if p.name not in params and p.name not in invalid:
            report(p, f"{kind.name} needs {p.name} ({p.accepted()})")
            ok = False
    if ok:
        for name, message in kind.check({"base_lr": base_lr, **params}):
            if report_check:
                report_check(name, message)
            else:
                report(kind.param(name), message)
            ok = False
    return ok


def curve_label(kind: Kind, params: Mapping[str, Any], swept: Iterable[str],
                label: str | None = None) -> str:
    """A curve's legend label: the label given, with the swept values after it; without one,
    the swept values, or else the constructor call (``StepLR(step_size=50)``)."""
    varied = ", ".join(f"{n}={format_value(params[n])}" for n in swept)
    if varied:
        return f"{label} ({varied})" if label else varied
    return label or describe(kind, params)


def group_label(label: str, group: int, base_lr: float, groups: int) -> str:
    """The label of one parameter group's curve (``base_lr: [0.1, 0.01]``: one curve each)."""
    return f"{label} [group {group}: base_lr={format_value(base_lr)}]" if groups > 1 else label
