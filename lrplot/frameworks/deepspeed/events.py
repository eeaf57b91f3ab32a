"""Where DeepSpeed's schedules change course, for annotations — the ``events`` hook of every
``deepspeed.*`` kind. Steps are the series' (``lr[i]`` is ``get_lr()`` at
``last_batch_iteration = i - 1``), so each event sits one step after the class's own count."""

from __future__ import annotations

import math
from typing import Any, Mapping

from lrplot.schedules import Event


def _top(p: Mapping[str, Any]) -> int:
    """The first step at warmup_max_lr: the warm-up's gamma is 1.0 from ``last_batch_iteration
    = warm`` (step warm + 1); the log warm-up's last gamma, ``(1 / log(warm)) * log(warm)``,
    is already 1.0 for some warm (then the lr settles one step earlier)."""
    warm = max(2, p["warmup_num_steps"])
    exact = p["warmup_type"] == "log" and (1.0 / math.log(warm)) * math.log(warm) == 1.0
    return warm if exact else warm + 1


def warmup(p: Mapping[str, Any], n: int) -> list[Event]:
    top = _top(p)
    return [(top, f"warm-up end {top}")]


def warmup_decay(p: Mapping[str, Any], n: int) -> list[Event]:
    top, total = _top(p), p["total_num_steps"]
    found = [(top, f"warm-up end {top}")]
    if total + 1 > top:
        found.append((total + 1, f"0 from {total + 1} (total_num_steps + 1)"))
    return found


def warmup_cosine(p: Mapping[str, Any], n: int) -> list[Event]:
    """The peak: the warm-up's last step (warm), or the cosine's first (warm + 1) when that is
    higher — the linear warm-up stops at (warm - 1) / warm of the lr, the log one at ~1."""
    warm, total = max(2, p["warmup_num_steps"]), p["total_num_steps"]
    gamma = (1.0 / math.log(warm)) * math.log(warm) if p["warmup_type"] == "log" else \
        (warm - 1) / warm
    last_warm = p["warmup_min_ratio"] + gamma * (1 - p["warmup_min_ratio"])
    first_cosine = p["cos_min_ratio"] + (1 - p["cos_min_ratio"]) * (
        (1 + math.cos(math.pi * (1 / max(1, total - warm)))) / 2)
    top = warm + 1 if first_cosine > last_warm and total > warm else warm
    found = [(top, f"warm-up end {top}")]
    if total > top:
        found.append((total, f"total_num_steps {total}"))
    return found


def one_cycle(p: Mapping[str, Any], n: int) -> list[Event]:
    first = p["cycle_first_step_size"]
    second = first if p["cycle_second_step_size"] is None else p["cycle_second_step_size"]
    return [(first, f"peak {first}"), (first + second, f"end of cycle {first + second}")]
