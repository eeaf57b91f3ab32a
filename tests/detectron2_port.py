"""A test-only port of detectron2's lr scheduling, the oracle for lrplot's detectron2 kinds and
reader (detectron2 itself needs a compiled build that is not installable here; fvcore, which it
builds on, is, and this port runs the real fvcore and torch).

Copied verbatim (logging dropped) from facebookresearch/detectron2 at
:data:`DETECTRON2_COMMIT`:

- ``detectron2/solver/lr_scheduler.py``: WarmupParamScheduler, LRMultiplier, WarmupMultiStepLR,
  WarmupCosineLR, _get_warmup_factor_at_iter;
- ``detectron2/solver/build.py``: build_lr_scheduler;
- ``detectron2/config/defaults.py``: the ``_C.SOLVER`` defaults that shape the schedule, in a
  yacs CfgNode as detectron2 declares them.

:func:`detectron2_lrs` drives them with lrplot's convention (``lr[i]`` after ``i`` scheduler
steps, ``lr[0]`` at construction), as detectron2's LRScheduler hook steps them after every
iteration. Heavy imports happen inside the functions.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import Any, List, Mapping

import numpy as np

DETECTRON2_REPO = "facebookresearch/detectron2"
DETECTRON2_COMMIT = "02b5c4e295e990042a714712c21dc79b731e8833"
SOURCES = ("detectron2/solver/lr_scheduler.py", "detectron2/solver/build.py",
           "detectron2/config/defaults.py")


def solver_defaults() -> Any:
    """``_C.SOLVER`` of ``detectron2/config/defaults.py`` (the keys build_lr_scheduler reads)."""
    from yacs.config import CfgNode as CN

    _C = CN()
    _C.SOLVER = CN()
    _C.SOLVER.LR_SCHEDULER_NAME = "WarmupMultiStepLR"
    _C.SOLVER.MAX_ITER = 40000
    _C.SOLVER.BASE_LR = 0.001
    _C.SOLVER.BASE_LR_END = 0.0
    _C.SOLVER.MOMENTUM = 0.9
    _C.SOLVER.NESTEROV = False
    _C.SOLVER.WEIGHT_DECAY = 0.0001
    _C.SOLVER.WEIGHT_DECAY_NORM = 0.0
    _C.SOLVER.GAMMA = 0.1
    _C.SOLVER.STEPS = (30000,)
    _C.SOLVER.NUM_DECAYS = 3
    _C.SOLVER.WARMUP_FACTOR = 1.0 / 1000
    _C.SOLVER.WARMUP_ITERS = 1000
    _C.SOLVER.WARMUP_METHOD = "linear"
    _C.SOLVER.RESCALE_INTERVAL = False
    _C.SOLVER.CHECKPOINT_PERIOD = 5000
    _C.SOLVER.IMS_PER_BATCH = 16
    _C.SOLVER.REFERENCE_WORLD_SIZE = 0
    _C.SOLVER.BIAS_LR_FACTOR = 1.0
    _C.SOLVER.WEIGHT_DECAY_BIAS = None
    return _C


def _classes() -> dict[str, Any]:
    """The ported classes (defined on first use: they subclass fvcore's and torch's)."""
    import torch
    from fvcore.common.param_scheduler import (CompositeParamScheduler,
                                               ConstantParamScheduler, CosineParamScheduler,
                                               LinearParamScheduler, MultiStepParamScheduler,
                                               ParamScheduler,
                                               StepWithFixedGammaParamScheduler)

    try:
        from torch.optim.lr_scheduler import LRScheduler
    except ImportError:  # pragma: no cover
        from torch.optim.lr_scheduler import _LRScheduler as LRScheduler

    # -- detectron2/solver/lr_scheduler.py (verbatim) --

    class WarmupParamScheduler(CompositeParamScheduler):
        def __init__(
            self,
            scheduler: ParamScheduler,
            warmup_factor: float,
            warmup_length: float,
            warmup_method: str = "linear",
            rescale_interval: bool = False,
        ):
            # the value to reach when warmup ends
            end_value = scheduler(0.0) if rescale_interval else scheduler(warmup_length)
            start_value = warmup_factor * scheduler(0.0)
            if warmup_method == "constant":
                warmup = ConstantParamScheduler(start_value)
            elif warmup_method == "linear":
                warmup = LinearParamScheduler(start_value, end_value)
            else:
                raise ValueError("Unknown warmup method: {}".format(warmup_method))
            super().__init__(
                [warmup, scheduler],
                interval_scaling=["rescaled", "rescaled" if rescale_interval else "fixed"],
                lengths=[warmup_length, 1 - warmup_length],
            )

    class LRMultiplier(LRScheduler):
        def __init__(
            self,
            optimizer: torch.optim.Optimizer,
            multiplier: ParamScheduler,
            max_iter: int,
            last_iter: int = -1,
        ):
            if not isinstance(multiplier, ParamScheduler):
                raise ValueError(
                    "_LRMultiplier(multiplier=) must be an instance of fvcore "
                    f"ParamScheduler. Got {multiplier} instead."
                )
            self._multiplier = multiplier
            self._max_iter = max_iter
            super().__init__(optimizer, last_epoch=last_iter)

        def state_dict(self):
            return {"base_lrs": self.base_lrs, "last_epoch": self.last_epoch}

        def get_lr(self) -> List[float]:
            multiplier = self._multiplier(self.last_epoch / self._max_iter)
            return [base_lr * multiplier for base_lr in self.base_lrs]

    class WarmupMultiStepLR(LRScheduler):
        def __init__(
            self,
            optimizer: torch.optim.Optimizer,
            milestones: List[int],
            gamma: float = 0.1,
            warmup_factor: float = 0.001,
            warmup_iters: int = 1000,
            warmup_method: str = "linear",
            last_epoch: int = -1,
        ):
            if not list(milestones) == sorted(milestones):
                raise ValueError(
                    "Milestones should be a list of" " increasing integers. Got {}", milestones
                )
            self.milestones = milestones
            self.gamma = gamma
            self.warmup_factor = warmup_factor
            self.warmup_iters = warmup_iters
            self.warmup_method = warmup_method
            super().__init__(optimizer, last_epoch)

        def get_lr(self) -> List[float]:
            warmup_factor = _get_warmup_factor_at_iter(
                self.warmup_method, self.last_epoch, self.warmup_iters, self.warmup_factor
            )
            return [
                base_lr * warmup_factor * self.gamma ** bisect_right(self.milestones, self.last_epoch)  # noqa: E501 (verbatim)
                for base_lr in self.base_lrs
            ]

        def _compute_values(self) -> List[float]:
            return self.get_lr()

    class WarmupCosineLR(LRScheduler):
        def __init__(
            self,
            optimizer: torch.optim.Optimizer,
            max_iters: int,
            warmup_factor: float = 0.001,
            warmup_iters: int = 1000,
            warmup_method: str = "linear",
            last_epoch: int = -1,
        ):
            self.max_iters = max_iters
            self.warmup_factor = warmup_factor
            self.warmup_iters = warmup_iters
            self.warmup_method = warmup_method
            super().__init__(optimizer, last_epoch)

        def get_lr(self) -> List[float]:
            warmup_factor = _get_warmup_factor_at_iter(
                self.warmup_method, self.last_epoch, self.warmup_iters, self.warmup_factor
            )
            return [
                base_lr
                * warmup_factor
                * 0.5
                * (1.0 + math.cos(math.pi * self.last_epoch / self.max_iters))
                for base_lr in self.base_lrs
            ]

        def _compute_values(self) -> List[float]:
            return self.get_lr()

    def _get_warmup_factor_at_iter(
        method: str, iter: int, warmup_iters: int, warmup_factor: float
    ) -> float:
        if iter >= warmup_iters:
            return 1.0

        if method == "constant":
            return warmup_factor
        elif method == "linear":
            alpha = iter / warmup_iters
            return warmup_factor * (1 - alpha) + alpha
        else:
            raise ValueError("Unknown warmup method: {}".format(method))

    # -- detectron2/solver/build.py (verbatim) --

    def build_lr_scheduler(cfg, optimizer):
        name = cfg.SOLVER.LR_SCHEDULER_NAME

        if name == "WarmupMultiStepLR":
            steps = [x for x in cfg.SOLVER.STEPS if x <= cfg.SOLVER.MAX_ITER]
            sched = MultiStepParamScheduler(
                values=[cfg.SOLVER.GAMMA**k for k in range(len(steps) + 1)],
                milestones=steps,
                num_updates=cfg.SOLVER.MAX_ITER,
            )
        elif name == "WarmupCosineLR":
            end_value = cfg.SOLVER.BASE_LR_END / cfg.SOLVER.BASE_LR
            assert end_value >= 0.0 and end_value <= 1.0, end_value
            sched = CosineParamScheduler(1, end_value)
        elif name == "WarmupStepWithFixedGammaLR":
            sched = StepWithFixedGammaParamScheduler(
                base_value=1.0,
                gamma=cfg.SOLVER.GAMMA,
                num_decays=cfg.SOLVER.NUM_DECAYS,
                num_updates=cfg.SOLVER.MAX_ITER,
            )
        else:
            raise ValueError("Unknown LR scheduler: {}".format(name))

        sched = WarmupParamScheduler(
            sched,
            cfg.SOLVER.WARMUP_FACTOR,
            min(cfg.SOLVER.WARMUP_ITERS / cfg.SOLVER.MAX_ITER, 1.0),
            cfg.SOLVER.WARMUP_METHOD,
            cfg.SOLVER.RESCALE_INTERVAL,
        )
        return LRMultiplier(optimizer, multiplier=sched, max_iter=cfg.SOLVER.MAX_ITER)

    return {"WarmupParamScheduler": WarmupParamScheduler, "LRMultiplier": LRMultiplier,
            "WarmupMultiStepLR": WarmupMultiStepLR, "WarmupCosineLR": WarmupCosineLR,
            "build_lr_scheduler": build_lr_scheduler}


_CACHE: dict[str, Any] = {}


def classes() -> dict[str, Any]:
    if not _CACHE:
        _CACHE.update(_classes())
    return _CACHE


# -- lrplot's kinds as the real objects ---------------------------------------------------------

FVCORE = {"constant": "ConstantParamScheduler", "cosine": "CosineParamScheduler",
          "exponential": "ExponentialParamScheduler", "linear": "LinearParamScheduler",
          "multistep": "MultiStepParamScheduler", "polynomial": "PolynomialDecayParamScheduler",
          "step": "StepParamScheduler",
          "step_fixed_gamma": "StepWithFixedGammaParamScheduler",
          "composite": "CompositeParamScheduler"}


def param_scheduler(spec: Mapping[str, Any]) -> Any:
    """The fvcore (or detectron2) ParamScheduler of a child mapping ``{type: ..., params}``."""
    from fvcore.common import param_scheduler as fv

    name = str(spec["type"]).split(".", 1)[1]
    # copies: fvcore writes into the lengths list it is given
    args = {k: (list(v) if isinstance(v, (tuple, list)) else v) for k, v in spec.items()
            if k != "type"}
    if name == "composite":
        args["schedulers"] = [param_scheduler(c) for c in args["schedulers"]]
        return fv.CompositeParamScheduler(**args)
    if name == "warmup":
        args["scheduler"] = param_scheduler(args["scheduler"][0])
        return classes()["WarmupParamScheduler"](**args)
    return getattr(fv, FVCORE[name])(**args)


def _optimizer(base_lr: float) -> Any:
    import torch

    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base_lr)


def _run(scheduler: Any, optimizer: Any, steps: int) -> np.ndarray:
    out = np.empty(steps)
    group = optimizer.param_groups[0]
    out[0] = group["lr"]
    for i in range(1, steps):
        scheduler.step()
        out[i] = group["lr"]
    return out


def solver_cfg(base_lr: float, params: Mapping[str, Any]) -> Any:
    """``_C`` with lrplot's ``detectron2.solver`` parameters merged into SOLVER."""
    cfg = solver_defaults()
    cfg.SOLVER.BASE_LR = base_lr
    for key, value in params.items():
        name = "STEPS" if key == "solver_steps" else key.upper()
        cfg.SOLVER[name] = tuple(value) if isinstance(value, (list, tuple)) else value
    return cfg


def detectron2_lrs(kind: str, steps: int, base_lr: float, params: Mapping[str, Any]
                   ) -> np.ndarray:
    """lr[0..steps-1] of an lrplot detectron2 kind, from the real fvcore + the ported code."""
    import warnings

    name = kind.split(".", 1)[1]
    c = classes()
    optimizer = _optimizer(base_lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name == "solver":
            scheduler = c["build_lr_scheduler"](solver_cfg(base_lr, params), optimizer)
        elif name == "lr_multiplier":
            scheduler = c["LRMultiplier"](optimizer, param_scheduler(params["multiplier"][0]),
                                          params["max_iter"])
        elif name == "warmup_multistep":
            scheduler = c["WarmupMultiStepLR"](optimizer, list(params["milestones"]),
                                               **{k: v for k, v in params.items()
                                                  if k != "milestones"})
        elif name == "warmup_cosine":
            scheduler = c["WarmupCosineLR"](optimizer, **params)
        else:  # a param scheduler alone: LRMultiplier with max_iter = steps
            scheduler = c["LRMultiplier"](optimizer, param_scheduler({"type": kind, **params}),
                                          steps)
        return _run(scheduler, optimizer, steps)


def versions() -> dict[str, str]:
    import importlib.metadata as md

    found = {"detectron2": f"{DETECTRON2_REPO}@{DETECTRON2_COMMIT} (ported: "
                           f"{', '.join(SOURCES)})"}
    for name in ("fvcore", "torch", "yacs"):
        try:
            found[name] = md.version(name)
        except md.PackageNotFoundError:
            pass
    return found


# -- a yacs config as DefaultTrainer reads it ---------------------------------------------------


def auto_scale_workers(cfg: Any, num_workers: int) -> Any:
    """``DefaultTrainer.auto_scale_workers`` (detectron2/engine/defaults.py, verbatim, logging
    and TEST.EVAL_PERIOD dropped: this port's _C has no TEST section)."""
    old_world_size = cfg.SOLVER.REFERENCE_WORLD_SIZE
    if old_world_size == 0 or old_world_size == num_workers:
        return cfg
    cfg = cfg.clone()
    frozen = cfg.is_frozen()
    cfg.defrost()

    assert (
        cfg.SOLVER.IMS_PER_BATCH % old_world_size == 0
    ), "Invalid REFERENCE_WORLD_SIZE in config!"
    scale = num_workers / old_world_size
    bs = cfg.SOLVER.IMS_PER_BATCH = int(round(cfg.SOLVER.IMS_PER_BATCH * scale))  # noqa: F841
    lr = cfg.SOLVER.BASE_LR = cfg.SOLVER.BASE_LR * scale  # noqa: F841
    max_iter = cfg.SOLVER.MAX_ITER = int(round(cfg.SOLVER.MAX_ITER / scale))  # noqa: F841
    warmup_iter = cfg.SOLVER.WARMUP_ITERS = int(round(cfg.SOLVER.WARMUP_ITERS / scale))  # noqa
    cfg.SOLVER.STEPS = tuple(int(round(s / scale)) for s in cfg.SOLVER.STEPS)
    cfg.SOLVER.CHECKPOINT_PERIOD = int(round(cfg.SOLVER.CHECKPOINT_PERIOD / scale))
    cfg.SOLVER.REFERENCE_WORLD_SIZE = num_workers  # maintain invariant
    if frozen:
        cfg.freeze()
    return cfg


def load_yacs(path: str, world_size: int | None = None) -> Any:
    """``_C`` (SOLVER) merged with a config file and its ``_BASE_`` chain by fvcore's own
    ``CfgNode.load_yaml_with_base`` and yacs' ``merge_from_other_cfg`` (which decodes strings
    and checks types), then auto-scaled to ``world_size`` as DefaultTrainer does."""
    from fvcore.common.config import CfgNode

    loaded = CfgNode.load_yaml_with_base(path, allow_unsafe=False)
    cfg = solver_defaults()
    cfg.SOLVER.merge_from_other_cfg(CfgNode(loaded.get("SOLVER", {})))
    return cfg if world_size is None else auto_scale_workers(cfg, world_size)


def lrs_at(cfg: Any, indices: Any) -> np.ndarray:
    """``build_lr_scheduler(cfg)``'s lr at the given iterations: ``get_lr`` is a closed form of
    ``last_epoch`` (LRMultiplier keeps no other state), so a long run is sampled exactly."""
    scheduler = classes()["build_lr_scheduler"](cfg, _optimizer(cfg.SOLVER.BASE_LR))
    out = []
    for i in indices:
        scheduler.last_epoch = int(i)
        out.append(scheduler.get_lr()[0])
    return np.array(out)
