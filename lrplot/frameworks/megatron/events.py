"""Where Megatron's ``OptimizerParamScheduler`` changes course, for annotations — the
``events`` hook of ``megatron.param_scheduler``. The class counts samples (``num_steps = i x
increment``); the events are iterations: the first one at or past the warm-up's end, WSD's
last one before the annealing, the first one at min_lr."""

from __future__ import annotations

import math
from typing import Any, Mapping

from lrplot.schedules import Event


def _at(i: int, steps: float, name: str, increment: int) -> Event:
    where = f" (iteration {i})" if increment > 1 else ""
    count = int(steps) if float(steps).is_integer() else steps  # a float warm-up: 316800.0
    return i, f"{name} {count}{where}"


def events(p: Mapping[str, Any], n: int) -> list[Event]:
    increment, warm, decay = p["increment"], p["lr_warmup_steps"], p["lr_decay_steps"]
    style = p["lr_decay_style"]
    found = []
    if warm > 0:
        found.append(_at(math.ceil(warm / increment), warm, "warm-up end", increment))
    if style == "WSD":
        anneal = decay - p["wsd_decay_steps"]
        if anneal > warm:  # num_steps <= anneal_start: still 1.0
            found.append(_at(int(anneal // increment), anneal, "decay start", increment))
    if style not in ("constant", "inverse-square-root"):
        found.append(_at(-(-decay // increment), decay, "lr_decay_steps", increment))
    return found
