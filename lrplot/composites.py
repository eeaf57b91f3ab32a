"""Composite schedules: the child schedules of torch's SequentialLR and ChainedScheduler (and of
other frameworks' joins), and the parameter values that need the registry or the file system to
convert (a ``schedulers`` list, a ``path``).

A child is a mapping like a curve, without what belongs to the whole curve (steps, label,
sweeps); it is checked by :mod:`lrplot.resolve` like every curve.
"""

from __future__ import annotations

from typing import Any, Callable

from lrplot import schedules
from lrplot.configkeys import CURVE_KEYS
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
                  base_dir: str = "") -> Any:
    """``p.convert(raw)``, plus what needs the registry or the file system: a ``schedulers``
    list becomes :class:`~lrplot.schedules.Child` objects (validated recursively), a ``path``
    is resolved relative to ``base_dir`` (the config's directory) and must exist. Problems go
    to ``error(path, message)``; the result is then :data:`INVALID`."""
    import os

    if p.type == "schedulers":
        return _children(raw, path, error, base_dir, p.child_kinds)
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
              base_dir: str, child_kinds: str = "") -> Any:
    if not isinstance(raw, (list, tuple)) or not raw:
        error(path, "expected a non-empty list of schedules (mappings with a type and its "
                    f"parameters), got {describe_value(raw)}")
        return INVALID
    children = [_child(item, path + (i,), error, base_dir, child_kinds)
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
           child_kinds: str = "") -> Any:
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
    params: dict[str, Any] = {}
    ok = True
    base_lr = None
    for key, raw in item.items():
        if key == "type":
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
        value = convert_value(p, raw, path + (key,), error, base_dir)
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
    return Child(kind.name, tuple(resolved.items()), base_lr)
