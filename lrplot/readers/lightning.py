"""LightningCLI YAML: ``optimizer`` and ``lr_scheduler`` as ``class_path`` / ``init_args``, and
the ``trainer:`` section (max_epochs, max_steps, accumulate_grad_batches, devices, num_nodes,
limit_train_batches).

The run's optimizer steps are Lightning's ``Trainer.estimated_stepping_batches``:
``ceil(batches / accumulate_grad_batches) x max(max_epochs, 1)``, capped by ``max_steps``; the
batches per epoch are the DataLoader's on each process (torch's ``DistributedSampler`` under
DDP), cut by ``limit_train_batches``. LightningCLI hands the scheduler to Lightning as
``[optimizer], [scheduler]``, which Lightning steps once per *epoch*: that is the interval
assumed (a ``configure_optimizers`` of the model's own may say otherwise: ``--interval step``).
"""

from __future__ import annotations

from typing import Any

from lrplot import schedules
from lrplot.readers.run import (LAST_STEP, STEPS_PER_EPOCH_HINT, Explanation, RunFacts, Value,
                                ceil_div, distributed_batches)
from lrplot.readers.source import Output, Source
from lrplot.yamlio import Document

NAME = "lightning"
TITLE = "LightningCLI YAML (optimizer / lr_scheduler class_path + init_args, trainer)"
RULES = "Lightning 2.x"

OPTIMIZER_LR = {"sgd": 1e-3, "adam": 1e-3, "adamw": 1e-3, "radam": 1e-3, "nadam": 2e-3,
                "adamax": 2e-3, "rmsprop": 1e-2, "adagrad": 1e-2, "adadelta": 1.0,
                "asgd": 1e-2, "rprop": 1e-2, "lbfgs": 1.0, "sparseadam": 1e-3,
                "adafactor": 1e-2}
"""The ``lr`` default of torch.optim's optimizers (torch 2.13), for a file that does not set it."""

TRAINER_KEYS = ("max_epochs", "max_steps", "accumulate_grad_batches", "devices", "num_nodes",
                "limit_train_batches", "accelerator", "strategy", "precision")
IGNORED_INIT_ARGS = ("verbose",)
"""Scheduler arguments that do not change the lr (torch deprecated ``verbose``)."""


def detect(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    sections = [data.get(k) for k in ("optimizer", "lr_scheduler")]
    if any(isinstance(s, dict) and "class_path" in s for s in sections):
        return True
    trainer = data.get("trainer")
    return isinstance(trainer, dict) and "_target_" not in trainer and \
        sum(k in trainer for k in TRAINER_KEYS) >= 1 and ("model" in data or "data" in data)


def _class(source: Source, section: str) -> tuple[str | None, dict[str, Any], tuple]:
    """(class name, init_args, path of init_args) of ``optimizer:`` or ``lr_scheduler:``."""
    raw = source.get((section,))
    if raw is None:
        return None, {}, ()
    if isinstance(raw, str):  # optimizer: torch.optim.Adam (LightningCLI's short form)
        return raw, {}, ()
    if not isinstance(raw, dict) or not isinstance(raw.get("class_path"), str):
        raise source.fail((section,), "expected class_path: NAME and init_args: {...}")
    args = raw.get("init_args") or {}
    if not isinstance(args, dict):
        raise source.fail((section, "init_args"), "expected a mapping of arguments")
    return raw["class_path"], args, (section, "init_args")


def _lr(source: Source, ex: Explanation) -> float:
    name, args, path = _class(source, "optimizer")
    if name is None:
        ex.note("no optimizer in the file (the model's configure_optimizers builds it): lr 1.0 "
                "is shown, so the curve is the schedule's factor; give the real one with "
                "--base-lr")
        return ex.add("base_lr", 1.0, "", "no optimizer given: the schedule's factor")
    if "lr" in args:
        value = source.number(path + ("lr",), None, "", minimum=0)
        source.raise_if_any()
        return ex.read("base_lr", value)
    short = name.rsplit(".", 1)[-1].lower()
    if short not in OPTIMIZER_LR:
        raise source.fail((("optimizer",)), f"{name} sets no lr here, and its default is not "
                                            "known to lrplot: add init_args: {lr: ...}")
    return ex.add("base_lr", OPTIMIZER_LR[short], "",
                  f"default lr of torch.optim.{name.rsplit('.', 1)[-1]}")


def _world(source: Source, ex: Explanation, facts: RunFacts) -> int:
    if facts.world_size is not None:
        return ex.add("world_size", facts.world_size, "", "--world-size")
    devices = source.get(("trainer", "devices"))
    nodes = source.number(("trainer", "num_nodes"), 1, f"default of Trainer, {RULES}",
                          integer=True, minimum=1)
    source.raise_if_any()
    if devices is None:
        count = Value(1, "default: one process; give --world-size N")
    elif isinstance(devices, bool):
        raise source.fail(("trainer", "devices"), "expected a number or a list of devices")
    elif isinstance(devices, int) and devices > 0:
        count = Value(devices, source.at(("trainer", "devices")))
    elif isinstance(devices, list):
        count = Value(len(devices), source.at(("trainer", "devices")) + " (a list)")
    elif isinstance(devices, str) and devices.strip().rstrip(",").replace(",", "").isdigit():
        text = devices.strip()
        n = len([d for d in text.split(",") if d.strip()]) if "," in text else int(text)
        count = Value(n, source.at(("trainer", "devices")))
    else:
        raise source.fail(("trainer", "devices"), f"devices: {devices!r} depends on the machine: "
                                                  "give the number of processes with "
                                                  "--world-size N")
    d = ex.read("devices", count)
    n = ex.read("num_nodes", nodes)
    return ex.add("world_size", d * n, f"{d} x {n}" if n != 1 else "", "devices x num_nodes")


def _batches_per_epoch(source: Source, ex: Explanation, facts: RunFacts) -> int:
    """Optimizer steps per epoch (after accumulation)."""
    default = f"default of Trainer, {RULES}"
    accum = Value(facts.grad_accum, "--grad-accum") if facts.grad_accum is not None else \
        source.number(("trainer", "accumulate_grad_batches"), 1, default, integer=True,
                      minimum=1)
    source.raise_if_any()
    if facts.steps_per_epoch is not None:
        if facts.dataset_size is not None:
            raise source.fail((), "give --dataset-size or --steps-per-epoch, not both")
        return ex.add("steps_per_epoch", facts.steps_per_epoch, "", "--steps-per-epoch")
    epochs_where = ("trainer", "max_epochs") if source.has(("trainer", "max_epochs")) else ()
    if facts.dataset_size is None:
        raise source.fail(epochs_where, f"the run counts epochs: it needs the optimizer steps "
                                        f"per epoch: {STEPS_PER_EPOCH_HINT}, or --max-steps N")
    batch = _batch_size(source, facts)
    world = _world(source, ex, facts)
    n = ex.add("dataset_size", facts.dataset_size, "", "--dataset-size")
    b = ex.read("batch_size", batch)
    batches, how = distributed_batches(n, b, world, False)
    ex.add("batches_per_epoch", batches, how, "per process: torch's DistributedSampler"
           if world > 1 else "the DataLoader's length")
    limit = source.get(("trainer", "limit_train_batches"))
    if limit is not None and limit != 1.0:
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit < 0:
            raise source.fail(("trainer", "limit_train_batches"), "expected a fraction or a "
                                                                  "number of batches")
        before = batches
        batches = min(batches, limit) if isinstance(limit, int) else int(batches * limit)
        how = f"min({before}, {limit})" if isinstance(limit, int) else f"int({before} x {limit})"
        ex.add("num_training_batches", batches, how, source.at(("trainer",
                                                               "limit_train_batches")))
    if batches == 0:
        raise source.fail((), "no training batch per epoch: Lightning would skip training")
    a = ex.read("accumulate_grad_batches", accum)
    return ex.add("steps_per_epoch", ceil_div(batches, a), f"ceil({batches} / {a})",
                  f"Trainer.estimated_stepping_batches, {RULES}")


def _batch_size(source: Source, facts: RunFacts) -> Value:
    if facts.batch_size is not None:
        return Value(facts.batch_size, "--batch-size")
    for path in (("data", "init_args", "batch_size"), ("data", "batch_size"),
                 ("data", "init_args", "train_batch_size"), ("data", "train_batch_size")):
        if source.get(path) is not None:
            value = source.number(path, None, "", integer=True, minimum=1)
            source.raise_if_any()
            return value
    raise source.fail(("data",) if source.has(("data",)) else (),
                      "the batch size is not in the file (data.init_args.batch_size): give "
                      "--batch-size N, or --steps-per-epoch N")


def read(doc: Document, facts: RunFacts) -> tuple[Document, Explanation]:
    from lrplot.readers import lightning_py  # configure_optimizers read from a .py file

    if isinstance(doc.data, dict) and isinstance(doc.data.get(lightning_py.MARKER), dict):
        return lightning_py.read(doc, facts, _read)
    if isinstance(doc.data, dict) and doc.data.get("lr_scheduler") is None:
        combined = lightning_py.with_model(doc)  # the model's configure_optimizers, if found
        if combined is not None:
            return lightning_py.read(combined, facts, _read)
    return _read(doc, facts)


def _read(doc: Document, facts: RunFacts) -> tuple[Document, Explanation]:
    source = Source(doc)
    ex = Explanation()
    default = f"default of Trainer, {RULES}"
    name, args, args_path = _class(source, "lr_scheduler")
    if name is None:
        raise source.fail((), "no lr_scheduler in the file: the lr is constant (or set by the "
                              "model's configure_optimizers, read when model.class_path "
                              "pkg.mod.Net names a file pkg/mod.py under this directory, or "
                              "given as the .py file itself)")
    try:
        kind = schedules.get(name)
    except schedules.UnknownKind as exc:
        raise source.fail(("lr_scheduler", "class_path"),
                          f"{name} is not a schedule lrplot knows (a class of your project is "
                          f"never imported); {exc}") from None
    base_lr = _lr(source, ex)
    ex.add("schedule", kind.name, "", source.at(("lr_scheduler", "class_path")))
    max_steps = Value(facts.max_steps, "--max-steps") if facts.max_steps is not None else \
        source.number(("trainer", "max_steps"), -1, default, integer=True)
    epochs = Value(facts.epochs, "--epochs") if facts.epochs is not None else \
        source.number(("trainer", "max_epochs"), None, default, integer=True)
    source.raise_if_any()
    if epochs.value is None:
        epochs = Value(1000 if max_steps.value == -1 else -1,
                       f"{default}: max_epochs unset " + ("and max_steps -1 -> 1000"
                                                          if max_steps.value == -1 else
                                                          "with max_steps -> -1 (no limit)"))
    e = ex.read("max_epochs", epochs)
    m = ex.read("max_steps", max_steps)
    interval = facts.interval or "epoch"
    if facts.interval is None:
        ex.note("Lightning steps the lr_scheduler once per epoch unless configure_optimizers "
                "returns it with interval 'step' (LightningCLI's does not): if yours does, give "
                "--interval step")
    if e == -1 and interval == "step" and m > 0 and facts.steps_per_epoch is None \
            and facts.dataset_size is None:
        per_epoch = None
    else:
        per_epoch = _batches_per_epoch(source, ex, facts)
    if e == -1:
        if m <= 0:
            raise source.fail(("trainer",), "max_epochs -1 and no max_steps: the run never ends; "
                                            "give --max-steps N")
        steps = ex.add("num_training_steps", m, "", "max_steps (max_epochs -1)")
    else:
        total = per_epoch * max(e, 1)
        how = f"{per_epoch} x max({e}, 1)"
        if m != -1 and m < total:
            total, how = m, f"min({how}, {m})"
        steps = ex.add("num_training_steps", total, how,
                       f"Trainer.estimated_stepping_batches, {RULES}")
    if steps < 1:
        raise source.fail(("trainer",), "the run takes no optimizer step")

    values: dict[str, Any] = {"type": kind.name}
    origins: dict[str, tuple] = {"type": ("lr_scheduler", "class_path")}
    for key, value in args.items():
        if key in IGNORED_INIT_ARGS:
            continue
        if key == "last_epoch" and value == -1:
            continue
        values[key] = value
        origins[key] = args_path + (key,)
    out = Output(source)
    out.figure("steps", ex.add("steps", steps + 1, f"{steps} + 1", LAST_STEP))
    out.figure("base_lr", base_lr, ("optimizer",))
    ex.add("interval", interval, "", "--interval" if facts.interval else
           "assumed: Lightning's default interval")
    if interval == "epoch":
        out.figure("steps_per_epoch", per_epoch)
        out.figure("interval", "epoch")
    out.curve(values, origins, ("lr_scheduler",))
    _lint(out, kind, values, origins, steps, per_epoch, e, interval)
    return out.document(), ex


LENGTHS = ("T_max", "total_steps", "step_size", "T_0", "total_iters", "num_training_steps",
           "milestones")
"""Scheduler arguments that are lengths in scheduler steps (epochs, or optimizer steps)."""


def _lint(out: Output, kind: schedules.Kind, values: dict, origins: dict, steps: int,
          per_epoch: int | None, epochs: int, interval: str) -> None:
    """Trainer-level mistakes: a length sized for the other interval, a schedule that ends
    before the run."""
    stepped = epochs if interval == "epoch" and epochs > 0 else steps
    for name in LENGTHS:
        value = values.get(name)
        if isinstance(value, list):
            value = max(value, default=None)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            continue
        where = origins.get(name, ())
        if interval == "epoch" and per_epoch and value > epochs > 0 and value >= per_epoch:
            out.warn("step-sized-per-epoch", where,
                     f"{name}={value} is sized in optimizer steps (the run takes {steps}), but the "
                     f"scheduler is stepped once per epoch ({epochs} times): only "
                     f"{min(epochs, value)} of its {value} steps happen",
                     "return the scheduler with interval 'step' from configure_optimizers "
                     "(then give --interval step), or size it in epochs")
        elif interval == "step" and 0 < epochs and value <= epochs and steps >= 4 * epochs:
            out.warn("epoch-sized-per-step", where,
                     f"{name}={value} looks like epochs (max_epochs {epochs}), but the scheduler "
                     f"is stepped every optimizer step ({steps} times)",
                     "step the scheduler per epoch (interval 'epoch'), or multiply by the "
                     f"optimizer steps per epoch ({per_epoch})")
        elif name in ("T_max", "total_steps", "num_training_steps") and value < stepped:
            out.warn("schedule-shorter-than-run", where,
                     f"{name}={value} ends the schedule before the run's {stepped} scheduler "
                     f"steps" + (": OneCycleLR raises past total_steps" if name == "total_steps"
                                 else ""),
                     f"set {name} to {stepped}")
