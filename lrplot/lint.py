"""A schedule linter: likely mistakes, each explained with its fix and located where it was written.

lrplot draws what the framework really does; the linter says when that is probably not what the
author meant — duplicate MultiStepLR milestones that compound, a cosine stepped past T_max that
rises again, a decay scheduled after the run ends, epoch-sized parameters stepped every
iteration... Warnings never stop anything: ``lrplot lint`` exits 0 unless ``--strict``.

Rules are a table. A rule is a small function of a :class:`Context` (one curve) yielding
:class:`Finding`\\ s, registered for the kinds it understands with :func:`rule` — in the
``lint`` module of the kinds' framework folder (``Framework.lint``), or here for a rule that
reads a hook every kind may declare (the floor)::

    @rule("milestone-zero", "multistep", summary="a milestone at 0 decays at construction")
    def _milestone_zero(ctx):
        if 0 in ctx.p["milestones"]:
            yield Finding("...what happens...", "...how to fix it...", ("milestones", index))

A finding names *where* by a path inside the curve — a parameter, an item of a list parameter,
or ``("steps",)`` — and the linter turns that into ``file:line:col: key.path`` for configs, or the
flag for the command line. A rule for a kind that does not exist simply never runs, so rules for
kinds being added can be written ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from lrplot.params import format_value

if TYPE_CHECKING:
    from lrplot.schedules import Kind
    from lrplot.spec import Curve, FigureSpec
    from lrplot.yamlio import Document


@dataclass(frozen=True)
class Finding:
    """What a rule found: the problem, its fix, and the path (inside the curve) to blame."""

    message: str
    fix: str
    path: tuple = ()  # ("milestones", 4), ("T_max",), ("steps",), () for the curve itself


@dataclass(frozen=True)
class LintWarning:
    rule: str
    where: str  # "file:line:col: key.path" or "--flag"
    message: str
    fix: str
    curve: str  # the curve's label

    def __str__(self) -> str:
        return f"{self.where}: warning: {self.message} [{self.rule}]\n    fix: {self.fix}"

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "where": self.where, "curve": self.curve,
                "message": self.message, "fix": self.fix}


@dataclass(frozen=True)
class Rule:
    name: str
    names: tuple[str, ...]  # kind names the rule applies to
    check: Callable[[Context], Iterable[Finding]]
    summary: str
    hook: str | None = None  # ... and every kind that declares this hook (``floor``)
    stage: int = 0  # report order within a curve: its kind's own rules, floors, units

    @property
    def kinds(self) -> tuple[str, ...]:
        """The names of the kinds the rule applies to."""
        if self.hook is None:
            return self.names
        from lrplot import schedules

        hooked = [k.name for k in schedules.all_kinds() if getattr(k, self.hook) is not None]
        return tuple(dict.fromkeys([*self.names, *hooked]))

    def applies(self, kind: Kind) -> bool:
        return kind.name in self.names or (self.hook is not None and
                                           getattr(kind, self.hook) is not None)


RULES: list[Rule] = []
"""Every rule, in the order its warnings are reported."""


def rule(name: str, *kinds: str, summary: str, hook: str | None = None,
         stage: int = 0) -> Callable:
    """Register ``check(ctx)`` as rule ``name`` for the given kind names, and for every kind
    that declares ``hook`` (a field of :class:`~lrplot.schedules.Kind`). A curve's warnings come
    by ``stage`` (0: its kind's own rules, 1: the floor, 2: epochs or iterations), then in the
    order the rules were registered."""
    def register(check: Callable[[Context], Iterable[Finding]]) -> Callable:
        RULES.append(Rule(name, kinds, check, summary, hook, stage))
        RULES.sort(key=lambda r: r.stage)  # stable: registration order within a stage
        return check
    return register


Evaluate = Callable[["Curve"], Iterable[Any]]
"""``evaluate(curve)``: the curve's lr per iteration, in consecutive numpy pieces
(:func:`lrplot.compute.chunks`). The linter sits below compute, so its caller hands it over."""


class Context:
    """One curve, as a rule sees it: its parameters, steps, and lr values when needed
    (``evaluate`` computes them, see :data:`Evaluate`)."""

    def __init__(self, curve: Curve, evaluate: Evaluate):
        self.curve = curve
        self.evaluate = evaluate
        self.p: Mapping[str, Any] = curve.params
        # Rules count the scheduler's own steps: with interval: epoch the scheduler steps once
        # per epoch of steps_per_epoch iterations, and T_max = epochs is then the right setting.
        self.steps = curve.scheduler_steps
        self.repeat = curve.repeat
        self.base_lr = curve.base_lr
        # The run's length is the user's statement only when they gave steps; the default
        # horizon is lrplot's choice and says nothing about their training run.
        self.steps_given = not getattr(curve, "auto_steps", False)

    def at(self, *steps: int) -> dict[int, float]:
        """``lr[step]`` for a few steps, streamed chunk by chunk: drawing commands lint every
        figure, and a run of 10^8 steps must not become one array here."""
        wanted = sorted({s for s in steps if 0 <= s < self.steps})
        found: dict[int, float] = {}
        start = 0
        # per iteration: scheduler step s is iteration s * repeat
        for piece in self.evaluate(self.curve):
            end = start + len(piece)
            for step in wanted:
                if start <= step * self.repeat < end:
                    found[step] = float(piece[step * self.repeat - start])
            start = end
            if not wanted or start > wanted[-1] * self.repeat:
                break
        return found

    @property
    def last(self) -> int:
        """The last step of the run: lr[last] is the last value used."""
        return self.steps - 1


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _steps_text(ctx: Context) -> str:
    return f"steps={ctx.steps}, so lr[0..{ctx.last}]"


# -- rules: floors that the run never reaches -----------------------------------------------------
#
# A kind with a floor declares it as its ``floor`` hook (in its framework's kinds module):
# ``floor(params)`` -> (parameter, the schedule's length, the floor's name), or None.
#
# The length is the step where the floor is reached: ``lr[length]`` is the floor. A trainer that
# runs ``length`` optimizer steps (transformers' Trainer with ``num_training_steps = max_steps``,
# torch's ``T_max = epochs``, Keras and Optax with ``decay_steps`` = the steps taken) uses
# ``lr[0..length-1]`` and never ``lr[length]``: that is the standard recipe, not a mistake, so the
# rule compares the run's length with the schedule's length — ``steps >= length`` is clean — the
# same way for every framework (timm's schedulers, stepped to ``t_initial``, are the same).


@rule("floor-not-reached", hook="floor", stage=1,
      summary="the run ends before the schedule reaches its floor")
def _floor_not_reached(ctx: Context) -> Iterator[Finding]:
    if not ctx.steps_given:
        return
    assert ctx.curve.kind.floor is not None
    floor = ctx.curve.kind.floor(ctx.p)
    if floor is None:
        return
    param, length, name = floor
    if ctx.steps >= length:  # a run as long as the schedule: the trainers' own setting
        return
    final = ctx.at(ctx.last)[ctx.last]
    value = ctx.p[param]
    where = f"{param}={format_value(value)}" + (
        f", a schedule of {length} steps" if length != value else "")
    suggest = value - (length - ctx.steps)  # the schedule as long as the run, as trainers set it
    yield Finding(
        f"the run takes {ctx.steps} steps, fewer than the schedule's {length} ({where}): the lr "
        f"stops at {_fmt(final)} and never decays to its floor ({name})",
        f"set {param}: {format_value(suggest)} so the schedule is as long as the run (the "
        f"scheduler steps the run takes, as the framework's trainer sets it), or set steps to the "
        f"real length of training",
        (param,))


# -- the frameworks' rules ----------------------------------------------------------------------


_LOADED: set[str] = set()
"""Frameworks whose lint module is imported."""


def _load_framework_rules(framework: str | None = None) -> None:
    """Import the lint module (``Framework.lint``) of one framework, or of every framework with
    None: its rules register themselves. Done when first needed, not at import, so that a
    command checking torch kinds does not import every framework's rules at start-up."""
    import importlib

    from lrplot import schedules

    if framework is None:
        wanted = schedules.frameworks()
    else:
        try:
            wanted = [schedules.framework(framework)]
        except KeyError:  # a pseudo-kind's (logged data): no framework, no rules of its own
            wanted = []
    for fw in wanted:
        if fw.lint and fw.name not in _LOADED:
            _LOADED.add(fw.name)
            importlib.import_module(fw.lint)


def all_rules() -> list[Rule]:
    """Every rule, the frameworks' included."""
    _load_framework_rules()
    return RULES


# -- acknowledging a rule -----------------------------------------------------------------------

ACK_KEY = "lint"
"""The curve key that acknowledges rules: ``lint: {ignore: [duplicate-milestone]}``. Declared
here once: the spec validates it with :func:`parse_ack`, the JSON schema describes it with
:func:`ack_schema`, drawing commands take the same names with ``--lint-ignore``."""
ACK_HELP = ("Lint rules this curve deliberately breaks: {ignore: [RULE, ...]} silences their "
            "warnings for this curve ('lrplot lint --help' lists the rules).")


def rule_names() -> list[str]:
    """Every rule's name, sorted: the same list whichever frameworks' rules were loaded first."""
    return sorted({r.name for r in all_rules()})


def unknown_rule(name: Any) -> str | None:
    """Why ``name`` is not a rule name (with the near miss), or None when it is one."""
    if isinstance(name, str):
        # the rules of the frameworks already in use first: no need to import every
        # framework's declarations and rules to know a torch rule's name
        from lrplot import schedules

        for fw in schedules.loaded_frameworks():
            _load_framework_rules(fw)
        if any(r.name == name for r in RULES):
            return None
    names = rule_names()
    if isinstance(name, str) and name in names:
        return None
    from lrplot.suggest import hint

    return f"unknown lint rule {name!r}{hint(str(name), names)} (rules: {', '.join(names)})"


def parse_ack(value: Any, error: Callable[[tuple, str], None]) -> tuple[str, ...]:
    """The rule names of a curve's ``lint:`` mapping; ``error(subpath, message)`` reports
    problems (the subpath is relative to the ``lint`` key)."""
    if not isinstance(value, dict):
        error((), "expected a mapping such as {ignore: [duplicate-milestone]}")
        return ()
    for key in value:
        if key != "ignore":
            error((key,), f"unknown key {key!r} (accepted: ignore)")
    names = value.get("ignore", [])
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list):
        error(("ignore",), "expected a list of rule names such as [duplicate-milestone]")
        return ()
    good = []
    for i, name in enumerate(names):
        problem = unknown_rule(name)
        if problem:
            error(("ignore", i), problem)
        else:
            good.append(name)
    return tuple(dict.fromkeys(good))


def ack_schema() -> dict[str, Any]:
    names = {"enum": rule_names()}
    return {"type": "object", "additionalProperties": False,
            "properties": {"ignore": {"anyOf": [names, {"type": "array", "items": names}],
                                      "description": "Rules not to report for this curve."}}}


# -- running the rules -----------------------------------------------------------------------------


def rules_for(kind: Kind) -> list[Rule]:
    _load_framework_rules(kind.framework)
    return [r for r in RULES if r.applies(kind)]


def check_curve(curve: Curve, evaluate: Evaluate) -> Iterator[tuple[Rule, Finding]]:
    """Every finding of every rule that applies to the curve's kind. A schedule that fails when
    evaluated (a child dividing by zero) raises the evaluator's error, as drawing it would."""
    ctx = Context(curve, evaluate)
    for r in rules_for(curve.kind):
        for finding in r.check(ctx):
            yield r, finding


def check(spec: FigureSpec, doc: Document | None = None, ignore: Iterable[str] = (), *,
          evaluate: Evaluate) -> list[LintWarning]:
    """Lint every curve of a figure; ``doc`` (the YAML it came from) locates the warnings;
    ``evaluate`` computes a curve's values when a rule needs them (:data:`Evaluate`).

    Rules in ``ignore`` (``--lint-ignore``) and those a curve acknowledges (``lint: {ignore:
    [...]}``, :data:`ACK_KEY`) are not reported."""
    locate = _YamlLocator(doc) if doc is not None else _FlagLocator()
    warnings: list[LintWarning] = []
    seen = set()
    ignored = set(ignore)
    for panel in spec.panels:
        several = len(panel.curves) > 1
        for curve in panel.curves:
            skip = ignored | set(getattr(curve, "lint_ignore", ()))
            for r, finding in check_curve(curve, evaluate):
                if r.name in skip:
                    continue
                where = locate(curve, finding.path, several)
                key = (r.name, where, finding.message)
                if key not in seen:  # a sweep repeats the same finding at the same place
                    seen.add(key)
                    warnings.append(LintWarning(r.name, where, finding.message, finding.fix,
                                            curve.label))
    # a training config read by lrplot.readers: mistakes only its trainer's rules reveal
    for rule_name, where, message, fix, label in getattr(doc, "trainer_findings", ()):
        warnings.append(LintWarning(rule_name, where, message, fix, label))
    return warnings


# -- locations ------------------------------------------------------------------------------------


def _key_path(path: Sequence) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _FlagLocator:
    """Command-line curves: the flag of the parameter (and which curve of a sweep)."""

    def __call__(self, curve: Curve, path: tuple, several: bool) -> str:
        flag = "lrplot " + curve.kind.name
        if path:
            name = path[0]
            p = curve.kind.param(name) if name != "steps" else None
            flag = "--steps" if name == "steps" else p.flag if p else f"--{name}"
        return f"{flag} ({curve.label})" if several else flag


class _YamlLocator:
    """Config curves: ``file:line:col: key.path`` of the value to blame.

    The curve's mapping is at ``curve.origin``. A parameter is found under the key its author
    wrote (``T_max`` or ``t_max``), in the curve's ``sweep`` (at the swept value), or — for a
    default — at the curve itself; ``steps`` is wherever the cascade took it from.
    """

    def __init__(self, doc: Document):
        self.doc = doc

    def _node(self, path: tuple) -> Any:
        node = self.doc.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def _resolve(self, curve: Curve, path: tuple) -> tuple:
        origin = tuple(getattr(curve, "origin", ()) or ())
        mapping = self._node(origin)
        if not path or not isinstance(mapping, dict):
            return origin
        name, rest = path[0], tuple(path[1:])
        if name == "steps":
            for level in (origin, origin[:-2], ()):
                node = self._node(level)
                if isinstance(node, dict) and "steps" in node:
                    return level + ("steps",)
            return origin
        for key in mapping:
            p = curve.kind.param(key) if key not in ("type", "label", "sweep") else None
            if p is not None and p.name == name:
                return origin + (key,) + rest
        sweep = mapping.get("sweep")
        if isinstance(sweep, dict):
            for key, options in sweep.items():
                p = curve.kind.param(key)
                if p is not None and p.name == name and isinstance(options, list):
                    value = curve.params.get(name)
                    for i, option in enumerate(options):
                        if _same(option, value):
                            return origin + ("sweep", key, i) + rest
                    return origin + ("sweep", key)
        return origin

    def __call__(self, curve: Curve, path: tuple, several: bool) -> str:
        resolved = self._resolve(curve, path)
        mark = self.doc.mark(resolved)
        text = _key_path(resolved)
        if path and resolved == tuple(getattr(curve, "origin", ())) and path[0] != "steps":
            text += f" ({path[0]}: default)" if text else f"{path[0]}: default"
        return ": ".join(str(part) for part in (mark, text) if part)


def _same(option: Any, value: Any) -> bool:
    if isinstance(option, list) and isinstance(value, (list, tuple)):
        return list(option) == list(value)
    try:
        return option == value or float(option) == float(value)
    except (TypeError, ValueError):
        return False


# -- output ---------------------------------------------------------------------------------------


def to_text(warnings: list[LintWarning]) -> str:
    return "".join(f"{w}\n" for w in warnings)


def to_json(warnings: list[LintWarning]) -> str:
    import json

    return json.dumps({"warnings": [w.as_dict() for w in warnings]}, indent=2) + "\n"


FORMATS = {"text": to_text, "json": to_json}
