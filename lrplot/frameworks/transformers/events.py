"""Where transformers' schedules change course, for annotations: warm-up end, decay start
(warmup-stable-decay), num_training_steps — the ``events`` hook of every ``hf.*`` kind."""

from __future__ import annotations

from typing import Any, Mapping

from lrplot.schedules import Event


def events(p: Mapping[str, Any], n: int) -> list[Event]:
    events = []
    warmup = p.get("num_warmup_steps")
    if warmup:
        events.append((warmup, f"warm-up end {warmup}"))
    if p.get("num_stable_steps") is not None and warmup is not None:
        decay = warmup + p["num_stable_steps"]
        events.append((decay, f"decay start {decay}"))
    if p.get("num_training_steps"):
        events.append((p["num_training_steps"], f"num_training_steps {p['num_training_steps']}"))
    return events
