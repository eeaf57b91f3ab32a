"""PyTorch's ``torch.optim.lr_scheduler`` kinds: declarations only (kernels: lrplot.kernels.pytorch).

Bounds refuse what torch accepts but cannot mean: T_max = 0 (torch divides by zero), a zero or
fractional step_size, a NaN, infinite, zero or negative gamma.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from lrplot.params import REQUIRED, Param
from lrplot.schedules import Kind, register

KERNELS = "lrplot.kernels.pytorch"

GAMMA_HELP = "multiplicative factor of learning-rate decay"


def _gamma(default: Any = 0.1, help: str = GAMMA_HELP) -> Param:
    return Param("gamma", "float", help, default=default, min=0, min_exclusive=True)


def _decay_horizon(gamma: float) -> int:
    """Steps until an exponential decay reaches 1% of its start (100 if it never does)."""
    if gamma >= 1:
        return 100
    return max(10, math.ceil(math.log(0.01) / math.log(gamma)) + 1)


def _exponential_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    gamma = p["gamma"]
    if gamma >= 1:
        return 100, "gamma >= 1 never decays"
    return _decay_horizon(gamma), "until lr falls to 1% of base_lr"


def _step_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    return 5 * p["step_size"], "five decays"


def _multistep_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    milestones = p["milestones"]
    if not milestones:
        return 100, "no milestones"
    last = max(milestones)
    return last + max(10, math.ceil(last * 0.25)), "25% past the last milestone"


def _cosine_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    return 2 * p["T_max"] + 1, "one full period, 2*T_max, to show the rise after T_max"


EXPONENTIAL = register(Kind(
    name="exponential",
    framework_class="ExponentialLR",
    summary="multiply the lr by gamma every step: lr = base_lr * gamma**t",
    params=(_gamma(default=REQUIRED),),
    kernel=f"{KERNELS}:exponential",
    example="--gamma 0.9,0.95,0.98",
    horizon=_exponential_horizon,
))

STEP = register(Kind(
    name="step",
    framework_class="StepLR",
    summary="multiply the lr by gamma every step_size steps",
    params=(
        Param("step_size", "int", "period of learning-rate decay, in steps", min=1),
        _gamma(),
    ),
    kernel=f"{KERNELS}:step",
    example="--step-size 50 --gamma 0.5,0.65,0.8",
    horizon=_step_horizon,
))

MULTISTEP = register(Kind(
    name="multistep",
    framework_class="MultiStepLR",
    summary="multiply the lr by gamma at each milestone (a repeated milestone applies gamma again)",
    params=(
        Param("milestones", "int_list", "steps at which to decay; order does not matter, "
              "duplicates compound", min=0),
        _gamma(),
    ),
    kernel=f"{KERNELS}:multistep",
    example="--milestones 200,300,320,340 --gamma 0.8",
    horizon=_multistep_horizon,
))

COSINE = register(Kind(
    name="cosine",
    framework_class="CosineAnnealingLR",
    summary="cosine from base_lr down to eta_min over T_max steps, then back up (period 2*T_max)",
    params=(
        Param("T_max", "int", "half period: steps from base_lr down to eta_min", min=1),
        Param("eta_min", "float", "minimum learning rate", default=0.0, min=0),
    ),
    kernel=f"{KERNELS}:cosine",
    example="--t-max 50,100,150",
    horizon=_cosine_horizon,
))
