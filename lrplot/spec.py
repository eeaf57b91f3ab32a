"""Validated figure specifications, built from YAML mappings or from command-line flags.

A :class:`FigureSpec` holds panels, a panel holds curves, a :class:`Curve` is one fully resolved
schedule (kind, every parameter, base_lr, steps, label). Building one collects *every* problem
with its location (``file:line:col`` or the flag) and raises them together as a
:class:`SpecError`. Nothing here knows about click or matplotlib.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from lrplot import schedules
from lrplot.params import COMMON_PARAMS, ParamError, describe_value, format_value
from lrplot.schedules import Kind

if TYPE_CHECKING:
    import numpy as np

    from lrplot.yamlio import Document

STEPS, BASE_LR = COMMON_PARAMS


@dataclass(frozen=True)
class Problem:
    where: str  # "file:line:col" or "--flag"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class SpecError(ValueError):
    """One or more problems in a figure specification, each with its location."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Curve:
    kind: Kind
    params: Mapping[str, Any]  # every parameter of the kind, by framework name
    base_lr: float
    steps: int
    label: str
    origin: tuple = field(default=(), compare=False)  # key path of the curve in its YAML config
    auto_steps: bool = field(default=False, compare=False)  # steps is the default horizon

    @property
    def schedule(self) -> dict[str, Any]:
        """The fully resolved schedule, as written to JSON output."""
        params = {k: list(v) if isinstance(v, tuple) else v for k, v in self.params.items()}
        return {"type": self.kind.name, **params, "base_lr": self.base_lr}

    def lr(self) -> np.ndarray:
        return self.kind.evaluate(self.steps, self.base_lr, self.params)


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


def describe(kind: Kind, params: Mapping[str, Any]) -> str:
    """``StepLR(step_size=50, gamma=0.5)``."""
    inner = ", ".join(f"{name}={format_value(v)}" for name, v in params.items())
    return f"{kind.framework_class}({inner})"


# -- shared machinery ---------------------------------------------------------------------------


class _Collector:
    """Collects problems; ``where(path)`` turns a key path into a location string."""

    def __init__(self, where: Any):
        self.problems: list[Problem] = []
        self.where = where

    def add(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.where(path), message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise SpecError(self.problems)


def _key_path(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _near(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


@dataclass
class _Draft:
    """A curve before its steps are known (they may default to the panel's horizon)."""

    kind: Kind
    params: dict[str, Any]
    base_lr: float
    steps: int | None
    label: str
    origin: tuple = ()


def _finish(drafts: list[_Draft], notes: list[str]) -> tuple[Curve, ...]:
    """Give curves without explicit steps the longest horizon any of them needs."""
    auto = [d for d in drafts if d.steps is None]
    horizon = 0
    for d in auto:
        steps, reason = d.kind.horizon(d.params)
        if steps > horizon:
            horizon, why = steps, reason
    if auto:
        notes.append(f"steps: {horizon} ({why}; set steps to change)")
    return tuple(Curve(d.kind, d.params, d.base_lr, d.steps or horizon, d.label, d.origin,
                       d.steps is None) for d in drafts)


def _check_params(kind: Kind, params: dict[str, Any], report: Any,
                  invalid: Iterable[str] = (), base_lr: float | None = None) -> bool:
    """Report missing required parameters and cross-parameter problems; True when all is well.

    ``invalid`` names parameters that were given but already reported as invalid. ``kind.check``
    also sees the curve's ``base_lr`` (some frameworks bound a parameter by the optimizer's lr).
    """
    ok = not invalid
    for p in kind.params:
        if p.name not in params and p.name not in invalid:
            report(p, f"{kind.name} needs {p.name} ({p.accepted()})")
            ok = False
    if ok:
        for name, message in kind.check({"base_lr": base_lr, **params}):
            report(kind.param(name), message)
            ok = False
    return ok


# -- from command-line flags ------------------------------------------------------------------


def from_flags(kind_name: str, values: Mapping[str, Sequence[str]], *, steps: int | None = None,
               base_lr: float = 0.1, title: str | None = None, log_y: bool = False) -> FigureSpec:
    """Build a one-panel figure from raw flag values (``{"gamma": ["0.9,0.95"]}``).

    A scalar flag given several values (repeated, or as a comma list) sweeps them; a list
    parameter takes a comma list per occurrence. Several swept flags give their product.
    """
    kind = schedules.get(kind_name)
    problems = _Collector(lambda path: path[0])
    choices: dict[str, list[Any]] = {}
    invalid = set()
    for p in kind.params:
        raw = values.get(p.name) or ()
        parsed: list[Any] = []
        for text in raw:
            pieces = [text] if p.is_list else [t for t in text.split(",") if t.strip()] or [text]
            for piece in pieces:
                try:
                    parsed.append(p.parse(piece))
                except ParamError as exc:
                    problems.add((p.flag,), str(exc))
                    invalid.add(p.name)
        if parsed:
            choices[p.name] = list(dict.fromkeys(parsed))
        elif not p.required:
            choices[p.name] = [p.default]
    for name, value in (("--steps", steps), ("--base-lr", base_lr)):
        param = STEPS if name == "--steps" else BASE_LR
        if value is not None:
            try:
                param.convert(value)
            except ParamError as exc:
                problems.add((name,), str(exc))
    report = lambda p, message: problems.add((p.flag,), message)  # noqa: E731
    swept = [name for name, options in choices.items() if len(options) > 1]
    drafts = []
    for combo in itertools.product(*choices.values()):
        params = dict(zip(choices, combo))
        if not _check_params(kind, params, report, invalid, base_lr):
            break
        label = ", ".join(f"{n}={format_value(params[n])}" for n in swept) or describe(kind, params)
        drafts.append(_Draft(kind, params, base_lr, steps, label))
    problems.raise_if_any()
    fixed = {n: choices[n][0] for n in choices if n not in swept}
    notes: list[str] = []
    curves = _finish(drafts, notes)
    default_title = describe(kind, fixed) if swept else describe(kind, drafts[0].params)
    return FigureSpec(title or default_title, (Panel(None, curves),), log_y, tuple(notes))


# -- from a YAML document ----------------------------------------------------------------------

FIGURE_KEYS = ("title", "steps", "base_lr", "log_y", "panels", "curves")
PANEL_KEYS = ("title", "steps", "base_lr", "curves")
CURVE_KEYS = ("type", "label", "steps", "base_lr", "sweep")


def from_document(doc: Document) -> FigureSpec:
    """Build a figure from a loaded YAML document; every problem is reported with its mark."""
    def where(path: tuple) -> str:
        mark = doc.mark(path)
        return ": ".join(str(part) for part in (mark, _key_path(path)) if part)

    problems = _Collector(where)
    builder = _DocumentBuilder(doc, problems)
    figure = builder.figure()
    problems.raise_if_any()
    return figure


def from_mapping(data: Mapping[str, Any], name: str = "<mapping>") -> FigureSpec:
    """Build a figure from a plain mapping (the same structure as a YAML config)."""
    from lrplot.yamlio import Document

    return from_document(Document(data, {}, name))


class _DocumentBuilder:
    def __init__(self, doc: Document, problems: _Collector):
        self.doc = doc
        self.problems = problems
        self.notes: list[str] = []

    def error(self, path: tuple, message: str) -> None:
        self.problems.add(path, message)

    def mapping(self, value: Any, path: tuple, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.error(path, f"expected a mapping ({what}), got {describe_value(value)}")
            return {}
        return value

    def unknown_keys(self, data: dict, path: tuple, allowed: Sequence[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                self.error(path + (key,), f"unknown key {key!r} in {what}{_near(key, allowed)}"
                           f" (accepted: {', '.join(allowed)})")

    def common(self, data: dict, path: tuple, inherited: dict[str, Any]) -> dict[str, Any]:
        """steps / base_lr / log_y at this level, over what the level above set."""
        result = dict(inherited)
        for param in COMMON_PARAMS:
            if param.name in data:
                try:
                    result[param.name] = param.convert(data[param.name])
                except ParamError as exc:
                    self.error(path + (param.name,), str(exc))
        return result

    def figure(self) -> FigureSpec:
        data = self.mapping(self.doc.data, (), "a figure with panels or curves")
        self.unknown_keys(data, (), FIGURE_KEYS, "the figure")
        title = self.text(data, (), "title")
        log_y = data.get("log_y", False)
        if not isinstance(log_y, bool):
            self.error(("log_y",), f"expected true or false, got {describe_value(log_y)}")
        defaults = self.common(data, (), {"steps": None, "base_lr": BASE_LR.default})
        if ("panels" in data) == ("curves" in data):
            self.error((), "a figure needs exactly one of 'panels' (a list of panels) or "
                           "'curves' (a list of curves, for a one-panel figure)")
            return FigureSpec(title, ())
        if "curves" in data:
            panels = [self.panel({"curves": data["curves"]}, (), defaults, top=True)]
        else:
            items = self.sequence(data["panels"], ("panels",), "panels")
            panels = [self.panel(p, ("panels", i), defaults) for i, p in enumerate(items)]
        return FigureSpec(title, tuple(panels), bool(log_y), tuple(dict.fromkeys(self.notes)))

    def text(self, data: dict, path: tuple, key: str) -> str | None:
        value = data.get(key)
        if value is not None and not isinstance(value, (str, int, float)):
            self.error(path + (key,), f"expected text, got {describe_value(value)}")
            return None
        return None if value is None else str(value)

    def sequence(self, value: Any, path: tuple, what: str) -> list:
        if not isinstance(value, list) or not value:
            self.error(path, f"expected a non-empty list of {what}, got {describe_value(value)}")
            return []
        return value

    def panel(self, value: Any, path: tuple, inherited: dict, top: bool = False) -> Panel:
        data = self.mapping(value, path, "a panel: title and curves")
        if not top:
            self.unknown_keys(data, path, PANEL_KEYS, "a panel")
        defaults = self.common(data, path, inherited)
        if "curves" not in data and data:
            self.error(path, "a panel needs 'curves' (a list of curves)")
        items = self.sequence(data.get("curves"), path + ("curves",), "curves") if data else []
        drafts = []
        for i, item in enumerate(items):
            drafts.extend(self.curve(item, path + ("curves", i), defaults))
        title = self.text(data, path, "title")
        if title is None and drafts and len({d.kind for d in drafts}) == 1:
            title = drafts[0].kind.framework_class
        return Panel(title, _finish(drafts, self.notes))

    def curve(self, value: Any, path: tuple, inherited: dict) -> list[_Draft]:
        data = self.mapping(value, path, "a curve: type and parameters")
        if not data:
            return []
        kind = self.kind(data, path)
        if kind is None:
            return []
        defaults = self.common(data, path, inherited)
        keys_by_name = {}
        params: dict[str, Any] = {}
        invalid = set()
        for key, raw in data.items():
            if key in CURVE_KEYS:
                continue
            p = kind.param(key)
            if p is None:
                accepted = [q.key for q in kind.params] + list(CURVE_KEYS)
                self.error(path + (key,), f"unknown parameter {key!r} for {kind.name}"
                           f"{_near(key, accepted)} (accepted: {', '.join(accepted)})")
                continue
            if p.name in keys_by_name:
                self.error(path + (key,), f"{p.name} given twice (as {keys_by_name[p.name]!r} "
                                          f"and {key!r})")
                continue
            keys_by_name[p.name] = key
            try:
                params[p.name] = p.convert(raw)
            except ParamError as exc:
                self.error(path + (key,), str(exc))
                invalid.add(p.name)
        sweep = self.sweep(data.get("sweep"), path + ("sweep",), kind, keys_by_name, invalid)
        for p in kind.params:
            if p.name not in params and p.name not in sweep and not p.required:
                params[p.name] = p.default
        label = self.text(data, path, "label")
        drafts = []
        for combo in itertools.product(*sweep.values()):
            full = {p.name: params.get(p.name) for p in kind.params if p.name in params}
            full.update(zip(sweep, combo))
            full = {p.name: full[p.name] for p in kind.params if p.name in full}
            report = lambda q, m: self.error(  # noqa: E731
                path + (keys_by_name.get(q.name, q.key) if q else "type",), m)
            if not _check_params(kind, full, report, invalid, defaults["base_lr"]):
                return []
            varied = ", ".join(f"{n}={format_value(full[n])}" for n in sweep)
            if varied:
                text = f"{label} ({varied})" if label else varied
            else:
                text = label or describe(kind, full)
            drafts.append(_Draft(kind, full, defaults["base_lr"], defaults["steps"], text, path))
        return drafts

    def kind(self, data: dict, path: tuple) -> Kind | None:
        if "type" not in data:
            self.error(path, "a curve needs 'type' (one of: "
                             + ", ".join(k.name for k in schedules.all_kinds()) + ")")
            return None
        try:
            return schedules.get(str(data["type"]))
        except schedules.UnknownKind as exc:
            self.error(path + ("type",), str(exc))
            return None

    def sweep(self, value: Any, path: tuple, kind: Kind, given: dict,
              invalid: set[str]) -> dict[str, list]:
        if value is None:
            return {}
        if not isinstance(value, dict) or not value:
            self.error(path, f"expected a mapping of parameter to list of values, "
                             f"got {describe_value(value)}")
            return {}
        result: dict[str, list] = {}
        for key, options in value.items():
            p = kind.param(key)
            if p is None:
                accepted = [q.key for q in kind.params]
                self.error(path + (key,), f"cannot sweep {key!r}: not a parameter of "
                                          f"{kind.name}{_near(key, accepted)} "
                                          f"(accepted: {', '.join(accepted)})")
                continue
            if p.name in given:
                self.error(path + (key,), f"{p.name} is both set and swept; remove one")
                continue
            if not isinstance(options, list) or not options:
                self.error(path + (key,), f"expected a non-empty list of values to sweep, "
                                          f"got {describe_value(options)}")
                continue
            converted = []
            for i, option in enumerate(options):
                try:
                    converted.append(p.convert(option))
                except ParamError as exc:
                    self.error(path + (key, i), str(exc))
                    invalid.add(p.name)
            result[p.name] = converted
        return result
