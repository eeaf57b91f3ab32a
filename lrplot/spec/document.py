"""A figure from a YAML document or a mapping of the same shape: ``from_document``,
``from_mapping``.

The figure, its panels and its curves accept the keys declared in :mod:`lrplot.configkeys`
(the schema reads the same table); the keys that cascade (steps, base_lr, series,
steps_per_epoch, interval) are set at the figure or a panel for every curve below. A curve's
parameters are converted here, in the document's spelling, and resolved like every curve's
(:func:`lrplot.resolve.resolve_params`); every problem is located at ``file:line:col`` of the
value to blame.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from lrplot import schedules
from lrplot.composites import INVALID, convert_value, loop_children
from lrplot.configkeys import (BY_NAME, CASCADING_KEYS, CURVE_KEYS, FIGURE_KEYS, LOOP_KEYS,
                               PANEL_KEYS, KeyValueError)
from lrplot.figspec import FigureSpec, Panel
from lrplot.inputs import printable
from lrplot.params import COMMON_PARAMS, Param, ParamError, describe_value, format_value
from lrplot.problems import Problem, SpecError
from lrplot.resolve import check_params, curve_label, group_label, resolve_params
from lrplot.schedules import Kind
from lrplot.spec.drafts import EXTRA_SOURCES, Draft, extras_of, finish, no_extra
from lrplot.spec.report import (ProblemList, check_curves, check_text, key_path, limit_problems,
                                limit_value)

if TYPE_CHECKING:
    from lrplot.yamlio import Document

BASE_LR = COMMON_PARAMS[1]


def _near(word: str, options: Iterable[str]) -> str:
    from lrplot.suggest import hint

    return hint(word, options)


def from_document(doc: Document) -> FigureSpec:
    """Build a figure from a loaded YAML document; every problem is reported with its mark."""
    def where(path: tuple) -> str:
        mark = doc.mark(path)
        return ": ".join(str(part) for part in (mark, key_path(path)) if part)

    problems = ProblemList(where)
    builder = DocumentBuilder(doc, problems)
    figure = builder.figure()
    if not problems.problems:
        problems.problems.extend(limit_problems(
            figure.curves, lambda c: where(_steps_path(doc, c.origin)), where(())))
    problems.raise_if_any()
    return figure


def from_mapping(data: Mapping[str, Any], name: str = "<mapping>") -> FigureSpec:
    """Build a figure from a plain mapping (the same structure as a YAML config)."""
    from lrplot.yamlio import Document

    problem = _plain_data_problem(data)
    if problem:
        raise SpecError([problem])
    return from_document(Document(data, {}, name))


def _plain_data_problem(data: Any) -> Problem | None:
    """A mapping from Python code must be what YAML can hold: text keys, no cycles, not too
    deep or large (checked without recursion, so a self-containing dict cannot hang us)."""
    from lrplot import limits

    if not isinstance(data, Mapping):
        return Problem("", f"expected a mapping (the shape of a YAML config), got "
                           f"{describe_value(data)}")
    stack: list[tuple[Any, tuple, frozenset]] = [(data, (), frozenset())]
    nodes = 0
    while stack:
        value, path, ancestors = stack.pop()
        nodes += 1
        if nodes > limits.MAX_NODES or len(path) > limits.MAX_DEPTH:
            return Problem(key_path(path), "the mapping is too large or too deeply nested "
                                            "for a figure")
        if isinstance(value, (Mapping, list, tuple)):  # shared values are fine, cycles are not
            if id(value) in ancestors:
                return Problem(key_path(path), "the mapping contains itself (a cycle)")
            ancestors = ancestors | {id(value)}
        if isinstance(value, Mapping):
            # a figure, panel, curve or sweep is keyed by names; a parameter's own mapping
            # (optax's boundaries_and_scales: {10: 0.5}) may have numbers as keys
            structural = not path or isinstance(path[-1], int) or path[-1] == "sweep"
            for key, item in value.items():
                if structural and not isinstance(key, str):
                    return Problem(key_path(path), f"keys are text, got the key {key!r}")
                stack.append((item, path + (key,), ancestors))
        elif isinstance(value, (list, tuple)):
            stack.extend((item, path + (i,), ancestors) for i, item in enumerate(value))
    return None


class DocumentBuilder:
    def __init__(self, doc: Document, problems: ProblemList):
        self.doc = doc
        self.problems = problems
        self.notes: list[str] = []
        self.series_asked: list[tuple[tuple, tuple[str, ...]]] = []  # (where, names)
        self.planned = 0  # curves so far, counted before they are built
        self.too_many = False
        self.curve_limit = limit_value("MAX_CURVES", problems)

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
        """The cascading keys (:data:`~lrplot.configkeys.CASCADING_KEYS`) at this level, over
        what the level above set: the common parameters steps and base_lr, then the keys
        :mod:`lrplot.configkeys` checks."""
        result = dict(inherited)
        for param in COMMON_PARAMS:
            if param.name in data:
                value = data[param.name]
                if param.name == "base_lr" and isinstance(value, list):
                    self.groups(value, path + ("base_lr",), result)
                    continue
                try:
                    result[param.name] = param.convert(value)
                    if param.name == "base_lr":
                        result["groups"] = None
                except ParamError as exc:
                    self.error(path + (param.name,), str(exc))
        for name in CASCADING_KEYS:
            if name in data and BY_NAME[name].check is not None:
                try:
                    result[name] = BY_NAME[name].check(data[name])
                except KeyValueError as exc:
                    self.error(path + (name,), str(exc))
                    continue
                if name == "series":
                    self.series_asked.append((path + ("series",), result["series"]))
        return result

    def figure(self) -> FigureSpec:
        from lrplot import limits

        if not isinstance(self.doc.data, dict):
            what = "the config is empty" if self.doc.data is None else \
                f"expected a mapping, got {describe_value(self.doc.data)}"
            self.error((), f"{what}: a config needs 'panels' (a list of panels) or 'curves' "
                           "(a list of curves, for a one-panel figure)")
            return FigureSpec(None, ())
        data = self.doc.data
        self.unknown_keys(data, (), FIGURE_KEYS, "the figure")
        title = self.text(data, (), "title")
        log_y, annotate = (self.flag(data, key) for key in ("log_y", "annotate"))
        defaults = self.common(data, (), {"steps": None, "base_lr": BASE_LR.default,
                                          "series": ("lr",)})
        if ("panels" in data) == ("curves" in data):
            self.error((), "a figure needs exactly one of 'panels' (a list of panels) or "
                           "'curves' (a list of curves, for a one-panel figure)")
            return FigureSpec(title, ())
        if "curves" in data:
            panels = [self.panel({"curves": data["curves"]}, (), defaults, top=True)]
        else:
            items = self.sequence(data["panels"], ("panels",), "panels")
            try:
                too_many = limits.panels_problem(len(items))
            except limits.LimitError as exc:
                too_many = str(exc)
            if too_many:  # counted before one is built
                self.error(("panels",), too_many)
                return FigureSpec(title, ())
            panels = [self.panel(p, ("panels", i), defaults) for i, p in enumerate(items)]
        computed = {name for panel in panels for c in panel.curves for name in c.extras}
        for where, names in self.series_asked:
            for name in names:
                if name != "lr" and name not in computed:
                    self.error(where, f"no curve here computes the {name}: "
                                      f"{EXTRA_SOURCES[name]}")
        return FigureSpec(title, tuple(panels), log_y, tuple(dict.fromkeys(self.notes)),
                          annotate)

    def flag(self, data: dict, key: str) -> bool:
        """log_y / annotate: false when absent or refused (after reporting why)."""
        try:
            return BY_NAME[key].check(data.get(key, False))
        except KeyValueError as exc:
            self.error((key,), str(exc))
            return False

    def text(self, data: dict, path: tuple, key: str) -> str | None:
        value = data.get(key)
        if value is not None and not isinstance(value, (str, int, float)):
            self.error(path + (key,), f"expected text, got {describe_value(value)}")
            return None
        if value is not None:
            check_text(str(value), lambda m: self.error(path + (key,), m))
        return None if value is None else printable(str(value))

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
        if "curves" not in data:
            if isinstance(value, dict):
                self.error(path, "a panel needs 'curves' (a list of curves)")
            items = []
        else:
            items = self.sequence(data["curves"], path + ("curves",), "curves")
        drafts = []
        for i, item in enumerate(items):
            drafts.extend(self.curve(item, path + ("curves", i), defaults))
        title = self.text(data, path, "title")
        if title is None and drafts and len({d.kind for d in drafts}) == 1:
            title = drafts[0].kind.framework_class
        return Panel(title, finish(drafts, self.notes,
                                    lambda d, message: self.error(d.origin + ("steps",),
                                                                  message),
                                    lambda d: self.problems.where(d.origin)))

    def curve(self, value: Any, path: tuple, inherited: dict) -> list[Draft]:
        data = self.mapping(value, path, "a curve: type and parameters")
        if not data:
            return []
        if data.get("type") == "data":
            return self.data_curve(data, path, inherited)
        if data.get("type") == "import":  # a training config (lrplot.readers) as curves
            from lrplot.readers import imports

            return [draft for item in imports.curves(data, self.doc, lambda key, message:
                                                     self.error(path + (key,), message),
                                                     CASCADING_KEYS)
                    for draft in self.curve(item, path, inherited)]
        kind = self.kind(data, path)
        if kind is None:
            return []
        defaults = self.common(data, path, inherited)
        keys_by_name = {}
        params: dict[str, Any] = {}
        invalid = set()
        for key, raw in data.items():
            if key in CURVE_KEYS and not (key in LOOP_KEYS and kind.param(key)):
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
            value = self.convert(p, raw, path + (key,))
            if value is INVALID:
                invalid.add(p.name)
            else:
                params[p.name] = value
        sweep = self.sweep(data.get("sweep"), path + ("sweep",), kind, keys_by_name, invalid)
        if kind.param("steps_per_epoch") and defaults.get("steps_per_epoch") and \
                "steps_per_epoch" not in params and "steps_per_epoch" not in sweep:
            params["steps_per_epoch"] = defaults["steps_per_epoch"]  # one value (OneCycleLR)
        label = self.text(data, path, "label")
        ignore: tuple[str, ...] = ()
        if "lint" in data:  # acknowledged lint rules, declared in lrplot.lint
            from lrplot import lint

            ignore = lint.parse_ack(data["lint"], lambda sub, m: self.error(
                path + ("lint",) + sub, m))
        planned = math.prod(len(values) for values in sweep.values()) * \
            len(defaults.get("groups") or (1,))
        self.planned += planned
        if self.planned > self.curve_limit:  # counted before a single curve is built
            if not self.too_many:
                self.too_many = True
                check_curves(self.planned, lambda m: self.error(
                    path + (("sweep",) if sweep else ()), f"at least {m}"))
            return []
        drafts = []
        for combo in itertools.product(*sweep.values()):
            report = lambda q, m: self.error(  # noqa: E731
                path + (keys_by_name.get(q.name, q.key) if q else "type",), m)
            full = resolve_params(kind, {**params, **dict(zip(sweep, combo))}, report, invalid,
                                  defaults["base_lr"])
            if full is None:
                return []
            text = curve_label(kind, full, sweep, label)
            extras = extras_of(kind, full, defaults.get("series", ()))
            spe = full.get("steps_per_epoch") if kind.param("steps_per_epoch") else None
            spe = spe or defaults.get("steps_per_epoch")
            interval = defaults.get("interval", "step")
            if interval == "epoch" and not spe:
                self.error(path, "interval: epoch needs steps_per_epoch (iterations per epoch)")
            elif interval == "epoch" and kind.steps_itself:
                self.error(path, f"interval: epoch does not apply to {kind.name}: "
                                 f"{kind.steps_itself}")
            schedulers = keys_by_name.get("schedulers", "schedulers")
            full = loop_children(kind, full, spe, interval, lambda i, m: self.error(
                path + (schedulers, i, "interval"), m))
            if full is None:
                return []
            if "series" in data:  # asked for on the curve itself: it must compute them
                for name in defaults.get("series", ()):
                    if name != "lr" and name not in kind.extras(full):
                        self.error(path + ("series",), no_extra(kind, name))
            groups = defaults.get("groups") or (defaults["base_lr"],)
            for g, lr in enumerate(groups):
                if len(groups) > 1 and not check_params(kind, full, report, (), lr):
                    return []
                drafts.append(Draft(kind, full, lr, defaults["steps"],
                                    group_label(text, g, lr, len(groups)), path, extras, spe,
                                    interval, ignore))
        return drafts

    def groups(self, value: list, path: tuple, result: dict[str, Any]) -> None:
        """``base_lr: [0.1, 0.01]``: one parameter group each, one curve each (torch computes
        every group on its own, from its own lr)."""
        lrs = []
        for i, item in enumerate(value):
            try:
                lrs.append(BASE_LR.convert(item))
            except ParamError as exc:
                self.error(path + (i,), str(exc))
        if not value:
            self.error(path, "expected a number, or a non-empty list of numbers (one per "
                             "parameter group)")
        elif len(lrs) == len(value):
            result["base_lr"] = lrs[0]
            result["groups"] = tuple(lrs) if len(lrs) > 1 else None

    def convert(self, p: Param, raw: Any, path: tuple) -> Any:
        """A parameter value from the document, or INVALID (after reporting why)."""
        import os

        base = os.path.dirname(self.doc.file) if os.path.isfile(self.doc.file) else ""
        error = self.error
        if isinstance(raw, list) and not p.is_list and "sweep" not in path:
            def error(where: tuple, message: str) -> None:  # a list where one value goes
                self.error(where, f"{message}; for one curve per value write sweep: "
                                  f"{{{where[-1]}: {format_value(raw)}}}")
        value = convert_value(p, raw, path, error, base)
        if p.type == "path" and isinstance(value, str) and os.path.isfile(self.doc.file):
            from lrplot import inputs  # a file a config names stays in the config's directory

            refusal = inputs.outside_problem(value, self.doc.file)
            if refusal:
                error(path, refusal)
                return INVALID
        return value

    def data_curve(self, data: dict, path: tuple, inherited: dict) -> list[Draft]:
        """A logged lr series from a CSV file (lrplot.logged); paths are relative to the
        config."""
        import os

        from lrplot import logged

        defaults = self.common(data, path, inherited)
        base = os.path.dirname(self.doc.file) if os.path.isfile(self.doc.file) else ""
        params = logged.build(data, base, lambda key, m: self.error(path + (key,), m),
                                 self.doc.file if os.path.isfile(self.doc.file) else None)
        if params is None:
            return []
        label = self.text(data, path, "label") or os.path.basename(params["path"])
        # A log is as long as it is: only the curve's own steps cut or pad it (with NaN).
        steps = defaults["steps"] if "steps" in data else logged.DATA.horizon(params)[0]
        return [Draft(logged.DATA, params, defaults["base_lr"], steps, label, path)]

    def kind(self, data: dict, path: tuple) -> Kind | None:
        if "type" not in data:
            # A misnamed key holding a schedule's name is the usual cause: name it.
            named = [key for key in ("kind", "schedule", "scheduler", "name")
                     if isinstance(data.get(key), str) and _is_kind(data[key])]
            hint = f"; '{named[0]}: {data[named[0]]}' names a schedule: write it as 'type'" \
                if named else ""
            self.error(path, "a curve needs 'type': a schedule name such as 'cosine' or "
                             "'deepspeed.warmup_cosine' ('lrplot list' shows every one)" + hint)
            return None
        if not isinstance(data["type"], str):
            self.error(path + ("type",), "expected a schedule name such as 'cosine' ('lrplot "
                                         f"list' shows every one), got "
                                         f"{describe_value(data['type'])}")
            return None
        try:
            return schedules.get(data["type"])
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
                value = self.convert(p, option, path + (key, i))
                if value is INVALID:
                    invalid.add(p.name)
                else:
                    converted.append(value)
            result[p.name] = converted
        return result


def _steps_path(doc: Document, origin: tuple) -> tuple:
    """Where a curve's steps were written: on the curve, its panel or the figure (else the
    curve itself: its steps are the default horizon)."""
    for path in (origin + ("steps",), origin[:-2] + ("steps",), ("steps",)):
        if path in doc.marks:
            return path
    return origin


def _is_kind(name: str) -> bool:
    try:
        schedules.get(name)
    except schedules.UnknownKind:
        return False
    return True
