"""Where mmengine's schedulers change course, for annotations: a window's begin and its last
change (``end`` is exclusive: ``end=500`` changes the lr for the last time at 499), milestones,
StepLR's decays, a cosine's minima, OneCycleLR's peak, CosineRestartLR's restarts — the
``events`` hook of every lr ``mmengine.*`` kind and of ``mmengine.param_scheduler`` (the events
of each scheduler in its list). Positions are the series' steps: with ``steps_per_epoch`` a
``by_epoch`` scheduler's step ``g`` is iteration ``g * steps_per_epoch`` (after epoch ``g``),
and ``convert_to_iter_based`` converts as ``build_iter_from_epoch`` does. The momentum
schedulers leave the lr alone and have none; ReduceOnPlateauLR's reductions depend on the
metric and are not marked."""

from __future__ import annotations

from typing import Any, Mapping

from lrplot.frameworks.mmengine.phases import INF, convert, onecycle_phase_ends
from lrplot.schedules import MAX_EVENTS, Event

CHANGES_EVERY_STEP = ("linear", "constant", "exponential", "cosine", "poly",
                      "quadratic_warmup", "onecycle")
"""The schedulers whose window's end is visible: the lr changes up to ``end - 1``, then holds."""

STARTS_WITH_A_CHANGE = ("linear", "constant", "onecycle", "quadratic_warmup", "exponential",
                        "cosine", "poly", "cosine_restart")
"""The schedulers whose ``begin`` is a visible change (a multi-step one starts unchanged)."""


def _steps(name: str, p: Mapping[str, Any]) -> list[tuple[int, str]]:
    """``(g, what)``: the scheduler's own steps (from 0, ``begin`` included) where the lr
    changes course, inside its window."""
    begin, end = p["begin"], p["end"]
    found: list[tuple[int, str]] = []
    if name == "constant" and p["factor"] == 1.0 or \
            name == "linear" and p["start_factor"] == p["end_factor"] == 1.0:
        return []  # x * 1.0: the lr does not change
    if begin > 0 and name in STARTS_WITH_A_CHANGE:
        found.append((begin, "begin"))
    if name == "multistep":
        counts: dict[int, int] = {}
        for m in p["milestones"]:
            counts[m] = counts.get(m, 0) + 1
        found += [(begin + m, "milestone" + (f" (x{c})" if c > 1 else ""))
                  for m, c in sorted(counts.items())]
    elif name == "step":
        size = p["step_size"]
        found += [(begin + k, "step_size" if k == size else "")
                  for k in range(size, min(end - begin, size * (MAX_EVENTS + 1)), size)]
    elif name == "cosine":
        T = p["T_max"] or (end - begin)
        found += [(begin + k, "T_max" if k == T else "")
                  for k in range(T, min(end - begin, T * (2 * MAX_EVENTS + 1)), 2 * T)]
    elif name == "onecycle":
        total = p["total_steps"] if p["total_steps"] is not None else end - begin
        ends = onecycle_phase_ends(p, total)
        names = ["peak", "back to initial lr", "end of cycle"] if p["three_phase"] else \
            ["peak", "end of cycle"]
        found += [(begin + int(e), what) for e, what in zip(ends, names)]
    elif name == "cosine_restart":
        total = 0
        for period in p["periods"][:-1]:
            total += period
            found.append((begin + total, "restart"))
            if len(found) > MAX_EVENTS:
                break
        total = sum(p["periods"])
        if begin + total < end:
            found.append((begin + total - 1, "last period end"))
    flat = name == "linear" and p["start_factor"] == p["end_factor"]  # one jump at begin
    if end < INF and name in CHANGES_EVERY_STEP and not flat and \
            not any(g == end - 1 for g, _ in found):
        what = "warm-up end" if name == "quadratic_warmup" or (
            name == "linear" and p["start_factor"] < p["end_factor"]) else "end"
        found.append((end - 1, what))
    return [(g, what) for g, what in found if begin <= g < end]


def scheduler_events(kind: str, p: Mapping[str, Any], steps_per_epoch: int | None,
                     n: int) -> list[Event]:
    """The events of one scheduler (kind name, its parameters) in the series' steps."""
    name = kind.split(".", 1)[1]
    if name.endswith("_momentum") or name == "plateau":
        return []
    if p["convert_to_iter_based"] and steps_per_epoch:
        p = convert(name, p, steps_per_epoch)
    scale = steps_per_epoch if steps_per_epoch and p["by_epoch"] else 1
    unit = "epoch " if scale > 1 else ""
    found = []
    for g, what in _steps(name, p):
        if g * scale >= n:
            break
        what, _, repeated = what.partition(" (")  # milestone (x2) -> milestone 11 (x2)
        found.append((g * scale, f"{what} {unit}{g}" + (f" ({repeated}" if repeated else "")
                      if what else ""))
    return found


def events(p: Mapping[str, Any], n: int) -> list[Event]:
    return scheduler_events(str(p["type"]), p, p.get("steps_per_epoch"), n)


def list_events(p: Mapping[str, Any], n: int) -> list[Event]:
    """The events of every scheduler of a ``param_scheduler`` list, its class named. A
    scheduler that begins where (or one step after) another one's event is, the usual warm-up
    then decay, is named on that event instead (``LinearLR warm-up end 499 → MultiStepLR``)."""
    from lrplot.schedules import get

    found: list[list[Any]] = []  # [step, label, class, its own label]
    for child in p["schedulers"]:
        kind = get(str(child["type"]))
        cls = kind.framework_class
        for step, label in scheduler_events(kind.name, child, p["steps_per_epoch"], n):
            found.append([step, f"{cls} {label}" if label else "", cls, label])
    for event in [e for e in found if e[3].startswith("begin ")]:
        before = [e for e in found if e is not event and e[3] and not e[3].startswith("begin ")
                  and event[0] - 1 <= e[0] <= event[0]]
        if before:  # short enough to fit the axes' height: "warm-up end 499 → MultiStepLR"
            before[-1][1] = f"{before[-1][3]} → {event[2]}"
            found.remove(event)
    return [(step, label) for step, label, _, _ in found]
