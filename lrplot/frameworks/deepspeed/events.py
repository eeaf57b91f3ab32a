"""Where DeepSpeed's schedules change course, for annotations — the ``events`` hook of every
``deepspeed.*`` kind. Steps are the series' (``lr[i]`` is ``get_lr()`` at
``last_batch_iteration = i - 1``), so each event sits one step after the class's own count."""

from __future__ import annotations

import math
from typing import Any, Mapping

from lrplot.schedules import Event


def warm_steps(p: Mapping[str, Any]) -> int:
    """The warm-up's length as the classes use it: DeepSpeed warms up over at least 2 steps."""
    return max(2, p["warmup_num_steps"])


def _last_gamma(p: Mapping[str, Any]) -> float:
    """The warm-up's gamma at its last step (``last_batch_iteration = warm - 1``), as WarmupLR
    computes it: ``(1 / log(warm)) * log(warm)``, 1.0 for some warm and not others, or
    ``(warm - 1) / warm``."""
    warm = warm_steps(p)
    if p["warmup_type"] == "log":
        return (1.0 / math.log(warm)) * math.log(warm)
    return (warm - 1) / warm


def _top(p: Mapping[str, Any]) -> int:
    """The first step at warmup_max_lr: the warm-up's gamma is 1.0 from ``last_batch_iteration
    = warm`` (step warm + 1), or already at its last step (then the lr settles one earlier)."""
    return warm_steps(p) if _last_gamma(p) == 1.0 else warm_steps(p) + 1


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
    warm, total = warm_steps(p), p["total_num_steps"]
    last_warm = p["warmup_min_ratio"] + _last_gamma(p) * (1 - p["warmup_min_ratio"])
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
