"""Where torch's schedules change course, for annotations: each kind's ``events`` hook
(``events(params, steps)`` -> ``(step, label)`` pairs; see :func:`lrplot.schedules.events_of`)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from lrplot.schedules import Event, events_of


def multistep(p: Mapping[str, Any], n: int) -> list[Event]:
    counts: dict[int, int] = {}
    for m in p.get("milestones") or ():
        counts[m] = counts.get(m, 0) + 1
    return [(m, f"milestone {m}" + (f" (x{c}: gamma**{c})" if c > 1 else ""))
            for m, c in sorted(counts.items())]


# Periodic events are lazy: events_of stops reading them past what a figure draws.

def step(p: Mapping[str, Any], n: int) -> Iterator[Event]:
    size = p["step_size"]
    return ((k, f"step_size {size}" if k == size else "") for k in range(size, n, size))


def cosine(p: Mapping[str, Any], n: int) -> Iterator[Event]:
    T = p["T_max"]
    return ((k, f"T_max {T}" if k == T else "") for k in range(T, n, 2 * T))


def restarts(p: Mapping[str, Any], n: int) -> Iterator[Event]:
    start, length = 0, p["T_0"]
    while start + length < n:
        start += length
        yield start, f"restart {start}"
        length *= p.get("T_mult", 1)


def warmup(p: Mapping[str, Any], n: int) -> list[Event]:
    T = p.get("total_iters")
    if T is None:
        return []
    rising = p.get("start_factor", p.get("factor", 1.0)) < p.get("end_factor", 1.0)
    name = "warm-up end" if rising or "factor" in p else "total_iters"
    return [(T, f"{name} {T}")]


def onecycle(p: Mapping[str, Any], n: int) -> list[Event]:
    total = p.get("total_steps") or (p["epochs"] * p["steps_per_epoch"]
                                     if p.get("epochs") and p.get("steps_per_epoch") else None)
    if not total:
        return []
    pct = p.get("pct_start", 0.3)
    peak = int(round(pct * total - 1))
    events = [(peak, f"warm-up end {peak}")]
    if p.get("three_phase"):
        back = int(round(2 * pct * total - 2))
        events.append((back, f"back to initial lr {back}"))
    events.append((total - 1, f"end of cycle {total - 1}"))
    return events


def cyclic(p: Mapping[str, Any], n: int) -> Iterator[Event]:
    up = p["step_size_up"]
    down = up if p.get("step_size_down") is None else p["step_size_down"]
    return ((start + up, f"max_lr {start + up}" if not start else "")
            for start in range(0, n - up, up + down))


def sequential(p: Mapping[str, Any], n: int) -> list[Event]:
    children = list(p.get("schedulers") or ())
    names = [c.get("type", "?") if isinstance(c, Mapping) else str(getattr(c, "kind", "?"))
             for c in children]
    events = []
    for i, m in enumerate(p.get("milestones") or ()):
        if i + 1 < len(names):
            events.append((m, f"{names[i]} → {names[i + 1]} {m}"))
    # the first child's own events, before the first hand-over
    if children and isinstance(children[0], Mapping):
        first = events_of(children[0], min(n, (p.get("milestones") or [n])[0]))
        events = first + events
    return events


def chained(p: Mapping[str, Any], n: int) -> list[Event]:
    """ChainedScheduler steps every child at each of its steps: each child's own events, a
    child stepped per epoch (its own ``interval: epoch``) on the curve's epochs."""
    events: list[Event] = []
    for child in p.get("schedulers") or ():
        if not isinstance(child, Mapping):
            continue
        if child.get("interval") == "epoch":
            child = {**child, "steps_per_epoch": p.get("steps_per_epoch")}
        events += [e for e in events_of(child, n) if e not in events]
    return sorted(events)
