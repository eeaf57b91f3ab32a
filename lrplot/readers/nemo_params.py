"""NeMo's scheduler params dataclasses (``nemo/core/config/schedulers.py``, nemo_toolkit 3.0.0):
what a config's ``sched.args`` or ``_target_`` builds before the scheduler sees it.

These are not the schedulers' own signatures: a dataclass has its own defaults (every field is
passed to the scheduler, ``None`` included; ``StepLRParams.step_size`` is 0.1, ``ExponentialLRParams
.gamma`` 0.9), and ``prepare_lr_scheduler`` names the scheduler after the class with ``Params``
removed (``CosineAnnealingParams`` -> ``CosineAnnealing``). tests/test_readers_nemo_args.py
checks this table against the installed module field by field.
"""

from __future__ import annotations

from typing import Any

MODULE = "nemo.core.config.schedulers"

_WARMUP = {"max_steps": 0, "warmup_steps": None, "warmup_ratio": None}

DATACLASSES: dict[str, tuple[str | None, dict[str, Any]]] = {
    # name: (the class it extends, its fields and defaults in declaration order)
    "SchedulerParams": (None, {"last_epoch": -1}),
    "SquareRootConstantSchedulerParams": ("SchedulerParams", {"constant_steps": None,
                                                              "constant_ratio": None}),
    "WarmupSchedulerParams": ("SchedulerParams", _WARMUP),
    "WarmupHoldSchedulerParams": ("WarmupSchedulerParams", {"hold_steps": None,
                                                            "hold_ratio": None, "min_lr": 0.0}),
    "WarmupAnnealingHoldSchedulerParams": ("WarmupSchedulerParams", {
        "constant_steps": None, "constant_ratio": None, "min_lr": 0.0}),
    "SquareAnnealingParams": ("WarmupSchedulerParams", {"min_lr": 1e-5}),
    "SquareRootAnnealingParams": ("WarmupSchedulerParams", {"min_lr": 0.0}),
    "CosineAnnealingParams": ("WarmupAnnealingHoldSchedulerParams", {"min_lr": 0.0}),
    "NoamAnnealingParams": ("WarmupSchedulerParams", {"min_lr": 0.0}),
    "NoamHoldAnnealingParams": ("WarmupHoldSchedulerParams", {"decay_rate": 0.5}),
    "WarmupAnnealingParams": ("WarmupSchedulerParams", {"warmup_ratio": None}),
    "InverseSquareRootAnnealingParams": ("WarmupSchedulerParams", {}),
    "PolynomialDecayAnnealingParams": ("WarmupSchedulerParams", {"power": 1.0, "cycle": False}),
    "PolynomialHoldDecayAnnealingParams": ("WarmupSchedulerParams", {"power": 1.0,
                                                                     "cycle": False}),
    "StepLRParams": ("SchedulerParams", {"step_size": 0.1, "gamma": 0.1}),
    "ExponentialLRParams": ("SchedulerParams", {"gamma": 0.9}),
    "ReduceLROnPlateauParams": (None, {
        "mode": "min", "factor": 0.1, "patience": 10, "verbose": False, "threshold": 1e-4,
        "threshold_mode": "rel", "cooldown": 0, "min_lr": 0, "eps": 1e-8}),
    "CyclicLRParams": ("SchedulerParams", {
        "base_lr": 0.001, "max_lr": 0.1, "step_size_up": 2000, "step_size_down": None,
        "mode": "triangular", "gamma": 1.0, "scale_mode": "cycle", "cycle_momentum": True,
        "base_momentum": 0.8, "max_momentum": 0.9}),
}

REGISTERED = {
    # AVAILABLE_SCHEDULER_PARAMS: the names ``sched.args.name`` may give (or ``auto`` makes of
    # ``sched.name``); two of them differ from their class's name
    "SchedulerParams": "SchedulerParams",
    "WarmupPolicyParams": "WarmupSchedulerParams",
    "WarmupHoldPolicyParams": "WarmupHoldSchedulerParams",
    "WarmupAnnealingHoldSchedulerParams": "WarmupAnnealingHoldSchedulerParams",
    "SquareAnnealingParams": "SquareAnnealingParams",
    "SquareRootAnnealingParams": "SquareRootAnnealingParams",
    "InverseSquareRootAnnealingParams": "InverseSquareRootAnnealingParams",
    "SquareRootConstantSchedulerParams": "SquareRootConstantSchedulerParams",
    "CosineAnnealingParams": "CosineAnnealingParams",
    "NoamAnnealingParams": "NoamAnnealingParams",
    "NoamHoldAnnealingParams": "NoamHoldAnnealingParams",
    "WarmupAnnealingParams": "WarmupAnnealingParams",
    "PolynomialDecayAnnealingParams": "PolynomialDecayAnnealingParams",
    "PolynomialHoldDecayAnnealingParams": "PolynomialHoldDecayAnnealingParams",
    "ReduceLROnPlateauParams": "ReduceLROnPlateauParams",
}


def fields(name: str) -> dict[str, Any]:
    """The dataclass's fields with their defaults, the inherited ones first (as ``vars()`` of
    an instance lists them)."""
    base, own = DATACLASSES[name]
    out = fields(base) if base else {}
    out.update(own)
    return out


def scheduler_name(name: str) -> str:
    """The scheduler prepare_lr_scheduler builds from an instance: the class name without
    ``Params`` (``WarmupSchedulerParams`` -> ``WarmupScheduler``, which NeMo has not)."""
    return name.replace("Params", "")
