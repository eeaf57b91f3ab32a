"""numpy kernel of torchtitan's warmup-stable-decay LambdaLR, bit for bit with torchtitan 0.3.0.

The factor is ``linear_warmup_stable_decay`` of ``LRSchedulersContainer.Config.build``, computed
in Python floats; each branch below keeps its order of operations, and LambdaLR multiplies the
optimizer's lr by it (``base_lr * f``). Integer step arithmetic is exact in int64 and its true
division correctly rounded, as Python's is.
"""

from __future__ import annotations

import math

import numpy as np

from lrplot.kernel_tools import CHUNK, Chunks, closed_form
from lrplot.libm import cos
from lrplot.frameworks.torchtitan.phases import phases


def wsd(n: int, base_lr: float, training_steps: int, warmup_steps: int, total_steps: int | None,
        decay_ratio: float | None, decay_type: str, min_lr_factor: float,
        formula: str = "2025-06", chunk: int = CHUNK) -> Chunks:
    """::

        if current_step < warmup_steps:
            current_step += 1
            curr_adjustment = float(current_step / warmup_steps)
        elif current_step < warmup_stable_steps:
            curr_adjustment = 1.0
        else:
            current_step += 1
            progress = float(current_step - warmup_stable_steps) / decay_steps
            <linear: 1 - progress | sqrt: 1 - math.sqrt(progress)
             | cosine: 0.5 * (1.0 + math.cos(math.pi * progress))>
            curr_adjustment = min_lr_factor + (1 - min_lr_factor) * curr_adjustment

    Past the schedule's end progress exceeds 1 and torchtitan goes on (linear and sqrt turn
    negative, cosine rises); so does this kernel. ``formula="2025-03"``: the warm-up is
    ``float(current_step / (warmup_steps + 1))`` and the progress divides by ``decay_steps + 1``.
    """
    params = {"training_steps": training_steps, "warmup_steps": warmup_steps,
              "total_steps": total_steps, "decay_ratio": decay_ratio, "formula": formula}
    _, w, stable, d = phases(params)
    ws = w + stable
    m = float(min_lr_factor)
    legacy = formula == "2025-03"
    w_div, d_div = (w + 1, d + 1) if legacy else (w, d)

    def f(t: np.ndarray) -> np.ndarray:
        warm = (t + 1) / w_div if w_div else np.zeros(len(t))
        with np.errstate(invalid="ignore", divide="ignore"):
            progress = (t + 1 - ws).astype(np.float64) / d_div if d_div else np.zeros(len(t))
            if decay_type == "linear":
                adj = 1 - progress
            elif decay_type == "sqrt":
                adj = 1 - np.sqrt(progress)
            else:
                adj = 0.5 * (1.0 + cos(math.pi * progress))
        decay = m + (1 - m) * adj
        return base_lr * np.where(t < w, warm, np.where(t < ws, 1.0, decay))
    return closed_form(n, chunk, f)
