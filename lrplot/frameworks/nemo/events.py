"""Where NeMo's schedules change course, for annotations: warm-up end, hold end, the constant
steps at min_lr, max_steps — the ``events`` hook of every ``nemo.*`` kind. Steps are the
series' (a resumed scheduler, ``last_epoch`` >= 0, starts at ``last_epoch + 1``)."""

from __future__ import annotations

from typing import Any, Mapping

from lrplot.schedules import Event


def _count(p: Mapping[str, Any], steps: str, ratio: str) -> int:
    if p.get(steps) is not None:
        return p[steps]
    if p.get(ratio) is not None and p.get("max_steps") is not None:
        return int(p[ratio] * p["max_steps"])
    return 0


def events(p: Mapping[str, Any], n: int) -> list[Event]:
    start = p.get("last_epoch", -1) + 1
    found = []
    warm = _count(p, "warmup_steps", "warmup_ratio")
    if warm and "warmup_steps" in p:
        found.append((warm, f"warm-up end {warm}"))
    if "hold_steps" in p and (p.get("hold_steps") is not None or p.get("hold_ratio") is not None):
        hold = _count(p, "hold_steps", "hold_ratio") + warm
        found.append((hold, f"hold end {hold}"))
    if "warmup_steps" not in p and p.get("constant_steps"):  # T5: the constant lr's end
        found.append((p["constant_steps"], f"constant end {p['constant_steps']}"))
    if p.get("max_steps") is not None:
        constant = _count(p, "constant_steps", "constant_ratio") if "warmup_steps" in p else 0
        if constant:
            found.append((p["max_steps"] - constant, f"constant min_lr from "
                                                     f"{p['max_steps'] - constant}"))
        found.append((p["max_steps"], f"max_steps {p['max_steps']}"))
    return [(step - start, label) for step, label in found]
