"""Numbers mmengine derives from a scheduler's parameters, shared by the declarations (checks,
horizons, annotation events) and the kernels: its INF, OneCycleLR's phases and
``build_iter_from_epoch``'s conversion."""

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


def convert(name: str, p: Mapping[str, Any], epoch_length: int) -> dict[str, Any]:
    """``build_iter_from_epoch``: the class's own conversion of an epoch-based config."""
    q = dict(p, by_epoch=False, convert_to_iter_based=False)
    if name == "quadratic_warmup":  # mmdet multiplies without int()
        q["begin"] = p["begin"] * epoch_length
    else:
        q["begin"] = int(p["begin"] * epoch_length)
    if p["end"] != INF:
        q["end"] = int(p["end"] * epoch_length)
    if name == "step":
        q["step_size"] = p["step_size"] * epoch_length
    elif name == "multistep":
        q["milestones"] = [m * epoch_length for m in p["milestones"]]
    elif name == "cosine" and p["T_max"] is not None:
        q["T_max"] = p["T_max"] * epoch_length
    elif name == "onecycle" and p["total_steps"] is not None:
        q["total_steps"] = p["total_steps"] * epoch_length
    elif name == "cosine_restart":
        q["periods"] = [x * epoch_length for x in p["periods"]]
    return q
