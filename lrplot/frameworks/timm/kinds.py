"""timm's ``timm.scheduler`` classes as ``timm.<name>`` kinds (also ``timm.<ClassName>``).
Declarations only; kernels in lrplot.frameworks.timm.kernels.

Parameter names and defaults are the scheduler classes' (``CosineLRScheduler(optimizer,
t_initial, lr_min=0., ...)``); base_lr is the optimizer's lr. One parameter is lrplot's:
``updates_per_epoch`` — with ``t_in_epochs`` (timm's default) the schedule is stepped once per
epoch, and lrplot shows every optimizer update, the lr staying flat within an epoch.
Values are bit for bit timm's (Python floats), noise included: timm seeds a torch.Generator
with noise_seed + t, and lrplot reproduces those draws without torch. These classes always
draw normal noise (noise_type is a PlateauLRScheduler argument only).

Bounds refuse what timm asserts against (t_initial <= 0, lb >= ub, negative lr_min...) and what
it would crash on or loop forever with: cycle_mul < 1 (the log of a negative number once the
shrinking cycles are used up), noise_pct <= 0 (timm redraws until |noise| < noise_pct),
unsorted multistep decay_t (timm bisects it as if sorted).
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from lrplot.frameworks.timm import events
from lrplot.params import Param, format_value
from lrplot.schedules import Kind, register

KERNELS = "lrplot.frameworks.timm.kernels"


def _warmup(prefix_default: bool) -> tuple[Param, ...]:
    return (
        Param("warmup_t", "int", "warmup length in epochs (updates without t_in_epochs)",
              default=0, min=0),
        Param("warmup_lr_init", "float", "the lr the warmup starts from", default=0.0, min=0),
        Param("warmup_prefix", "bool", "start the schedule after the warmup (else the warmup "
              "overlays its first warmup_t steps)", default=prefix_default),
    )


def _common() -> tuple[Param, ...]:
    return (
        Param("t_in_epochs", "bool", "t counts epochs: the lr changes once per epoch (else once "
              "per update)", default=True),
        Param("updates_per_epoch", "int", "lrplot's: optimizer updates per epoch, to show a "
              "t_in_epochs schedule per update", default=1, min=1),
        Param("noise_range_t", "int_list", "add noise from t = start: [start] or [start, end)",
              default=None, min=0),
        Param("noise_pct", "float", "noise limit: |noise| < noise_pct", default=0.67, min=0,
              min_exclusive=True),
        Param("noise_std", "float", "standard deviation of the noise", default=1.0, min=0),
        Param("noise_seed", "int", "noise seed (timm seeds noise_seed + t)", default=42, min=0),
    )


def _cycles() -> tuple[Param, ...]:
    return (
        Param("lr_min", "float", "the lr at the end of each cycle", default=0.0, min=0),
        Param("cycle_mul", "float", "each cycle is cycle_mul times longer", default=1.0, min=1),
        Param("cycle_decay", "float", "each cycle starts cycle_decay times lower", default=1.0,
              min=0),
        Param("cycle_limit", "int", "number of cycles; lr_min after them", default=1, min=0),
    )


def _t_initial() -> Param:
    return Param("t_initial", "int", "length of the first cycle", min=1)


def _k_decay() -> Param:
    return Param("k_decay", "float", "k-decay: t ** k / t_initial ** k (1: the plain schedule)",
                 default=1.0, min=0, min_exclusive=True)


MAX_REDRAWS = 1000
"""Most redraws per step the noise may need on average (timm redraws until |noise| <
noise_pct: a tiny noise_pct against noise_std loops all but forever)."""


def _noise_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    noise = p["noise_range_t"]
    if noise is not None and not 1 <= len(noise) <= 2:
        return [("noise_range_t", "expected [start] or [start, end]")]
    if noise is not None and p["noise_std"] > 0:
        accept = math.erf(p["noise_pct"] / (p["noise_std"] * math.sqrt(2)))
        if accept * MAX_REDRAWS < 1:
            least = p["noise_std"] * math.sqrt(math.pi / 2) / MAX_REDRAWS
            return [("noise_pct", f"with noise_std={p['noise_std']:g}, noise_pct="
                                  f"{p['noise_pct']:g} makes timm redraw the noise about "
                                  f"{1 / accept if accept else math.inf:.3g} times per step "
                                  f"(a near-endless loop); use noise_pct >= {least:.2g} or a "
                                  f"smaller noise_std")]
    return []


def _per_update(p: Mapping[str, Any], steps: float) -> int:
    return math.ceil(steps) * (p["updates_per_epoch"] if p["t_in_epochs"] else 1)


def _cycle_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    cycles = max(1, p["cycle_limit"])
    if p["cycle_mul"] == 1:
        length = p["t_initial"] * cycles
    else:
        length = p["t_initial"] * (p["cycle_mul"] ** cycles - 1) / (p["cycle_mul"] - 1)
    length += p["warmup_t"] if p["warmup_prefix"] else 0
    return _per_update(p, length * 1.1 + 2), "10% past the last cycle"


def _timm(name: str, cls: str, summary: str, params: tuple[Param, ...], example: str,
          horizon: Any, check: Any = None, kernel: str | None = None, floor: Any = None) -> Kind:
    def checks(p: Mapping[str, Any]) -> list[tuple[str, str]]:
        return _noise_check(p) + (check(p) if check else [])

    return register(Kind(
        name=f"timm.{name}", framework_class=cls, summary=summary, params=params,
        kernel=f"{KERNELS}:{kernel or name}", horizon=horizon, check=checks, example=example,
        framework="timm",
        floor=floor, events=events.events,
    ))


def _one_cycle_floor(p: Mapping[str, Any]) -> tuple[str, int, str] | None:
    """timm's one-cycle schedulers reach lr_min at t_initial (after a prefixed warmup). Only
    when a step is one t (stepped per epoch with one update each, or per update): the advice
    is then in t_initial's own unit. Restarts and noise have no single floor."""
    if p["cycle_limit"] != 1 or p.get("noise_range_t") or \
            (p["t_in_epochs"] and p.get("updates_per_epoch", 1) != 1):
        return None
    length = p["t_initial"] + (p["warmup_t"] if p["warmup_prefix"] else 0)
    return "t_initial", length, f"lr_min={format_value(p['lr_min'])}"


COSINE = _timm(
    "cosine", "CosineLRScheduler",
    "cosine from base_lr to lr_min over t_initial, optional warmup, restarts and k-decay",
    (_t_initial(), *_cycles(), *_warmup(False), *_common(), _k_decay()),
    "--t-initial 100 --warmup-t 5 --warmup-prefix false,true",
    horizon=_cycle_horizon,
    floor=_one_cycle_floor)


def _tanh_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [] if p["lb"] < p["ub"] else [("ub", "must be greater than lb")]


TANH = _timm(
    "tanh", "TanhLRScheduler",
    "1 - tanh from lb to ub, scaled from base_lr to lr_min over t_initial; optional warmup "
    "and restarts",
    (_t_initial(), Param("lb", "float", "tanh argument at the start of a cycle", default=-7.0),
     Param("ub", "float", "tanh argument at the end of a cycle", default=3.0),
     *_cycles(), *_warmup(False), *_common()),
    "--t-initial 100 --warmup-t 5",
    horizon=_cycle_horizon, check=_tanh_check, kernel="tanh_",
    floor=_one_cycle_floor)

POLY = _timm(
    "poly", "PolyLRScheduler",
    "(1 - t / t_initial) ** power from base_lr to lr_min, optional warmup, restarts, k-decay",
    (_t_initial(), Param("power", "float", "power of the decay", default=0.5, min=0),
     *_cycles(), *_warmup(False), *_common(), _k_decay()),
    "--t-initial 100 --power 0.5,1,2",
    horizon=_cycle_horizon,
    floor=_one_cycle_floor)


def _step_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    warm = p["warmup_t"] if p["warmup_prefix"] else 0
    return _per_update(p, warm + 5 * p["decay_t"] + 1), "five decays"


STEP = _timm(
    "step", "StepLRScheduler",
    "base_lr * decay_rate ** (t // decay_t), after an optional warmup",
    (Param("decay_t", "float", "period of the decay", min=0, min_exclusive=True),
     Param("decay_rate", "float", "factor per decay", default=1.0, min=0),
     *_warmup(True), *_common()),
    "--decay-t 30 --decay-rate 0.1,0.5",
    horizon=_step_horizon)


def _multistep_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    milestones = list(p["decay_t"])
    return [] if milestones == sorted(milestones) else [
        ("decay_t", "must be sorted (timm bisects it as if it were)")]


def _multistep_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    last = max(p["decay_t"], default=0) + (p["warmup_t"] if p["warmup_prefix"] else 0)
    return _per_update(p, last * 1.25 + 10), "25% past the last milestone"


MULTISTEP = _timm(
    "multistep", "MultiStepLRScheduler",
    "base_lr * decay_rate ** (milestones <= t + 1): each milestone applies a step earlier than "
    "torch's MultiStepLR",
    (Param("decay_t", "int_list", "milestones, sorted", min=0),
     Param("decay_rate", "float", "factor per milestone", default=1.0, min=0),
     *_warmup(True), *_common()),
    "--decay-t 30,60,80 --decay-rate 0.1",
    horizon=_multistep_horizon, check=_multistep_check)
