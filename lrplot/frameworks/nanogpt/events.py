"""Where nanoGPT's ``get_lr`` changes course, for annotations — the ``events`` hook of
``nanogpt.cosine``: the warm-up's ``(it + 1) / (warmup_iters + 1)`` stops short of
learning_rate, which the cosine's first iteration, warmup_iters, reaches; the cosine reaches
min_lr at lr_decay_iters."""

from __future__ import annotations

from typing import Any, Mapping

from lrplot.schedules import Event


def events(p: Mapping[str, Any], n: int) -> list[Event]:
    if not p["decay_lr"]:
        return []
    warmup, decay = p["warmup_iters"], p["lr_decay_iters"]
    found = [(warmup, f"warm-up end {warmup}")] if warmup else []
    if decay > warmup:
        found.append((decay, f"lr_decay_iters {decay}"))
    return found
