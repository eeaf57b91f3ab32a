"""Composite schedules: the child schedules of torch's SequentialLR and ChainedScheduler (and of
other frameworks' joins), and the parameter values that need the registry or the file system to
convert (a ``schedulers`` list, a ``path``).

A child is a mapping like a curve, without what belongs to the whole curve (steps, label,
sweeps); it is checked by :mod:`lrplot.resolve` like every curve. A child of the curve's own
ChainedScheduler may say how often the training loop steps it (``interval: step|epoch``,
:func:`loop_children`): the children are then separate schedulers on one optimizer, a warm-up
stepped every iteration and a MultiStepLR every epoch, as mmdetection's standard schedule.
"""

from __future__ import annotations

from typing import Any, Callable

from lrplot import schedules
from dataclasses import replace

from lrplot.configkeys import BY_NAME, CURVE_KEYS, KeyValueError
from lrplot.params import COMMON_PARAMS, Param, ParamError, describe_value
from lrplot.resolve import resolve_params
from lrplot.schedules import Kind

BASE_LR = COMMON_PARAMS[1]


def _near(word: str, options: Any) -> str:
    from lrplot.suggest import hint

    return hint(word, options)


INVALID: Any = object()
"""Returned by the converters below after they reported a problem."""

CHILD_KEYS = ("type",)


def convert_value(p: Param, raw: Any, path: tuple, error: Callable[[tuple, str], None],
                  base_dir: str = "", nested: bool = False) -> Any:
    """``p.convert(raw)``, plus what needs the registry or the file system: a ``schedulers``
    list becomes :class:`~lrplot.schedules.Child` objects (validated recursively), a ``path``
    is resolved relative to ``base_dir`` (the config's directory) and must exist. Problems go
    to ``error(path, message)``; the result is then :data:`INVALID`."""
    import os

    if p.type == "schedulers":
        return _children(raw, path, error, base_dir, p.child_kinds, nested)
    try:
        value = p.convert(raw)
    except ParamError as exc:
        error(path, str(exc))
        return INVALID
    if p.type == "path" and value is not None:
        from lrplot import inputs

        full = value if os.path.isabs(value) else os.path.join(base_dir, value)
        refusal = inputs.regular_problem(full)
        if refusal:
            error(path, refusal)
            return INVALID
        if not os.path.isfile(full):
            where = f" (relative to {base_dir})" if base_dir and not os.path.isabs(value) else ""
            error(path, f"no such file: {value!r}{where}")
            return INVALID
        return os.path.normpath(full)
    return value


def child_refusal(kind: Kind, child_kinds: str = "") -> str | None:
    """Why ``kind`` cannot be a child schedule of a composite, or None when it can be one
    (the JSON Schema of configs uses this too)."""
    if kind.refused_as_child:
        return kind.refused_as_child
    if child_kinds:  # another framework's composite: its own kinds (Param.child_kinds)
        if "." in child_kinds:
            return None if kind.name == child_kinds else f"the schedules here are {child_kinds}"
        return None if kind.framework == child_kinds else \
            f"only {child_kinds} schedules can be joined here"
    if kind.framework != "torch":
        return "only torch schedulers share an optimizer this way"
    return None


def _children(raw: Any, path: tuple, error: Callable[[tuple, str], None],
              base_dir: str, child_kinds: str = "", nested: bool = False) -> Any:
    if not isinstance(raw, (list, tuple)) or not raw:
        error(path, "expected a non-empty list of schedules (mappings with a type and its "
                    f"parameters), got {describe_value(raw)}")
        return INVALID
    children = [_child(item, path + (i,), error, base_dir, child_kinds, nested)
                for i, item in enumerate(raw)]
    return INVALID if any(c is INVALID for c in children) else tuple(children)


def _child_kind(name: str, child_kinds: str) -> Kind:
    """The kind a child's ``type`` names: among a framework's children (``child_kinds``), a
    bare class name is that framework's class (``LinearLR`` in an mmengine list, as its configs
    write it); any other bare name keeps its meaning (``cosine`` is torch's)."""
    if child_kinds and "." not in child_kinds and "." not in name:
        try:
            kind = schedules.get(f"{schedules.framework(child_kinds).namespace}.{name}")
            if kind.framework_class.lower() == name.lower():
                return kind
        except schedules.UnknownKind:
            pass
    return schedules.get(name)


def _child(item: Any, path: tuple, error: Callable[[tuple, str], None], base_dir: str,
           child_kinds: str = "", nested: bool = False) -> Any:
    from lrplot.schedules import Child

    if not isinstance(item, dict):
        error(path, f"expected a schedule (a mapping with a type and its parameters), got "
                    f"{describe_value(item)}")
        return INVALID
    if "type" not in item and "." in child_kinds:  # the one kind these children can be
        item = {"type": child_kinds, **item}
    if "type" not in item:
        error(path, "a schedule needs 'type' (one of: " + ", ".join(
            k.name for k in schedules.all_kinds() if child_refusal(k, child_kinds) is None) + ")")
        return INVALID
    try:
        kind = _child_kind(str(item["type"]), child_kinds)
    except schedules.UnknownKind as exc:
        error(path + ("type",), str(exc))
        return INVALID
    why = child_refusal(kind, child_kinds)
    if why:
        error(path + ("type",), f"{kind.name} cannot be a child schedule: {why}")
        return INVALID
    allowed = [q.key for q in kind.params] + ["type"] + (["base_lr"] if kind.own_base_lr else [])
    allowed += [] if child_kinds else ["interval"]  # torch's: stepped by the loop on its own
    params: dict[str, Any] = {}
    ok = True
    base_lr = None
    interval = None
    for key, raw in item.items():
        if key == "type":
            continue
        if key == "interval" and not child_kinds:
            try:
                interval = BY_NAME["interval"].check(raw)
            except KeyValueError as exc:
                error(path + (key,), str(exc))
                ok = False
            if nested:
                error(path + (key,), "only the children of the curve's own chained schedule "
                                     "are stepped by the training loop; a nested composite "
                                     "steps its children itself")
                ok = False
            continue
        if key == "base_lr" and kind.own_base_lr:
            try:
                base_lr = BASE_LR.convert(raw)
            except ParamError as exc:
                error(path + (key,), str(exc))
                ok = False
            continue
        p = kind.param(key)
        if p is None:
            why = f"{key} belongs to the whole curve, not to a child schedule" \
                if key in CURVE_KEYS else f"unknown parameter {key!r} for {kind.name}" \
                                          f"{_near(key, allowed)}"
            error(path + (key,), f"{why} (accepted: {', '.join(allowed)})")
            ok = False
            continue
        if p.name in params:
            error(path + (key,), f"{p.name} given twice")
            ok = False
            continue
        value = convert_value(p, raw, path + (key,), error, base_dir, nested=True)
        if value is INVALID:
            ok = False
        else:
            params[p.name] = value
    if not ok:
        return INVALID
    # a missing parameter is named at the child, a contradiction at the parameter
    resolved = resolve_params(kind, params, lambda q, m: error(path, m), (), base_lr,
                              report_check=lambda name, m: error(path + (name,), m))
    if resolved is None:
        return INVALID
    return Child(kind.name, tuple(resolved.items()), base_lr, interval)


def loop_children(kind: Kind, params: dict[str, Any], steps_per_epoch: int | None,
                  interval: str, report: Callable[[int, str], None]) -> dict[str, Any] | None:
    """The curve's parameters with the iterations per epoch given to each child stepped per
    epoch by the training loop; None after ``report(child index, message)`` when a child's
    ``interval`` cannot be: on a composite whose children are not separate schedulers
    (:attr:`~lrplot.schedules.Kind.child_intervals`), in a curve stepped once per epoch, or
    ``interval: epoch`` without ``steps_per_epoch``."""
    children = params.get("schedulers")
    if not kind.composite or not isinstance(children, tuple) or \
            not any(getattr(c, "interval", None) for c in children):
        return params
    ok = True
    for i, child in enumerate(children):
        if child.interval is None:
            continue
        if not kind.child_intervals:
            report(i, f"{kind.framework_class} steps its children itself, one at a time; for "
                      "schedulers the training loop steps at different intervals (a warm-up "
                      "every iteration, then MultiStepLR every epoch) use chained, whose "
                      "children may each have an interval")
        elif interval == "epoch":
            report(i, "a child's own interval needs the curve stepped every iteration: remove "
                      "the curve's interval: epoch and give the children stepped per epoch "
                      "interval: epoch")
        elif child.interval == "epoch" and not steps_per_epoch:
            report(i, "interval: epoch needs steps_per_epoch (iterations per epoch) on the "
                      "curve, its panel or the figure")
        else:
            continue
        ok = False
    if not ok:
        return None
    return {**params, "schedulers": tuple(
        replace(c, steps_per_epoch=steps_per_epoch) if c.interval == "epoch" else c
        for c in children)}
