"""Where detectron2's schedules change course, for annotations: a warm-up's end, milestones,
StepParamScheduler's parts, a composite's hand-overs (inside rescaled or fixed children) — the
``events`` hook of every ``detectron2.*`` kind.

fvcore decides by ``where + 1e-6`` (``ParamScheduler.WHERE_EPSILON``) at ``where = step /
max_iter``: past 10^6 iterations a warm-up end or a milestone comes one iteration early. So an
event is not placed by arithmetic on its nominal position but found: each is a test of
``where`` that fvcore's own comparison makes (monotone in the step), and its step is the first
of the run that passes it, by bisection, with fvcore's float operations. A label names the
nominal step where fvcore moved it (``milestone 59999 (not 60000: fvcore's 1e-6)``).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

from lrplot.frameworks.detectron2.where import EPSILON, composite_lengths
from lrplot.schedules import MAX_EVENTS, Event

Test = Callable[[float], bool]
Mark = tuple[Test, Test, float, str]
"""(the test of where that turns true from the event on, the test that the event happens
there (a child's event inside its own part of a composite), the nominal where, what it
is)."""

ALWAYS: Test = lambda w: True  # noqa: E731


def _name(kind: str) -> str:
    return kind.split(".", 1)[1]


def _counted(count: int, width: float, what: str) -> list[Mark]:
    """``int((where + 1e-6) * width) >= k`` for k = 1 .. count - 1."""
    return [(lambda w, k=k: int((w + EPSILON) * width) >= k, ALWAYS, k / width,
             f"{what}[{k}]") for k in range(1, min(count, MAX_EVENTS + 1))]


def _multistep(p: Mapping[str, Any]) -> list[Mark]:
    """MultiStepParamScheduler's milestones as its constructor settles them."""
    values, updates, milestones = p["values"], p["num_updates"], p["milestones"]
    if milestones is None:
        width = math.ceil(updates / float(len(values)))
        milestones = [width * (k + 1) for k in range(len(values) - 1)]
    milestones = list(milestones)
    if updates is None:
        updates, milestones = milestones[-1], milestones[:-1]
    return [(lambda w, m=m: int((w + EPSILON) * updates) >= m, ALWAYS, m / updates,
             "milestone") for m in milestones[:MAX_EVENTS]]


def _composite(children: Sequence[Mapping[str, Any]], lengths: Sequence[float],
               scaling: Sequence[str], hand_over: Callable[[int], str]) -> list[Mark]:
    """CompositeParamScheduler's hand-overs (scheduler k from the first where with ``where +
    1e-6 > running_total``) and its children's own marks, mapped to the composite's where."""
    lengths, totals = composite_lengths(lengths)
    if any(a > b for a, b in zip(totals, totals[1:])):
        return []  # fvcore's loop picks children out of order: no single hand-over
    last = len(children) - 1
    found: list[Mark] = []
    for k, child in enumerate(children):
        starts = (lambda w, t=totals[k - 1]: w + EPSILON > t) if k else ALWAYS
        if k:
            found.append((starts, ALWAYS, totals[k - 1], hand_over(k)))
        rescaled = scaling[k] == "rescaled"
        if rescaled and lengths[k] == 0:
            continue
        offset = totals[k] - lengths[k]
        local: Callable[[float], float] = \
            (lambda w, o=offset, n=lengths[k]: (w - o) / n) if rescaled else (lambda w: w)
        ends = (lambda w, t=totals[k]: w + EPSILON > t) if k < last else (lambda w: False)
        for test, confirm, nominal, what in _marks(child):
            def passes(w: float, s: Test = starts, e: Test = ends, t: Test = test,
                       f: Callable[[float], float] = local) -> bool:
                # from the child's event on, or from its end when its event falls outside it
                return s(w) and (e(w) or t(f(w)))

            def inside(w: float, e: Test = ends, c: Test = confirm,
                       f: Callable[[float], float] = local) -> bool:
                return not e(w) and c(f(w))

            found.append((passes, inside,
                          offset + nominal * lengths[k] if rescaled else nominal, what))
    return found


def _marks(p: Mapping[str, Any]) -> list[Mark]:
    """The marks of a param scheduler (a mapping with its type), in its own where."""
    name = _name(str(p["type"]))
    if name == "multistep":
        return _multistep(p)
    if name == "step":
        return _counted(len(p["values"]), len(p["values"]), "values")
    if name == "step_fixed_gamma":
        return _counted(p["num_decays"] + 1, p["num_decays"] + 1, "decay")
    if name == "composite":
        names = [_name(str(c["type"])) for c in p["schedulers"]]
        return _composite(p["schedulers"], p["lengths"], p["interval_scaling"],
                          lambda k: f"{names[k - 1]} → {names[k]}")
    if name == "warmup":
        length = p["warmup_length"]
        ramp = {"type": "detectron2.linear"}  # or constant: no marks of its own
        return _composite([ramp, p["scheduler"][0]],
                          [length, 1 - length],
                          ["rescaled", "rescaled" if p["rescale_interval"] else "fixed"],
                          lambda k: "warm-up end")
    return []  # smooth over the whole run: constant, cosine, linear, exponential, polynomial


def _first(test: Test, n: int, max_iter: int) -> int | None:
    """The first step ``i < n`` whose ``where = i / max_iter`` passes ``test``, or None."""
    if n < 1 or not test((n - 1) / max_iter):
        return None
    low, high = -1, n - 1  # test fails at low (or low is -1), passes at high
    while high - low > 1:
        middle = (low + high) // 2
        if test(middle / max_iter):
            high = middle
        else:
            low = middle
    return high


def _placed(marks: list[Mark], n: int, max_iter: int) -> list[Event]:
    found = []
    for test, confirm, nominal, what in marks:
        step = _first(test, n, max_iter)
        if step is None or not confirm(step / max_iter):
            continue
        label = f"{what} {step}"
        exact = nominal * max_iter
        near = round(exact)
        if abs(exact - near) < 1e-6 * max(1.0, exact) and near != step and near < n:
            label += f" (not {near}: fvcore's 1e-6)"
        found.append((step, label))
    return found


def _solver_tree(p: Mapping[str, Any]) -> dict[str, Any]:
    """The param scheduler build_lr_scheduler hands to LRMultiplier (its shape: what places
    its events)."""
    max_iter = p["max_iter"]
    if p["lr_scheduler_name"] == "WarmupMultiStepLR":
        steps = [x for x in p["solver_steps"] if x <= max_iter]
        inner = {"type": "detectron2.multistep", "values": [1.0] * (len(steps) + 1),
                 "num_updates": max_iter, "milestones": steps}
    elif p["lr_scheduler_name"] == "WarmupCosineLR":
        inner = {"type": "detectron2.cosine"}
    else:
        inner = {"type": "detectron2.step_fixed_gamma", "num_decays": p["num_decays"]}
    return {"type": "detectron2.warmup", "scheduler": [inner],
            "warmup_length": min(p["warmup_iters"] / max_iter, 1.0),
            "rescale_interval": p["rescale_interval"]}


def _legacy(p: Mapping[str, Any]) -> list[Event]:
    """WarmupMultiStepLR and WarmupCosineLR compare the step itself (no epsilon)."""
    found = [(p["warmup_iters"], f"warm-up end {p['warmup_iters']}")] if p["warmup_iters"] \
        else []
    if "milestones" in p:
        counts: dict[int, int] = {}
        for m in p["milestones"]:
            counts[m] = counts.get(m, 0) + 1
        found += [(m, f"milestone {m}" + (f" (x{c}: gamma**{c})" if c > 1 else ""))
                  for m, c in sorted(counts.items())]
    else:
        found.append((p["max_iters"], f"max_iters {p['max_iters']}"))
    return found


def events(p: Mapping[str, Any], count: int) -> list[Event]:
    """The events of a detectron2 kind over ``count`` scheduler steps."""
    name = _name(str(p["type"]))
    if name in ("warmup_multistep", "warmup_cosine"):
        found = _legacy(p)
    elif name == "solver":
        found = _placed(_marks(_solver_tree(p)), count, p["max_iter"])
    elif name == "lr_multiplier":
        found = _placed(_marks(p["multiplier"][0]), count, p["max_iter"])
    else:  # drawn alone: LRMultiplier over the series' scheduler steps
        found = _placed(_marks(p), count, count)
    return found
