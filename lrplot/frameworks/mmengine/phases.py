"""Numbers mmengine derives from a scheduler's parameters, shared by the declarations (checks,
horizons) and the kernels: its INF and OneCycleLR's phases."""

from __future__ import annotations

from typing import Any, Mapping

INF = 10 ** 9
"""mmengine's ``INF = int(1e9)``: the default ``end``."""


def onecycle_total(p: Mapping[str, Any]) -> int:
    """OneCycleLR's total_steps, in the scheduler's own steps: given, else ``end - begin``."""
    return p["total_steps"] if p["total_steps"] is not None else p["end"] - p["begin"]


def onecycle_phase_ends(p: Mapping[str, Any], total: int) -> list[float]:
    """The ``end_step`` of each phase, as mmengine computes them (floats but the last)."""
    pct = p["pct_start"]
    if p["three_phase"]:
        return [float(pct * total) - 1, float(2 * pct * total) - 2, total - 1]
    return [float(pct * total) - 1, total - 1]
