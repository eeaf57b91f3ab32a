"""A schedule linter: likely mistakes, each explained with its fix and located where it was written.

lrplot draws what the framework really does; the linter says when that is probably not what the
author meant — duplicate MultiStepLR milestones that compound, a cosine stepped past T_max that
rises again, a decay scheduled after the run ends, epoch-sized parameters stepped every
iteration... Warnings never stop anything: ``lrplot lint`` exits 0 unless ``--strict``.

Rules are a table. A rule is a small function of a :class:`Context` (one curve) yielding
:class:`Finding`\\ s, registered for the kinds it understands with :func:`rule`::

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

import math
from collections import Counter
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


def rule(name: str, *kinds: str, summary: str, hook: str | None = None) -> Callable:
    """Register ``check(ctx)`` as rule ``name`` for the given kind names, and for every kind
    that declares ``hook`` (a field of :class:`~lrplot.schedules.Kind`)."""
    def register(check: Callable[[Context], Iterable[Finding]]) -> Callable:
        RULES.append(Rule(name, kinds, check, summary, hook))
        return check
    return register


class Context:
    """One curve, as a rule sees it: its parameters, steps, and lr values when needed."""

    def __init__(self, curve: Curve):
        self.curve = curve
        self.p: Mapping[str, Any] = curve.params
        # Rules count the scheduler's own steps: with interval: epoch the scheduler steps once
        # per epoch of steps_per_epoch iterations, and T_max = epochs is then the right setting.
        self.steps = getattr(curve, "scheduler_steps", curve.steps)
        self.repeat = curve.steps_per_epoch if getattr(curve, "interval", "step") == "epoch" \
            and curve.steps_per_epoch else 1
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
        for piece in self.curve.chunks():  # per iteration: scheduler step s is iteration s*repeat
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


# -- rules: MultiStepLR / StepLR ----------------------------------------------------------------


@rule("duplicate-milestone", "multistep",
      summary="a milestone listed twice decays twice at that step (torch counts milestones)")
def _duplicate_milestones(ctx: Context) -> Iterator[Finding]:
    milestones = list(ctx.p["milestones"])
    counts = Counter(milestones)
    seen: Counter = Counter()
    unique = list(dict.fromkeys(milestones))
    for i, m in enumerate(milestones):
        seen[m] += 1
        if seen[m] == 2:
            n = counts[m]
            gamma = ctx.p["gamma"]
            yield Finding(
                f"milestone {m} is listed {'twice' if n == 2 else f'{n} times'}, so the lr is "
                f"multiplied by gamma**{n} = {_fmt(gamma ** n)} at step {m}, not by gamma = "
                f"{_fmt(gamma)} (MultiStepLR counts its milestones)",
                f"list each step once (milestones: {format_value(unique)}); milestones are the "
                f"steps where the lr decays, not the ends of intervals",
                ("milestones", i))


@rule("milestone-zero", "multistep",
      summary="a milestone at 0 already decays at construction")
def _milestone_zero(ctx: Context) -> Iterator[Finding]:
    milestones = list(ctx.p["milestones"])
    if 0 in milestones:
        yield Finding(
            f"milestone 0 applies when the scheduler is built: lr[0] is already base_lr * gamma "
            f"= {_fmt(ctx.base_lr * ctx.p['gamma'])}, and base_lr is never used",
            "remove the 0, or lower base_lr if the smaller start is intended",
            ("milestones", milestones.index(0)))


@rule("milestone-beyond-run", "multistep",
      summary="a milestone at or after the last step never decays")
def _milestone_beyond(ctx: Context) -> Iterator[Finding]:
    if not ctx.steps_given:
        return
    for i, m in enumerate(ctx.p["milestones"]):
        if m > ctx.last:
            yield Finding(
                f"milestone {m} comes after the last step ({_steps_text(ctx)}): this decay "
                f"never happens",
                f"move it before step {ctx.steps}, or set steps to the real length of training",
                ("milestones", i))


@rule("step-size-beyond-run", "step",
      summary="a step_size as long as the run never decays")
def _step_size_beyond(ctx: Context) -> Iterator[Finding]:
    if ctx.steps_given and ctx.p["step_size"] > ctx.last:
        yield Finding(
            f"step_size={ctx.p['step_size']} is longer than the run ({_steps_text(ctx)}): the lr "
            f"never decays",
            f"use a step_size below {ctx.steps} (e.g. {max(1, ctx.steps // 3)} for three "
            f"decays), or set steps to the real length of training",
            ("step_size",))


@rule("boundary-beyond-run", "keras.piecewise_constant_decay",
      summary="a PiecewiseConstantDecay boundary at or after the last step is never crossed")
def _boundary_beyond(ctx: Context) -> Iterator[Finding]:
    if not ctx.steps_given:
        return
    for i, b in enumerate(ctx.p["boundaries"]):
        if b >= ctx.last:  # the value changes after step b, at b + 1
            yield Finding(
                f"boundary {b} is not crossed before the run ends ({_steps_text(ctx)}): "
                f"values[{i + 1}] and later are never used",
                f"move the boundary before step {ctx.last}, or set steps to the real length of "
                f"training", ("boundaries", i))


# -- rules: cosine --------------------------------------------------------------------------------


@rule("cosine-past-t-max", "cosine",
      summary="CosineAnnealingLR stepped past T_max rises again")
def _cosine_past_t_max(ctx: Context) -> Iterator[Finding]:
    T = ctx.p["T_max"]
    if not ctx.steps_given or ctx.last <= T:
        return
    if ctx.steps > 20 * T:
        return  # many periods: the per-iteration rule explains it better
    back = min(2 * T, ctx.last)
    yield Finding(
        f"the run goes past T_max={T} (to step {ctx.last}): CosineAnnealingLR does not stay at "
        f"eta_min, it rises again along the cosine — back to {_fmt(ctx.at(back)[back])} "
        f"at step {back}",
        f"set T_max to the number of scheduler steps (T_max: {ctx.steps}, as T_max = epochs "
        f"for a scheduler stepped once per epoch) for one decay over the whole run; use "
        f"cosine-restarts if restarts are intended",
        ("T_max",))


@rule("cosine-past-training-steps", "hf.cosine",
      summary="transformers' cosine stepped past num_training_steps rises again")
def _hf_cosine_past(ctx: Context) -> Iterator[Finding]:
    total = ctx.p.get("num_training_steps")
    if total is None or not ctx.steps_given or ctx.last <= total:
        return
    yield Finding(
        f"the run goes past num_training_steps={total} (to step {ctx.last}): the cosine does "
        f"not stay at 0, it rises again",
        f"set num_training_steps to the number of optimizer steps (num_training_steps: "
        f"{ctx.steps})",
        ("num_training_steps",))


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


@rule("floor-not-reached", hook="floor",
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


# -- rules: OneCycleLR ----------------------------------------------------------------------------


def _onecycle_total(p: Mapping[str, Any]) -> int | None:
    from lrplot.frameworks.pytorch import onecycle

    return onecycle.total(p.get("total_steps"), p.get("epochs"), p.get("steps_per_epoch"))


@rule("onecycle-overrun", "onecycle",
      summary="a one-cycle run longer than total_steps")
def _onecycle_overrun(ctx: Context) -> Iterator[Finding]:
    total = _onecycle_total(ctx.p)
    if total is None or ctx.steps <= total:
        return
    param = ("total_steps",) if ctx.p.get("total_steps") is not None else ("epochs",)
    yield Finding(
        f"the run takes {ctx.steps} lr values but the cycle has total_steps={total}: lr[{total}] "
        f"is an overshoot past the end of the cycle (pct > 1), and torch raises ValueError on "
        f"the next scheduler.step()",
        f"set total_steps to the number of optimizer steps (or steps: {total}); with epochs and "
        f"steps_per_epoch, steps_per_epoch must be len(train_loader)",
        param)


@rule("onecycle-floor-not-reached", "onecycle",
      summary="the run ends before the one-cycle schedule anneals to its minimum")
def _onecycle_short(ctx: Context) -> Iterator[Finding]:
    total = _onecycle_total(ctx.p)
    if total is None or not ctx.steps_given or ctx.last >= total - 1:
        return
    final = ctx.at(ctx.last)[ctx.last]
    param = ("total_steps",) if ctx.p.get("total_steps") is not None else ("epochs",)
    yield Finding(
        f"the run ends at step {ctx.last}, before the cycle's end at step {total - 1}: the lr "
        f"stops at {_fmt(final)} and never anneals to max_lr/div_factor/final_div_factor",
        f"set total_steps to the number of optimizer steps (total_steps: {ctx.steps})",
        param)


# -- rules: composites ----------------------------------------------------------------------------


def _children(ctx: Context) -> list[Any]:
    return list(ctx.p.get("schedulers") or ())


# A SequentialLR milestone at 0 (the first scheduler never runs) and decreasing milestones are
# refused by the spec, as errors: torch would silently misuse them.


@rule("sequential-repeated-milestone", "sequential",
      summary="a SequentialLR milestone repeated: the scheduler between never runs")
def _sequential_repeated(ctx: Context) -> Iterator[Finding]:
    milestones = list(ctx.p.get("milestones") or ())
    children = _children(ctx)
    for i in range(1, len(milestones)):
        if milestones[i] == milestones[i - 1]:
            name = getattr(children[i], "kind", "") if i < len(children) else ""
            yield Finding(
                f"milestone {milestones[i]} is repeated: scheduler {i} ({name}) starts and ends "
                f"at step {milestones[i]} and never runs",
                f"remove scheduler {i} and one of the milestones, or give it the step where it "
                f"should end",
                ("milestones", i))


@rule("handover-jump", "sequential",
      summary="the lr jumps where one phase hands over to the next")
def _handover_jump(ctx: Context) -> Iterator[Finding]:
    milestones = list(ctx.p.get("milestones") or ())
    inside = [m for m in milestones if 0 < m <= ctx.last]
    if not inside:
        return
    lr = ctx.at(*(m - d for m in inside for d in (0, 1, 2)))
    children = _children(ctx)
    for i, m in enumerate(milestones):
        if not 0 < m <= ctx.last or milestones.index(m) != i:
            continue
        before, after = float(lr[m - 1]), float(lr[m])
        scale = max(abs(before), abs(after))
        if scale == 0 or abs(after - before) / scale <= 0.25:
            continue
        # The step-to-step change just before the hand-over: a decay that is already steep
        # (a step schedule) is not a jump.
        usual = abs(float(lr[m - 1]) - float(lr[m - 2])) if m >= 2 else 0.0
        if abs(after - before) <= 2 * usual:
            continue
        name = getattr(children[i], "kind", f"scheduler {i}") if i < len(children) else ""
        following = getattr(children[i + 1], "kind", f"scheduler {i + 1}") \
            if i + 1 < len(children) else ""
        yield Finding(
            f"the lr jumps from {_fmt(before)} to {_fmt(after)} at step {m}, where {name} hands "
            f"over to {following}: the first phase does not end where the next one starts",
            f"make the first phase end at the next one's start (a warmup's total_iters = the "
            f"milestone {m}, end_factor = 1.0), or move the milestone to where it does",
            ("milestones", i))


# -- rules: epochs or iterations? -----------------------------------------------------------------

TINY = 1e-6
"""A fraction of base_lr below which the lr has, for training purposes, stopped."""


@rule("stepped-per-iteration", "step", "multistep", "exponential", "cosine", "cosine-restarts",
      summary="epoch-sized parameters, but the scheduler is stepped every iteration")
def _per_iteration(ctx: Context) -> Iterator[Finding]:
    if not ctx.steps_given or ctx.steps < 1000:
        return
    kind, p, n = ctx.curve.kind.name, ctx.p, ctx.steps
    fix_step = ("call scheduler.step() once per epoch, not after every batch — or, to step per "
                "iteration, multiply {what} by the iterations per epoch (len(train_loader))")
    if kind == "multistep":
        last = max(p["milestones"], default=0)
        if 0 < last < n * 0.1:
            yield Finding(
                f"every milestone is in the first {100 * (last + 1) / n:.2g}% of the "
                f"{n} steps ({format_value(list(p['milestones']))}): they look like epochs, but "
                f"the run is counted in iterations, and the lr is flat for the remaining "
                f"{n - last - 1} steps",
                fix_step.format(what="the milestones"), ("milestones",))
    elif kind == "step":
        decays = ctx.last // p["step_size"]
        if decays >= 50 and p["gamma"] < 1:
            yield Finding(
                f"step_size={p['step_size']} decays the lr {decays} times in {n} steps, to "
                f"{_fmt(ctx.base_lr * p['gamma'] ** decays)}: it looks like an epoch count, but "
                f"the scheduler is stepped every iteration",
                fix_step.format(what="step_size"), ("step_size",))
    elif kind == "exponential":
        gamma = p["gamma"]
        if gamma < 1:
            gone = math.ceil(math.log(TINY) / math.log(gamma))
            if gone < n * 0.1:
                yield Finding(
                    f"gamma={format_value(gamma)} per step takes the lr below {TINY:g} x base_lr "
                    f"by step {gone}, in the first {100 * gone / n:.2g}% of the {n} steps: it "
                    f"looks like a per-epoch decay stepped every iteration",
                    "call scheduler.step() once per epoch, or use gamma ** (1 / iterations per "
                    f"epoch) per iteration (e.g. {format_value(gamma)} ** (1/100) = "
                    f"{gamma ** 0.01:.6g})", ("gamma",))
    elif kind in ("cosine", "cosine-restarts"):
        period = 2 * p["T_max"] if kind == "cosine" else p["T_0"]
        if kind == "cosine-restarts" and p["T_mult"] > 1:
            return
        cycles = n / period
        if cycles >= 10:
            name = "T_max" if kind == "cosine" else "T_0"
            yield Finding(
                f"{name}={p[name]} makes the lr go through {cycles:.0f} cosine cycles in {n} "
                f"steps: it looks like an epoch count, but the scheduler is stepped every "
                f"iteration",
                fix_step.format(what=name), (name,))


# -- acknowledging a rule -----------------------------------------------------------------------

ACK_KEY = "lint"
"""The curve key that acknowledges rules: ``lint: {ignore: [duplicate-milestone]}``. Declared
here once: the spec validates it with :func:`parse_ack`, the JSON schema describes it with
:func:`ack_schema`, drawing commands take the same names with ``--lint-ignore``."""
ACK_HELP = ("Lint rules this curve deliberately breaks: {ignore: [RULE, ...]} silences their "
            "warnings for this curve ('lrplot lint --help' lists the rules).")


def rule_names() -> list[str]:
    return list(dict.fromkeys(r.name for r in RULES))


def unknown_rule(name: Any) -> str | None:
    """Why ``name`` is not a rule name (with the near miss), or None when it is one."""
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
    return [r for r in RULES if r.applies(kind)]


def check_curve(curve: Curve) -> Iterator[tuple[Rule, Finding]]:
    """Every finding of every rule that applies to the curve's kind."""
    from lrplot.expr import ExprError
    from lrplot.schedules import ScheduleError
    from lrplot.problems import Problem, SpecError

    ctx = Context(curve)
    for r in rules_for(curve.kind):
        try:
            for finding in r.check(ctx):
                yield r, finding
        except (ExprError, ScheduleError) as exc:  # the schedule itself fails (a child
            # dividing by zero): a spec error at the curve, as drawing it would report
            raise SpecError([Problem(curve.where, curve._name_expression(str(exc)))]) from None


def check(spec: FigureSpec, doc: Document | None = None,
          ignore: Iterable[str] = ()) -> list[LintWarning]:
    """Lint every curve of a figure; ``doc`` (the YAML it came from) locates the warnings.

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
            for r, finding in check_curve(curve):
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
