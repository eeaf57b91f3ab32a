"""OneCycleLR's step arithmetic, as torch builds it: pure Python, shared by the declaration's
checks (no numpy), the kernel and the step-by-step port."""

from __future__ import annotations


def total(total_steps: int | None, epochs: int | None,
          steps_per_epoch: int | None) -> int | None:
    """torch's total_steps: given, or epochs * steps_per_epoch; None when neither is complete."""
    if total_steps is not None:
        return total_steps
    if epochs is not None and steps_per_epoch is not None:
        return epochs * steps_per_epoch
    return None


def phases(total: int, pct_start: float, three_phase: bool
           ) -> list[tuple[float, str, str, str, str]]:
    """(end_step, start_lr, end_lr, start_momentum, end_momentum) per phase, as torch builds
    them."""
    if three_phase:
        return [
            (float(pct_start * total) - 1, "initial", "max", "max_m", "base_m"),
            (float(2 * pct_start * total) - 2, "max", "initial", "base_m", "max_m"),
            (total - 1, "initial", "min", "max_m", "max_m"),
        ]
    return [
        (float(pct_start * total) - 1, "initial", "max", "max_m", "base_m"),
        (total - 1, "max", "min", "base_m", "max_m"),
    ]
