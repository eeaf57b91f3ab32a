"""Oracles for the schedules that live in trainers (torchtitan, nanoGPT), shared by
scripts/make_goldens_frameworks.py and tests/test_frameworks_trainers.py.

``<family>_lrs(kind, steps, base_lr, params)`` returns ``lr[0..steps-1]`` with lrplot's
convention, from the trainer's own code:

- torchtitan: the installed package's ``components/optimizer/lr_scheduler.py`` (torchtitan 0.3.0
  on the package index), loaded alone: its package ``__init__`` modules import tyro, datasets
  and the rest of the trainer, so stub packages stand above the real module, as the timm oracle
  does. ``LRSchedulersContainer.Config(...).build(...)`` over a real torch SGD, stepped as the
  trainer steps it (once per training step).
- nanoGPT is no package: :func:`nanogpt_get_lr` is a verbatim copy of ``get_lr``'s body from
  karpathy/nanoGPT ``train.py`` at commit 3adf61e154c3fe3fca428ad6bc3818b27a3b8291 (its
  globals made arguments), driven as train.py's loop drives it.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

NANOGPT_SOURCE = ("karpathy/nanoGPT", "train.py", "3adf61e154c3fe3fca428ad6bc3818b27a3b8291")
"""Repository, path and commit the nanoGPT oracle is copied from."""


def torchtitan_module() -> Any:
    """``torchtitan.components.optimizer.lr_scheduler`` without the trainer's imports."""
    import importlib
    import importlib.util
    import sys
    import types
    from pathlib import Path

    name = "torchtitan.components.optimizer.lr_scheduler"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec("torchtitan")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("torchtitan is not installed")
    root = Path(list(spec.submodule_search_locations)[0])
    for package, sub in (("torchtitan", ""), ("torchtitan.config", "config"),
                         ("torchtitan.components", "components"),
                         ("torchtitan.components.optimizer", "components/optimizer"),
                         ("torchtitan.tools", "tools")):
        if package not in sys.modules:
            stub = types.ModuleType(package)
            stub.__path__ = [str(root / sub)]
            sys.modules[package] = stub
    # the real Configurable base class; the optimizer container is only a type annotation
    configurable = importlib.import_module("torchtitan.config.configurable")
    sys.modules["torchtitan.config"].Configurable = configurable.Configurable  # type: ignore
    optimizer = types.ModuleType("torchtitan.components.optimizer.optimizer")
    optimizer.OptimizersContainer = list  # type: ignore[attr-defined]
    sys.modules.setdefault(optimizer.__name__, optimizer)
    return importlib.import_module(name)


def torchtitan_version() -> str:
    from importlib.metadata import version

    return version("torchtitan")


TORCHTITAN_2025_03 = ("pytorch/torchtitan", "torchtitan/components/lr_scheduler.py",
                      "31a5411f3a166da81ce0f220ddc3d5e285eac04b")
"""Where the March-June 2025 formula is copied from (the parent of #1284)."""


def torchtitan_2025_03_lambda(training_steps: int, warmup_steps: int, decay_ratio: Any,
                              decay_type: str = "linear", min_lr_factor: float = 0.0) -> Any:
    """``build_lr_schedulers``' arithmetic and ``linear_warmup_stable_decay``, verbatim from
    :data:`TORCHTITAN_2025_03` (job_config's fields made arguments, the logger call dropped)."""
    import functools

    lr_min = min_lr_factor
    warmup_steps = int(warmup_steps)
    if decay_ratio is not None:
        decay_steps = round(training_steps * decay_ratio)
        if warmup_steps + decay_steps > training_steps:
            decay_steps = training_steps - warmup_steps
    else:
        decay_steps = training_steps - warmup_steps
    stable_steps = training_steps - warmup_steps - decay_steps
    lr_decay_type = decay_type

    def linear_warmup_stable_decay(
        current_step: int,
        warmup_steps: int,
        stable_steps: int,
        decay_steps: int,
        lr_decay_type: str,
        lr_min: float,
    ):
        warmup_stable_steps = warmup_steps + stable_steps
        if current_step < warmup_steps:
            # linear warmup
            # 0-indexed step, hence + 1 adjustments
            current_step += 1
            curr_adjustment = float(current_step / (warmup_steps + 1))

        elif current_step < warmup_stable_steps:
            curr_adjustment = 1.0

        else:
            # 0-indexed step, hence + 1 adjustments
            current_step += 1
            progress = float(current_step - warmup_stable_steps) / (decay_steps + 1)

            if lr_decay_type == "linear":
                curr_adjustment = 1 - progress
            elif lr_decay_type == "sqrt":
                curr_adjustment = 1 - math.sqrt(progress)
            elif lr_decay_type == "cosine":
                curr_adjustment = 0.5 * (1.0 + math.cos(math.pi * progress))
            curr_adjustment = lr_min + (1 - lr_min) * curr_adjustment
        return curr_adjustment

    return functools.partial(
        linear_warmup_stable_decay,
        warmup_steps=warmup_steps,
        stable_steps=stable_steps,
        decay_steps=decay_steps,
        lr_decay_type=lr_decay_type,
        lr_min=lr_min,
    )


def torchtitan_lrs(kind: str, steps: int, base_lr: float,
                   params: Mapping[str, Any]) -> np.ndarray:
    """torchtitan 0.3.0's container; with ``formula="2025-03"`` the verbatim older lambda in
    torch's LambdaLR (what that torchtitan built)."""
    import warnings

    import torch

    options = dict(params)
    formula = options.pop("formula", "2025-06")
    training_steps = options.pop("training_steps")
    weight = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([weight], lr=base_lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if formula == "2025-03":
            container = torch.optim.lr_scheduler.LambdaLR(optimizer, torchtitan_2025_03_lambda(
                training_steps, options.get("warmup_steps", 200), options.get("decay_ratio"),
                options.get("decay_type", "linear"), options.get("min_lr_factor", 0.0)))
        else:
            config = torchtitan_module().LRSchedulersContainer.Config(**options)
            container = config.build(optimizers=[optimizer], training_steps=training_steps)
        out = np.empty(steps)
        for i in range(steps):
            out[i] = optimizer.param_groups[0]["lr"]
            if i + 1 < steps:
                optimizer.step()
                container.step()
    return out


def nanogpt_get_lr(it: int, learning_rate: float, warmup_iters: int, lr_decay_iters: int,
                   min_lr: float) -> float:
    # verbatim from karpathy/nanoGPT train.py @ 3adf61e154c3fe3fca428ad6bc3818b27a3b8291
    # 1) linear warmup for warmup_iters steps
    if it < warmup_iters:
        return learning_rate * (it + 1) / (warmup_iters + 1)
    # 2) if it > lr_decay_iters, return min learning rate
    if it > lr_decay_iters:
        return min_lr
    # 3) in between, use cosine decay down to min learning rate
    decay_ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters)
    assert 0 <= decay_ratio <= 1
    coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio)) # coeff ranges 0..1
    return min_lr + coeff * (learning_rate - min_lr)


NANOGPT_DEFAULTS = {"warmup_iters": 2000, "lr_decay_iters": 600000, "min_lr": 6e-5,
                    "decay_lr": True}
"""train.py's globals at the same commit (learning_rate = 6e-4 is base_lr)."""


def nanogpt_lrs(kind: str, steps: int, base_lr: float, params: Mapping[str, Any]) -> np.ndarray:
    """``lr = get_lr(iter_num) if decay_lr else learning_rate`` for iter_num = 0..steps-1."""
    p = {**NANOGPT_DEFAULTS, **params}
    decay_lr = p.pop("decay_lr")
    return np.array([nanogpt_get_lr(it, base_lr, **p) if decay_lr else base_lr
                     for it in range(steps)])
