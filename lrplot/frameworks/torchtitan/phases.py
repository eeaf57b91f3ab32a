"""torchtitan's split of a run into warm-up, stable and decay steps (``Config.build``): pure
arithmetic shared by the declaration (its step check), the kernel and the TOML reader."""

from __future__ import annotations

from typing import Any, Mapping


def phases(p: Mapping[str, Any]) -> tuple[int, int, int, int]:
    """``(total, warmup, stable, decay)`` steps as ``Config.build`` derives them: warm-up capped
    at total, decay = ``round(total * decay_ratio)`` capped at total - warmup (all of it after
    the warm-up without decay_ratio), and ``stable = total + 1 - warmup - decay``; with
    ``formula="2025-03"`` (torchtitan from March to June 2025) the warm-up is not capped and
    ``stable = total - warmup - decay``."""
    total = p["total_steps"] if p.get("total_steps") is not None else p["training_steps"]
    if p.get("formula") == "2025-03":
        # before June 2025: no cap on the warm-up (the declaration refuses one past the run),
        # and no extra stable step
        warmup = int(p["warmup_steps"])
        decay = total - warmup
        if p.get("decay_ratio") is not None:
            decay = min(round(total * p["decay_ratio"]), total - warmup)
        return total, warmup, total - warmup - decay, decay
    warmup = min(int(p["warmup_steps"]), total)
    if p.get("decay_ratio") is not None:
        decay = min(round(total * p["decay_ratio"]), total - warmup)
    else:
        decay = total - warmup
    return total, warmup, total + 1 - warmup - decay, decay
