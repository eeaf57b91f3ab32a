"""torchtitan's split of a run into warm-up, stable and decay steps (``Config.build``): pure
arithmetic shared by the declaration (its step check), the kernel and the TOML reader."""

from __future__ import annotations

from typing import Any, Mapping


def phases(p: Mapping[str, Any]) -> tuple[int, int, int, int]:
    """``(total, warmup, stable, decay)`` steps as ``Config.build`` derives them: warm-up capped
    at total, decay = ``round(total * decay_ratio)`` capped at total - warmup (all of it after
    the warm-up without decay_ratio), and ``stable = total + 1 - warmup - decay``."""
    total = p["total_steps"] if p.get("total_steps") is not None else p["training_steps"]
    warmup = min(int(p["warmup_steps"]), total)
    if p.get("decay_ratio") is not None:
        decay = min(round(total * p["decay_ratio"]), total - warmup)
    else:
        decay = total - warmup
    return total, warmup, total + 1 - warmup - decay, decay
