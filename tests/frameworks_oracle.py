"""Oracles for the non-torch frameworks, shared by scripts/make_goldens_frameworks.py and the
tests/test_frameworks_*.py parity tests.

Each ``<framework>_lrs(kind, steps, base_lr, params)`` runs the real library and returns
``lr[0..steps-1]`` with lrplot's convention (``lr[0]`` right after construction, ``lr[i]`` after
``i`` scheduler steps; for functional schedules ``lr[i] = schedule(i)``). ``kind`` is lrplot's
name (``hf.cosine``) and ``params`` use lrplot's (= the framework's) parameter names. Heavy
imports happen inside the functions, so the golden tests import this module without any of the
libraries installed; only the standard library and numpy are needed at import time (the Optax
goldens are made in a throwaway virtualenv that has no lrplot).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, Mapping

import numpy as np

import torch_oracle  # the fixture format and the comparison (it imports torch lazily)

GOLDEN_DIR = Path(__file__).parent / "golden"

RTOL_FLOAT64 = torch_oracle.RTOL
"""Frameworks that compute in Python floats (transformers, timm)."""

RTOL_FLOAT32 = 1e-6
"""Frameworks that compute in float32 by default (Keras, Optax on jax)."""

TINY = torch_oracle.TINY

FLOAT32_ULP = 2.0 ** -23


def golden_path(framework: str) -> Path:
    return GOLDEN_DIR / f"{framework}.json"


def load_goldens(framework: str) -> dict[str, Any]:
    return torch_oracle.load_goldens(golden_path(framework))


def dump_goldens(data: Mapping[str, Any], framework: str) -> None:
    torch_oracle.dump_goldens(data, golden_path(framework))


def max_rel_error(actual: Any, expected: Any) -> float:
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    same = actual == expected
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(same, 0.0, np.abs(actual - expected) / np.abs(expected))
    return float(rel.max()) if rel.size else 0.0


def assert_lr_close(actual: Any, expected: Any, *, rtol: float, indices: Any = None,
                    context: str = "") -> None:
    """``actual`` matches ``expected`` within ``rtol`` relative, plus :data:`TINY` absolute —
    and for the float32 frameworks plus one float32 ulp of the series' largest value: near a
    cosine minimum ``1 + cos(x)`` cancels in float32, and the frameworks' float32 ``cos`` is not
    always correctly rounded, so a last-bit difference there is that large relative to the
    (tiny) value."""
    expected = np.asarray(expected, dtype=np.float64)
    atol = TINY if rtol <= RTOL_FLOAT64 else FLOAT32_ULP * float(np.max(np.abs(expected),
                                                                        initial=0))
    torch_oracle.assert_lr_close(actual, expected, rtol=rtol, atol=atol, indices=indices,
                                 context=context)


# -- transformers -----------------------------------------------------------------------------

HF_TOP_LEVEL = ("num_warmup_steps", "num_training_steps")


def hf_lrs(kind: str, steps: int, base_lr: float, params: Mapping[str, Any]) -> np.ndarray:
    """``transformers.get_scheduler(name, SGD(lr=base_lr), ...)`` stepped ``steps - 1`` times.

    num_warmup_steps and num_training_steps are get_scheduler's own arguments; every other
    parameter goes through ``scheduler_specific_kwargs``, as a Trainer passes them.
    """
    import torch
    from transformers import get_scheduler

    name = kind.split(".", 1)[1]
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=base_lr)
    group = optimizer.param_groups[0]
    top = {k: params[k] for k in HF_TOP_LEVEL if k in params}
    extra = {k: v for k, v in params.items() if k not in HF_TOP_LEVEL and v is not None}
    out = np.empty(steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scheduler = get_scheduler(name, optimizer, **top,
                                  scheduler_specific_kwargs=extra or None)
        out[0] = group["lr"]
        for i in range(1, steps):
            scheduler.step()
            out[i] = group["lr"]
    return out


def _trainer_versions() -> dict[str, Any]:
    import trainers_oracle
    import ultralytics_oracle

    return {"torchtitan": trainers_oracle.torchtitan_version,
            "torchtitan-2025-03": lambda: "@".join(trainers_oracle.TORCHTITAN_2025_03),
            "nanogpt": lambda: "@".join(trainers_oracle.NANOGPT_SOURCE),
            "detectron2": lambda: _detectron2_versions()["detectron2"],
            "fvcore": lambda: _detectron2_versions()["fvcore"],
            "yacs": lambda: _detectron2_versions()["yacs"],
            "ultralytics": ultralytics_oracle.ultralytics_version,
            "yolov5": lambda: "@".join(ultralytics_oracle.YOLOV5_SOURCE) + " (ported)"}


def _detectron2_versions() -> dict[str, str]:
    import detectron2_port

    return detectron2_port.versions()


VERSIONS = {"timm": lambda: timm_version(), **_trainer_versions()}
"""Frameworks whose version is not ``module.__version__``."""
VERSION_MODULES = {"megatron": "megatron.core"}
"""Frameworks whose version is a submodule's (megatron-core is ``megatron.core``)."""


def versions_of(*modules: str) -> dict[str, str]:
    import importlib

    found = {}
    for name in modules:
        try:
            if name in VERSIONS:
                found[name] = VERSIONS[name]()
            else:
                found[name] = importlib.import_module(VERSION_MODULES.get(name, name)).__version__
        except ImportError:
            pass
    if "keras" in found:
        found["keras_backend"] = os.environ.get("KERAS_BACKEND", "")
    return found


# -- Keras 3 (torch backend) --------------------------------------------------------------------


def keras_lrs(kind: str, steps: int, base_lr: float, params: Mapping[str, Any],
              indices: Any = None) -> np.ndarray:
    """The lr a Keras optimizer uses at iteration ``i``: ``SGD(learning_rate=schedule)`` with
    ``optimizer.iterations`` set to ``i`` and ``optimizer.learning_rate`` read (the schedule
    called on the int64 iterations variable). ``initial_learning_rate`` defaults to ``base_lr``.

    Needs ``KERAS_BACKEND=torch`` (set here unless already set) before keras is imported.
    """
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    name = kind.split(".", 1)[1]  # exponential_decay -> ExponentialDecay
    cls = getattr(keras.optimizers.schedules, "".join(w.title() for w in name.split("_")))
    kwargs = {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()}
    if cls.__name__ != "PiecewiseConstantDecay" and kwargs.get("initial_learning_rate") is None:
        kwargs["initial_learning_rate"] = base_lr
    schedule = cls(**kwargs)
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    wanted = range(steps) if indices is None else indices
    out = np.empty(len(wanted))
    for j, i in enumerate(wanted):
        optimizer.iterations.assign(i)
        out[j] = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
    return out


# -- timm -----------------------------------------------------------------------------------------

TIMM_CLASSES = {"cosine": ("cosine_lr", "CosineLRScheduler"), "tanh": ("tanh_lr", "TanhLRScheduler"),
                "poly": ("poly_lr", "PolyLRScheduler"), "step": ("step_lr", "StepLRScheduler"),
                "multistep": ("multistep_lr", "MultiStepLRScheduler")}


def timm_scheduler_module(module: str) -> Any:
    """``timm.scheduler.<module>`` without running timm's package ``__init__`` (which needs
    torchvision): stub packages for ``timm`` and ``timm.scheduler``, real modules below them."""
    import importlib
    import importlib.util
    import sys
    import types

    if "timm.scheduler" not in sys.modules:
        spec = importlib.util.find_spec("timm")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("timm is not installed")
        root = Path(list(spec.submodule_search_locations)[0])
        for name, path in (("timm", root), ("timm.scheduler", root / "scheduler")):
            if name not in sys.modules:
                stub = types.ModuleType(name)
                stub.__path__ = [str(path)]
                sys.modules[name] = stub
    return importlib.import_module(f"timm.scheduler.{module}")


def timm_version() -> str:
    from importlib.metadata import version

    return version("timm")


def timm_lrs(kind: str, steps: int, base_lr: float, params: Mapping[str, Any]) -> np.ndarray:
    """A timm scheduler driven as timm's train.py drives it: after update ``i`` (1-based),
    ``step_update(num_updates=i)``; at the end of each epoch, ``step(epoch)``. ``lr[0]`` is the
    lr at construction. ``updates_per_epoch`` is lrplot's (default 1), not the class's."""
    import torch

    module, cls_name = TIMM_CLASSES[kind.split(".", 1)[1]]
    cls = getattr(timm_scheduler_module(module), cls_name)
    kwargs = {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()
              if k != "updates_per_epoch"}
    noise = kwargs.get("noise_range_t")
    if isinstance(noise, list) and len(noise) == 1:
        kwargs["noise_range_t"] = noise[0]  # timm takes an int for "from t on"
    per_epoch = params.get("updates_per_epoch", 1)
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=base_lr)
    group = optimizer.param_groups[0]
    out = np.empty(steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scheduler = cls(optimizer, **kwargs)
        out[0] = group["lr"]
        for i in range(1, steps):
            scheduler.step_update(num_updates=i)
            if i % per_epoch == 0:
                scheduler.step(i // per_epoch)
            out[i] = group["lr"]
    return out


# -- Optax (jax, float32 defaults) ----------------------------------------------------------------

OPTAX_FUNCTIONS = {
    "constant": "constant_schedule", "linear": "linear_schedule",
    "polynomial": "polynomial_schedule", "exponential_decay": "exponential_decay",
    "cosine_decay": "cosine_decay_schedule", "warmup_cosine_decay": "warmup_cosine_decay_schedule",
    "warmup_exponential_decay": "warmup_exponential_decay_schedule",
    "piecewise_constant": "piecewise_constant_schedule",
    "piecewise_interpolate": "piecewise_interpolate_schedule",
    "linear_onecycle": "linear_onecycle_schedule", "cosine_onecycle": "cosine_onecycle_schedule",
}
OPTAX_MAIN = ("value", "init_value", "peak_value")
"""The parameters that default to base_lr where lrplot declares them optional."""


def optax_schedule(kind: str, base_lr: float, params: Mapping[str, Any]) -> Any:
    """The real optax schedule function for lrplot's kind and parameters."""
    import optax

    name = kind.split(".", 1)[1]
    kwargs = dict(params)
    if name == "join_schedules":
        children = [optax_schedule(c["type"], base_lr, {k: v for k, v in c.items() if k != "type"})
                    for c in kwargs["schedules"]]
        return optax.join_schedules(children, list(kwargs["boundaries"]))
    if name == "sgdr":
        cycles = [{"peak_value": base_lr, **{k: v for k, v in c.items() if v is not None}}
                  for c in kwargs["cosine_kwargs"]]
        return optax.sgdr_schedule(cycles)
    if "boundaries_and_scales" in kwargs and kwargs["boundaries_and_scales"] is not None:
        kwargs["boundaries_and_scales"] = {int(b): float(s)
                                           for b, s in kwargs["boundaries_and_scales"]}
    main = {"constant": "value", "warmup_cosine_decay": "peak_value",
            "warmup_exponential_decay": "peak_value", "linear_onecycle": "peak_value",
            "cosine_onecycle": "peak_value"}.get(name, "init_value")
    if kwargs.get(main) is None:
        kwargs[main] = base_lr
    return getattr(optax, OPTAX_FUNCTIONS[name])(**kwargs)


def optax_lrs(kind: str, steps: int, base_lr: float, params: Mapping[str, Any]) -> np.ndarray:
    """``schedule(count)`` for count = 0..steps-1, each an int32 scalar as Optax's optimizers
    pass it, the schedule traced under ``jax.jit`` as in a training step; jax's defaults
    (float32, x64 off). A schedule that returns a Python number gives that number."""
    import jax
    import jax.numpy as jnp

    schedule = optax_schedule(kind, base_lr, params)
    probe = schedule(jnp.asarray(0, dtype=jnp.int32))
    if isinstance(probe, (int, float)):
        return np.full(steps, float(probe))
    jitted = jax.jit(schedule)
    return np.array([float(jitted(jnp.asarray(i, dtype=jnp.int32))) for i in range(steps)])


# -- DeepSpeed (Python floats) ----------------------------------------------------------------

DEEPSPEED_CLASSES = {"warmup": "WarmupLR", "warmup_decay": "WarmupDecayLR",
                     "warmup_cosine": "WarmupCosineLR", "one_cycle": "OneCycle",
                     "range_test": "LRRangeTest"}


def deepspeed_series(kind: str, steps: int, base_lr: float,
                     params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """A ``deepspeed.runtime.lr_schedules`` class over one ``torch.optim.Adam`` group (Adam has
    betas, so OneCycle cycles beta1), stepped ``steps - 1`` times as DeepSpeed's engine steps it
    after each optimizer step: ``{"lr": ..., "momentum": beta1 (OneCycle with cycle_momentum)}``.
    """
    import logging

    import torch
    from deepspeed.runtime import lr_schedules

    logging.getLogger("DeepSpeed").setLevel(logging.ERROR)  # "before it has started" warnings
    cls = getattr(lr_schedules, DEEPSPEED_CLASSES[kind.split(".", 1)[1]])
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.Adam([param], lr=base_lr)
    group = optimizer.param_groups[0]
    scheduler = cls(optimizer, **params)
    momentum = cls.__name__ == "OneCycle" and params.get("cycle_momentum", True)
    lr, beta1 = np.empty(steps), np.empty(steps)
    for i in range(steps):
        if i:
            scheduler.step()
        lr[i] = group["lr"]
        beta1[i] = group["betas"][0]
    return {"lr": lr, "momentum": beta1} if momentum else {"lr": lr}


def deepspeed_lrs(kind: str, steps: int, base_lr: float, params: Mapping[str, Any]) -> np.ndarray:
    return deepspeed_series(kind, steps, base_lr, params)["lr"]


# -- Megatron-core (Python floats) ------------------------------------------------------------

def megatron_series(kind: str, steps: int, base_lr: float,
                    params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """``OptimizerParamScheduler`` over one parameter group, stepped as Megatron's training loop
    steps it: ``step(increment)`` after every iteration. ``{"lr", "weight_decay"}``."""
    import logging

    from megatron.core.optimizer_param_scheduler import OptimizerParamScheduler

    logging.getLogger("megatron.core.optimizer_param_scheduler").setLevel(logging.ERROR)
    p = dict(params)
    increment = p.pop("increment", 1)
    p.setdefault("max_lr", None)
    if p["max_lr"] is None:
        p["max_lr"] = base_lr
    p.setdefault("min_lr", 0.0)
    p.setdefault("init_lr", 0.0)
    p.setdefault("lr_warmup_steps", 0)
    p.setdefault("lr_decay_style", "linear")
    p.setdefault("lr_wsd_decay_style", "exponential")
    p.setdefault("start_wd", 0.01)
    p.setdefault("end_wd", 0.01)
    p.setdefault("wd_incr_style", "constant")
    if p.get("wd_incr_steps") is None:
        p["wd_incr_steps"] = p["lr_decay_steps"]

    class Optimizer:  # the class touches param_groups only
        param_groups = [{}]

    optimizer = Optimizer()
    scheduler = OptimizerParamScheduler(optimizer, **p)
    group = optimizer.param_groups[0]
    lr, wd = np.empty(steps), np.empty(steps)
    for i in range(steps):
        if i:
            scheduler.step(increment)
        lr[i], wd[i] = group["lr"], group["weight_decay"]
    return {"lr": lr, "weight_decay": wd}


def megatron_lrs(kind: str, steps: int, base_lr: float, params: Mapping[str, Any]) -> np.ndarray:
    return megatron_series(kind, steps, base_lr, params)["lr"]


# -- NeMo (Python floats) -----------------------------------------------------------------------

NEMO_PINNED = "3.0.0"
"""The nemo_toolkit of .ci/run and tests/golden/nemo.json."""


def nemo_lr_scheduler() -> Any:
    """``nemo/core/optim/lr_scheduler.py`` of the installed nemo_toolkit, without running
    ``nemo.core``'s package ``__init__`` (which needs Lightning, Hydra, huggingface_hub...):
    empty packages for ``nemo.core``, ``nemo.core.optim``, ``nemo.core.classes`` and
    ``nemo.core.config``; the real ``nemo.core.config.schedulers`` (dataclasses only) and
    ``nemo.utils`` (logging). Two functions come from files whose imports need more
    (``nemo/core/classes/common.py``, ``nemo/utils/model_utils.py``): ``safe_instantiate``
    with its allow-list and ``maybe_update_config_version`` (Hydra 0.x ``cls`` and ``params``),
    their own source compiled alone (:func:`nemo_functions`)."""
    import importlib
    import importlib.util
    import sys
    import types

    name = "nemo.core.optim.lr_scheduler"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec("nemo")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("nemo_toolkit is not installed")
    root = Path(list(spec.submodule_search_locations)[0])
    for package in ("nemo.core", "nemo.core.optim", "nemo.core.classes", "nemo.core.config"):
        if package not in sys.modules:
            stub = types.ModuleType(package)
            stub.__path__ = [str(root / package.split(".", 1)[1].replace(".", "/"))]
            sys.modules[package] = stub
    common = types.ModuleType("nemo.core.classes.common")
    common.safe_instantiate = nemo_functions(  # type: ignore[attr-defined]
        root / "core/classes/common.py", "safe_instantiate")
    sys.modules.setdefault("nemo.core.classes.common", common)
    try:
        importlib.import_module("nemo.utils.model_utils")
    except ImportError:
        model_utils = types.ModuleType("nemo.utils.model_utils")
        model_utils.maybe_update_config_version = nemo_functions(  # type: ignore[attr-defined]
            root / "utils/model_utils.py", "maybe_update_config_version")
        sys.modules["nemo.utils.model_utils"] = model_utils
    return importlib.import_module(name)


def nemo_functions(path: Path, wanted: str) -> Any:
    """``wanted`` from NeMo's ``path`` with the module-level names it uses (constants,
    classes, helper functions), compiled from the file's own source without the imports
    of the rest of the file (wrapt, huggingface_hub, Lightning...). NeMo's code, run as is;
    for a class target other than a ``nemo.core.config`` dataclass its allow-list imports
    ModelPT, which fails here, as the oracle never needs it."""
    import ast
    import copy
    import dataclasses
    import logging
    from collections.abc import Mapping, Sequence

    import hydra
    import torch
    from omegaconf import DictConfig, OmegaConf
    from omegaconf import errors as omegaconf_errors

    tree = ast.parse(path.read_text(), str(path))
    kept = [node for node in tree.body if not isinstance(node, (ast.Import, ast.ImportFrom))
            and not (isinstance(node, ast.Expr))]
    namespace: dict[str, Any] = {
        "__name__": "nemo_oracle", "hydra": hydra, "torch": torch, "copy": copy,
        "logging": logging, "DictConfig": DictConfig, "OmegaConf": OmegaConf,
        "omegaconf_errors": omegaconf_errors, "Mapping": Mapping, "Sequence": Sequence,
        "is_dataclass": dataclasses.is_dataclass, "dataclass": dataclasses.dataclass,
        "field": dataclasses.field, "Any": Any, "Optional": Any, "Union": Any, "Dict": dict,
        "List": list, "Tuple": tuple, "Set": set, "Callable": Any, "Type": type,
        "Iterable": Any, "lru_cache": __import__("functools").lru_cache,
        "wraps": __import__("functools").wraps}
    for node in kept:
        try:
            exec(compile(ast.Module([node], []), str(path), "exec"), namespace)
        except Exception:  # a definition needing what is not loaded: not one we call
            continue
    return namespace[wanted]


def nemo_version() -> str:
    from importlib.metadata import version

    return version("nemo_toolkit")


VERSIONS["nemo"] = nemo_version


def nemo_class_name(kind: str) -> str:
    """``CosineAnnealing`` for ``nemo.cosine_annealing`` (the kind's framework class)."""
    from lrplot import schedules

    return schedules.get(kind).framework_class


def nemo_scheduler(module: Any, cls_name: str, base_lr: float, params: Mapping[str, Any]
                   ) -> tuple[Any, dict]:
    """A NeMo scheduler over one SGD group; a resumed one (``last_epoch`` >= 0) gets the
    ``initial_lr`` torch requires, as a resumed optimizer has it."""
    import torch

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=base_lr)
    group = optimizer.param_groups[0]
    if params.get("last_epoch", -1) != -1:
        group["initial_lr"] = base_lr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scheduler = getattr(module, cls_name)(optimizer, **params)
    return scheduler, group


def step_nemo(scheduler: Any, group: dict, steps: int) -> np.ndarray:
    out = np.empty(steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(steps):
            if i:
                scheduler.step()
            out[i] = group["lr"]
    return out


def nemo_lrs(kind: str, steps: int, base_lr: float, params: Mapping[str, Any]) -> np.ndarray:
    """``nemo.core.optim.lr_scheduler.<Class>(SGD(lr=base_lr), **params)`` stepped ``steps -
    1`` times, as Lightning steps it after every optimizer step (``interval: step``)."""
    module = nemo_lr_scheduler()
    scheduler, group = nemo_scheduler(module, nemo_class_name(kind), base_lr, params)
    return step_nemo(scheduler, group, steps)


def nemo_config_lrs(path: str, steps: int, *, dataset_size: int | None = None,
                    world_size: int | None = None, max_steps: int | None = None,
                    epochs: int | None = None, steps_per_epoch: int | None = None
                    ) -> np.ndarray:
    """The scheduler NeMo builds from a config file, stepped ``steps - 1`` times: the config
    loaded and resolved by OmegaConf, ``ModelPT.setup_optimization``'s injection of the trainer
    (``max_steps``, or ``t_max_epochs`` and the others), and NeMo's own
    ``prepare_lr_scheduler`` with a dataloader of ``dataset_size`` examples (it reads only
    ``len(dataset)``, ``batch_size`` and ``drop_last``). ``max_steps`` / ``epochs`` override
    the trainer's, as lrplot's flags do. A scheduler NeMo gives ``interval: epoch`` is stepped
    every ``steps_per_epoch`` optimizer steps, as Lightning steps it."""
    import torch
    from omegaconf import OmegaConf

    module = nemo_lr_scheduler()
    cfg = OmegaConf.load(path)
    model = cfg.model if "model" in cfg and "optim" in cfg.model else cfg
    optim = OmegaConf.to_container(model.optim, resolve=True)
    trainer = OmegaConf.to_container(cfg.trainer, resolve=True)
    if max_steps is not None:
        trainer["max_steps"] = max_steps
    if epochs is not None:
        trainer["max_epochs"] = epochs
    sched = optim["sched"]
    if trainer.get("max_steps", -1) < 0:
        sched["t_max_epochs"] = trainer.get("max_epochs")
        sched["t_accumulate_grad_batches"] = trainer.get("accumulate_grad_batches", 1)
        sched["t_limit_train_batches"] = trainer.get("limit_train_batches", 1.0)
        devices = world_size if world_size is not None else trainer["devices"]
        sched["t_num_workers"] = devices * (1 if world_size is not None
                                            else trainer.get("num_nodes", 1))
    else:
        sched["max_steps"] = trainer["max_steps"]
    train_ds = OmegaConf.to_container(model.train_ds, resolve=False) if "train_ds" in model \
        else {}

    class Loader:  # what prepare_lr_scheduler reads of a DataLoader
        dataset = range(dataset_size or 0)
        batch_size = train_ds.get("batch_size")
        drop_last = train_ds.get("drop_last", False)

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=optim["lr"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        built = module.prepare_lr_scheduler(optimizer, sched, train_dataloader=Loader())
    group = optimizer.param_groups[0]
    if built is None:  # no scheduler: the optimizer's lr throughout
        return np.full(steps, group["lr"])
    if built["interval"] == "step":
        return step_nemo(built["scheduler"], group, steps)
    assert steps_per_epoch, "an epoch scheduler needs steps_per_epoch"
    out = np.empty(steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(steps):
            if i and i % steps_per_epoch == 0:  # Lightning: at the end of each epoch
                built["scheduler"].step()
            out[i] = group["lr"]
    return out
