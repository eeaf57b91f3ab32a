"""A one-panel figure from command-line flags: ``lrplot step --step-size 30 --gamma 0.5,0.1``.

Each flag's text is parsed by its parameter (:class:`~lrplot.params.Param`); a scalar flag given
several values sweeps them. The parameters are then resolved like every curve's
(:func:`lrplot.resolve.resolve_params`), and problems are located at the flag.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Mapping, Sequence

from lrplot import schedules
from lrplot.composites import INVALID, convert_value, loop_children
from lrplot.figspec import FigureSpec, Panel, describe
from lrplot.inputs import printable
from lrplot.params import COMMON_PARAMS, Param, ParamError
from lrplot.problems import Problem
from lrplot.resolve import check_params, curve_label, group_label, resolve_params
from lrplot.spec.drafts import Draft, extras_of, finish, no_extra
from lrplot.spec.report import ProblemList, check_curves, check_text, key_path, limit_problems

STEPS, BASE_LR = COMMON_PARAMS


def from_flags(kind_name: str, values: Mapping[str, Sequence[str]], *, steps: int | None = None,
               base_lr: float | Sequence[float] = 0.1, title: str | None = None,
               log_y: bool = False,
               series: Sequence[str] = ("lr",)) -> FigureSpec:
    """Build a one-panel figure from raw flag values (``{"gamma": ["0.9,0.95"]}``).

    A scalar flag given several values (repeated, or as a comma list) sweeps them; a list
    parameter takes a comma list per occurrence. Several swept flags give their product.
    """
    kind = schedules.get(kind_name)
    problems = ProblemList(lambda path: path[0])
    choices: dict[str, list[Any]] = {}  # the values given, by parameter name
    invalid = set()
    for p in kind.params:
        parsed: list[Any] = []
        for text in values.get(p.name) or ():
            pieces = [t for t in text.split(",") if t.strip()] or [text] if p.comma_sweeps \
                else [text]
            for piece in pieces:
                value = _parse_flag(p, piece, problems)
                if value is INVALID:
                    invalid.add(p.name)
                else:
                    parsed.append(value)
        if parsed:
            choices[p.name] = list(dict.fromkeys(parsed))
    groups = tuple(base_lr) if isinstance(base_lr, (list, tuple)) else (base_lr,)
    for name, value in (("--steps", steps), *(("--base-lr", lr) for lr in groups)):
        param = STEPS if name == "--steps" else BASE_LR
        if value is not None:
            try:
                param.convert(value)
            except ParamError as exc:
                problems.add((name,), str(exc))
    if title is not None:
        check_text(title, lambda m: problems.add(("--title",), m))
    planned = math.prod(len(options) for options in choices.values()) * len(groups)
    check_curves(planned, lambda m: problems.add(tuple(
        p.flag for p in kind.params if len(choices.get(p.name, ())) > 1) or ("--base-lr",), m))
    problems.raise_if_any()
    report = lambda p, message: problems.add((p.flag,), message)  # noqa: E731
    swept = [name for name, options in choices.items() if len(options) > 1]
    drafts = []
    for combo in itertools.product(*choices.values()):
        params = resolve_params(kind, dict(zip(choices, combo)), report, invalid, groups[0])
        if params is None or not all(check_params(kind, params, report, (), lr)
                                     for lr in groups[1:]):
            break
        params = loop_children(kind, params, None, "step", lambda i, message: problems.add(
            ("--schedulers",), f"[{i}].interval: {message}"))
        if params is None:
            break
        label = curve_label(kind, params, swept)
        for g, lr in enumerate(groups):  # --base-lr 0.1,0.01: one parameter group each
            drafts.append(Draft(kind, params, lr, steps, group_label(label, g, lr, len(groups)),
                                extras=extras_of(kind, params, series)))
    for name in series:
        if name != "lr" and drafts and not any(name in d.extras for d in drafts):
            problems.add(("--momentum" if name == "momentum" else "--show-metric",),
                         no_extra(kind, name))
    problems.raise_if_any()
    fixed = {n: v for n, v in drafts[0].params.items() if n not in swept}
    notes: list[str] = []
    curves = finish(drafts, notes, lambda d, message: problems.problems.append(
        Problem("", f"--steps {message}" if d.steps else f"steps {message}")),
        lambda d: f"lrplot {kind.name}")
    problems.problems.extend(limit_problems(curves, lambda c: "--steps", ""))
    problems.raise_if_any()
    default_title = describe(kind, fixed) if swept else describe(kind, drafts[0].params)
    return FigureSpec(printable(title) if title else default_title, (Panel(None, curves),),
                      log_y, tuple(notes))


def _parse_flag(p: Param, text: str, problems: ProblemList) -> Any:
    """One command-line value; ``--schedulers`` takes YAML text (a flow list of mappings)."""
    def error(path: tuple, message: str) -> None:
        inner = key_path(path)
        problems.add((p.flag,), f"{inner}: {message}" if inner else message)

    if p.type == "schedulers":
        from lrplot.yamlio import YamlError, loads

        try:
            data = loads(text, p.flag).data
        except YamlError as exc:
            problems.add((p.flag,), exc.message)
            return INVALID
        return convert_value(p, data, (), error)
    try:
        value = p.parse(text)
    except ParamError as exc:
        problems.add((p.flag,), str(exc))
        return INVALID
    return convert_value(p, value, (), error) if p.type == "path" else value
