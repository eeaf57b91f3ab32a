"""Where torchtitan's warmup-stable-decay changes course, for annotations — the ``events`` hook
of ``torchtitan.wsd``: the first step at the peak, the last step before the decay, the decay's
end (at total_steps: past a run of training_steps, which never reaches its minimum)."""

from __future__ import annotations

from typing import Any, Mapping

from lrplot.frameworks.torchtitan.phases import phases
from lrplot.schedules import Event


def events(p: Mapping[str, Any], n: int) -> list[Event]:
    total, warmup, stable, decay = phases(p)
    # (s + 1) / w reaches 1 at step w - 1; the 2025-03 (s + 1) / (w + 1) stops short of it,
    # and the stable phase's first step is the peak
    top = warmup if p.get("formula") == "2025-03" and stable else warmup - 1
    found = [(top, f"warm-up end {top}")] if warmup else []
    last_flat = warmup + stable - 1  # the decay's first step, progress 1 / decay, follows
    if decay and last_flat > max(top, 0):
        found.append((last_flat, f"decay start {last_flat}"))
    if decay:
        found.append((total, f"decay end {total}"))
    return found
