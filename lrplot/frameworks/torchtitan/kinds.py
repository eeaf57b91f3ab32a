"""torchtitan's warmup-stable-decay schedule as the kind ``torchtitan.wsd``.

Declarations only; kernel in lrplot.frameworks.torchtitan.kernels. The source is
``torchtitan/components/optimizer/lr_scheduler.py`` (``LRSchedulersContainer.Config``, torchtitan
0.3.0 on the package index): a torch ``LambdaLR`` over the optimizer's lr (lrplot's ``base_lr``,
torchtitan's ``[optimizer] lr``) with a factor computed in Python floats, so lrplot matches it bit
for bit. Parameter names and defaults are the ``[lr_scheduler]`` section's; ``training_steps`` is
``[training] steps``. Older torchtitan (``components/lr_scheduler.py`` up to early 2025) warmed up
as ``(s+1)/(w+1)`` and clamped past the end; this is the 0.3.0 formula, whose warm-up reaches 1
at step w-1 and whose stable phase is one step longer than ``steps - warmup - decay``;
``formula: "2025-03"`` gives the older one (torchtitan 2404197 to 31a5411f, March to June 2025).
"""

from __future__ import annotations

from typing import Any, Mapping

from lrplot.frameworks.torchtitan import events
from lrplot.frameworks.torchtitan.phases import phases
from lrplot.params import Param
from lrplot.schedules import Kind, register


def _check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    if p.get("formula") != "2025-03":
        return []
    if p.get("total_steps") is not None:
        return [("total_steps", "came with the 2025-06 formula (torchtitan had no total_steps "
                                "before February 2026)")]
    if p["warmup_steps"] > p["training_steps"]:
        return [("warmup_steps", "exceeds training_steps: torchtitan before June 2025 did not "
                                 "cap it, and its decay length went negative")]
    return []


def _check_steps(p: Mapping[str, Any], steps: int) -> str | None:
    _, warmup, stable, decay = phases(p)
    if p.get("formula") == "2025-03":
        return None  # progress divides by decay + 1
    if decay == 0 and steps > warmup + stable:
        return (f"exceeds warmup + stable = {warmup + stable} with no decay steps "
                f"(torchtitan asserts decay_steps != 0 there)")
    return None


WSD = register(Kind(
    name="torchtitan.wsd", framework_class="LRSchedulersContainer",
    summary="linear warm-up, stable, then linear/sqrt/cosine decay to min_lr_factor * base_lr",
    params=(
        Param("training_steps", "int", "[training] steps: the steps the trainer takes", min=1),
        Param("warmup_steps", "int", "steps of linear warm-up to base_lr (capped at total)",
              default=200, min=0),
        Param("total_steps", "int", "steps the schedule is laid over (default: training_steps)",
              default=None, min=1),
        Param("decay_ratio", "float", "the last decay_ratio of the steps decay (default: all "
              "after the warm-up)", default=None, min=0, max=1),
        Param("decay_type", "choice", "shape of the decay", default="linear",
              choices=("linear", "sqrt", "cosine")),
        Param("min_lr_factor", "float", "the lr at the end of the decay, as a factor of base_lr",
              default=0.0, min=0, max=1),
        Param("formula", "choice", "lrplot's: torchtitan's formula since June 2025 (#1284, 0.3.0) "
              "or the one of March-June 2025: warm-up (s+1)/(w+1), decay progress over "
              "decay + 1 steps, no extra stable step", default="2025-06",
              choices=("2025-06", "2025-03")),
    ),
    kernel="lrplot.frameworks.torchtitan.kernels:wsd",
    horizon=lambda p: (p["training_steps"], "the training steps"),
    example="--training-steps 1000 --warmup-steps 100 --decay-ratio 0.2",
    framework="torchtitan", check=_check, check_steps=_check_steps,
    events=events.events,
))
