"""NeMo YAML configs: ``model.optim.sched`` (or a top-level ``optim.sched``) with ``trainer.*``,
built into the scheduler as NeMo builds it (nemo_toolkit 3.0.0, never imported).

``ModelPT.setup_optimization``: with ``trainer.max_steps >= 0`` the scheduler's ``max_steps`` is
``trainer.max_steps`` (whatever ``sched.max_steps`` says); else ``prepare_lr_scheduler`` takes
``sched.max_steps`` when given (-1: no scheduler at all, the lr stays ``optim.lr``) or computes
it from the epochs with ``compute_max_steps``: ``ceil(ceil(N / devices) / batch_size)`` batches
per epoch (``floor`` with ``drop_last``), limited by ``limit_train_batches``, then
``ceil(batches / accumulate_grad_batches) x max_epochs``. The scheduler and its keyword
arguments are what ``prepare_lr_scheduler`` makes of ``sched`` (lrplot.readers.nemo_sched: its
keys, ``sched.args``, or a params dataclass by ``_target_``).
Lightning steps it after every optimizer step (``interval: step``), after every epoch for
ExponentialLR and ReduceLROnPlateau. ``${...}`` interpolations are resolved as lrplot's Hydra
reader resolves them (OmegaConf, no resolvers run).
"""

from __future__ import annotations

import math
from typing import Any

from lrplot import schedules
from lrplot.readers import nemo_params, nemo_sched
from lrplot.readers.hydra import resolve
from lrplot.readers.run import LAST_STEP, Explanation, RunFacts, Value
from lrplot.readers.source import Output, Source
from lrplot.yamlio import Document

NAME = "nemo"
TITLE = "NeMo config (model.optim.sched with trainer.max_steps / max_epochs)"
RULES = "NeMo 3.0.0"
SOURCE = "nemo/core/optim/lr_scheduler.py"

TORCH_SCHEDULERS = ("StepLR", "ExponentialLR", "ReduceLROnPlateau", "CyclicLR")
"""The torch classes of NeMo's AVAILABLE_SCHEDULERS (lrplot's torch kinds)."""
EPOCH_SCHEDULERS = ("ExponentialLR", "ReduceLROnPlateau")
"""Stepped once per epoch (NeMo's EPOCH_SCHEDULERS)."""
TRAINER_DEFAULTS = {"max_steps": -1, "max_epochs": None, "accumulate_grad_batches": 1,
                    "limit_train_batches": 1.0, "devices": "auto", "num_nodes": 1}
"""Lightning's Trainer defaults for what ``trainer:`` leaves out."""


def _optim_path(data: Any) -> tuple | None:
    """Where the ``optim`` mapping with a ``sched`` is: ``("model", "optim")`` or ``("optim",)``."""
    if not isinstance(data, dict):
        return None
    for path in (("model", "optim"), ("optim",)):
        node: Any = data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get("sched"), dict):
            return path
    return None


def detect(data: Any) -> bool:
    return _optim_path(data) is not None


def _resolved(doc: Document, path: tuple, where: str) -> Any:
    """The subtree at ``path`` with its ``${...}`` resolved against the whole config."""
    node: Any = doc.data
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return resolve(doc.data, node, where)


def _with_resolved(doc: Document, paths: list[tuple]) -> Document:
    """The document with the subtrees at ``paths`` resolved (marks unchanged)."""
    import copy

    data = copy.copy(doc.data)
    for path in paths:
        value = _resolved(doc, path, str(doc.mark(path) or doc.file))
        node = data
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                break
            node[key] = dict(node[key])
            node = node[key]
        else:
            if isinstance(node, dict) and path[-1] in node:
                node[path[-1]] = value
    return Document(data, doc.marks, doc.file, doc.base_dir)


def read(doc: Document, facts: RunFacts) -> tuple[Document, Explanation]:
    optim = _optim_path(doc.data)
    assert optim is not None
    model = optim[:-1]
    # only what is read is resolved: an interpolation elsewhere (a logger's ${oc.env:...})
    # does not matter
    wanted = [optim + ("lr",), optim + ("sched",),
              *[("trainer", key) for key in TRAINER_DEFAULTS],
              *[base + ("train_ds", key) for base in (model, ()) for key in ("batch_size",
                                                                              "drop_last")]]
    source = Source(_with_resolved(doc, [p for p in wanted if Source(doc).has(p)]))
    ex = Explanation()
    sched = optim + ("sched",)
    if facts.interval not in (None, "step"):
        raise source.fail((), f"--interval {facts.interval}: NeMo steps its scheduler after "
                              "every optimizer step (after every epoch for ExponentialLR); "
                              "--interval does not apply")
    built = nemo_sched.build(source, sched, _names())
    kind = _kind(source, built.name_at, built.name)
    ex.read("scheduler", Value(built.name, source.at(built.name_at)))
    if built.dataclass:
        ex.add("arguments", f"{built.dataclass}()", "", f"{nemo_params.MODULE}: every field, "
               "its default unless given (prepare_lr_scheduler)")
    name = source.get(sched + ("name",))  # NeMo's interval follows sched.name alone
    lr = source.number(optim + ("lr",), None, "", minimum=0)
    source.raise_if_any()
    if lr.value is None:
        raise source.fail(optim, "no optim.lr: the optimizer's lr (the scheduler's base) is "
                                 "not in the config")
    base_lr = ex.read("optim.lr", lr)
    trainer = _Trainer(source, facts, ex)
    max_steps, out = _max_steps(source, sched, built.name, trainer, ex)
    if built.target_in_sched and "max_steps" not in nemo_params.fields(built.dataclass) and (
            trainer.max_steps() >= 0 or source.has(sched + ("max_steps",))):
        raise source.fail(built.name_at, f"NeMo passes sched.max_steps (set from "
                          f"trainer.max_steps) to {built.dataclass}, which has no such field "
                          "(Hydra's instantiate raises TypeError); put _target_ and its "
                          "arguments under sched.args")
    values: dict[str, Any] = {"type": kind.name}
    origins: dict[str, tuple] = {"type": built.name_at}
    for key, value in built.arguments.items():
        if key == "max_steps":
            continue  # prepare_lr_scheduler sets it (below), or drops it for torch's classes
        if kind.framework == "torch" and key == "last_epoch" and value == -1:
            continue  # torch's default: lrplot's torch kinds have no last_epoch
        values[key] = value
        origins[key] = built.origins[key]
    if built.ignored:
        where, key, value = built.ignored[0]
        more = ", ".join(f"{k}: {v!r}" for _, k, v in built.ignored)
        out.warn("nemo-sched-args-ignored", where,
                 f"NeMo 3.0.0 builds {built.dataclass}() with its defaults and ignores "
                 f"{more}: prepare_lr_scheduler reads overrides from args.params, which its "
                 "Hydra 0.x conversion has already merged into args",
                 "write the arguments in sched itself (or in args without its name)")
    if max_steps is None:  # sched.max_steps: -1, NeMo returns no scheduler
        values = {"type": "nemo.warmup_policy"}
        run = trainer.run_steps(None)
    else:
        if kind.param("max_steps") is not None:
            values["max_steps"] = max_steps
            origins["max_steps"] = ("trainer", "max_steps") if source.has(
                ("trainer", "max_steps")) else sched
        run = trainer.run_steps(max_steps)
    out.figure("steps", ex.add("steps", run + 1, f"{run} + 1", LAST_STEP))
    out.figure("base_lr", base_lr, optim + ("lr",))
    if name in EPOCH_SCHEDULERS and max_steps is not None:
        per_epoch = trainer.per_epoch()
        ex.add("interval", "epoch", "", f"{SOURCE} EPOCH_SCHEDULERS")
        out.figure("steps_per_epoch", per_epoch)
        out.figure("interval", "epoch")
    out.curve(values, origins, sched)
    return out.document(), ex


def _names() -> list[str]:
    own = [k.framework_class for k in schedules.all_kinds() if k.framework == "nemo"]
    return own + list(TORCH_SCHEDULERS)


def _kind(source: Source, where: tuple, name: str) -> schedules.Kind:
    if name == "ReduceLROnPlateau":
        raise source.fail(where, "ReduceLROnPlateau follows a validation metric: its lr cannot "
                                 "be known from the config (draw a logged lr with a 'type: "
                                 "data' curve)")
    if name in TORCH_SCHEDULERS:
        return schedules.get(name)
    try:
        kind = schedules.get(f"nemo.{name}")
    except schedules.UnknownKind:
        kind = None
    if kind is None or kind.framework != "nemo" or kind.framework_class != name:
        from lrplot.suggest import hint

        raise source.fail(where, f"unknown scheduler {name!r}{hint(name, _names())} (NeMo's "
                                 f"AVAILABLE_SCHEDULERS: {', '.join(_names())})")
    return kind


class _Trainer:
    """``trainer:`` as Lightning fills it in, with the run facts' overrides."""

    def __init__(self, source: Source, facts: RunFacts, ex: Explanation):
        self.source, self.facts, self.ex = source, facts, ex
        self._per_epoch: int | None = None
        self._epochs: int | None = None
        self._max_steps: int | None = None

    def number(self, key: str, integer: bool = True, minimum: float | None = None) -> Any:
        default = TRAINER_DEFAULTS[key]
        got = self.source.number(("trainer", key), default, "default of Lightning's Trainer",
                                 integer=integer, minimum=minimum)
        self.source.raise_if_any()
        return self.ex.read(f"trainer.{key}", got)

    def max_steps(self) -> int:
        if self._max_steps is None:
            self._max_steps = self.ex.read("trainer.max_steps", Value(
                self.facts.max_steps, "--max-steps")) if self.facts.max_steps is not None \
                else self.number("max_steps", minimum=-1)
        return self._max_steps

    def epochs(self) -> int:
        if self._epochs is None:
            self._epochs = self._read_epochs()
        return self._epochs

    def _read_epochs(self) -> int:
        if self.facts.epochs is not None:
            epochs = self.facts.epochs
            if epochs != int(epochs):
                raise self.source.fail(("trainer", "max_epochs"), f"--epochs {epochs}: "
                                       "Lightning's max_epochs is a whole number")
            return self.ex.read("trainer.max_epochs", Value(int(epochs), "--epochs"))
        epochs = self.number("max_epochs", minimum=-1)
        if epochs is None:  # Lightning: max_epochs=None and max_steps=-1 -> 1000
            return self.ex.add("trainer.max_epochs", 1000, "", "Lightning's default when "
                               "max_epochs and max_steps are not set")
        if epochs < 0:
            raise self.source.fail(("trainer", "max_epochs"), "max_epochs -1 with max_steps -1 "
                                   "trains without end: give the run's length with --max-steps "
                                   "N or --epochs N")
        return epochs

    def per_epoch(self) -> int:
        """Optimizer steps per epoch (compute_max_steps' ``ceil(batches / accumulate)``)."""
        if self._per_epoch is not None:
            return self._per_epoch
        f, src = self.facts, self.source
        accum = f.grad_accum if f.grad_accum is not None else self.number(
            "accumulate_grad_batches", minimum=1)
        if f.steps_per_epoch is not None:
            self._per_epoch = self.ex.read("steps_per_epoch", Value(f.steps_per_epoch,
                                                                    "--steps-per-epoch"))
            return self._per_epoch
        if f.dataset_size is None:
            raise src.fail(("trainer",), "NeMo computes the run's steps from the epochs and the "
                                         "train dataset: give --dataset-size N [--world-size N] "
                                         "or --steps-per-epoch N (or --max-steps N)")
        world = self._world()
        batch = self._batch()
        drop = src.boolean(self._train_ds() + ("drop_last",), False,
                           "default of NeMo's dataloaders")
        src.raise_if_any()
        drop_last = self.ex.read("train_ds.drop_last", drop)
        limit = src.get(("trainer", "limit_train_batches"), 1.0)
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit < 0:
            raise src.fail(("trainer", "limit_train_batches"), "expected a number >= 0 (a "
                                                               "fraction, or an int of batches)")
        n = f.dataset_size
        samples = math.ceil(n / max(1, world))
        rounding = math.floor if drop_last else math.ceil
        batches = rounding(samples / batch)
        how = f"{rounding.__name__}(ceil({n} / {world}) / {batch})"
        if isinstance(limit, int) or limit == 0.0:
            batches, how = min(batches, int(limit)), f"min({how}, {int(limit)})"
        elif limit != 1.0:
            batches, how = int(batches * limit), f"int({how} x {limit})"
        self.ex.add("batches_per_epoch", batches, how, f"{SOURCE} compute_max_steps")
        self._per_epoch = self.ex.add("steps_per_epoch", math.ceil(batches / accum),
                                      f"ceil({batches} / {accum})", "compute_max_steps")
        return self._per_epoch

    def _train_ds(self) -> tuple:
        for path in (("model", "train_ds"), ("train_ds",)):
            if self.source.has(path):
                return path
        return ("model", "train_ds")

    def _batch(self) -> int:
        if self.facts.batch_size is not None:
            return self.ex.read("train_ds.batch_size", Value(self.facts.batch_size,
                                                             "--batch-size"))
        got = self.source.number(self._train_ds() + ("batch_size",), None, "", integer=True,
                                 minimum=1)
        self.source.raise_if_any()
        if got.value is None:
            raise self.source.fail(self._train_ds(), "no train_ds.batch_size: give the "
                                                     "per-device batch size with --batch-size N")
        return self.ex.read("train_ds.batch_size", got)

    def _world(self) -> int:
        if self.facts.world_size is not None:
            return self.ex.read("world_size", Value(self.facts.world_size, "--world-size"))
        devices = self.source.get(("trainer", "devices"), "auto")
        if isinstance(devices, str) and devices.isdigit():  # Lightning: "2" is 2 devices
            devices = int(devices)
        elif isinstance(devices, list) and devices and all(
                isinstance(d, int) and not isinstance(d, bool) for d in devices):
            devices = len(devices)  # the device indices to train on
        if isinstance(devices, bool) or not isinstance(devices, int) or devices < 1:
            raise self.source.fail(("trainer", "devices"), f"devices {devices!r}: how many "
                                   "devices train is decided at launch; give --world-size N")
        nodes = self.number("num_nodes", minimum=1)
        return self.ex.add("world_size", devices * nodes, f"{devices} x {nodes}",
                           "trainer.devices x trainer.num_nodes (t_num_workers)")

    def run_steps(self, max_steps: int | None) -> int:
        """The optimizer steps Lightning takes: trainer.max_steps when set, else the epochs."""
        if self.max_steps() >= 0:
            return self.max_steps()
        if max_steps is not None and self.facts.dataset_size is None and \
                self.facts.steps_per_epoch is None:
            self.ex.note("the run is taken as sched.max_steps long: Lightning trains "
                         "max_epochs, whose steps --dataset-size or --steps-per-epoch give")
            return max_steps
        epochs = self.epochs()
        return self.ex.add("run_steps", self.per_epoch() * epochs,
                           f"{self.per_epoch()} x {epochs}", "Lightning: epochs x "
                           "optimizer steps per epoch")


def _max_steps(source: Source, sched: tuple, name: str, trainer: _Trainer,
               ex: Explanation) -> tuple[int | None, Output]:
    """The scheduler's max_steps as setup_optimization and prepare_lr_scheduler decide it;
    None when ``sched.max_steps`` is -1 (NeMo then builds no scheduler)."""
    out = Output(source)
    top = trainer.max_steps()
    own = source.number(sched + ("max_steps",), None, "", integer=True, minimum=-1)
    source.raise_if_any()
    if top >= 0:
        if own.value is not None and own.value != top:
            out.warn("nemo-sched-max-steps-ignored", sched + ("max_steps",),
                     f"sched.max_steps {own.value} is replaced by trainer.max_steps {top}: "
                     "NeMo's setup_optimization sizes the schedule by the trainer",
                     "remove sched.max_steps, or set trainer.max_steps")
        return ex.add("max_steps", top, "", "trainer.max_steps (ModelPT.setup_optimization)"), \
            out
    if own.value is not None:
        if own.value == -1:
            ex.note("sched.max_steps is -1: NeMo builds no scheduler, the lr stays optim.lr")
            out.warn("nemo-no-scheduler", sched + ("max_steps",),
                     "sched.max_steps -1 with trainer.max_steps -1: NeMo builds no scheduler "
                     f"(prepare_lr_scheduler returns None), so {name} "
                     "never runs and the lr stays optim.lr",
                     "delete sched.max_steps (NeMo then computes it from the epochs) or set "
                     "trainer.max_steps")
            return None, out
        return ex.read("max_steps", own), out
    epochs = trainer.epochs()
    steps = trainer.per_epoch() * epochs
    where = ("trainer", "max_steps") if source.has(("trainer", "max_steps")) else ("trainer",)
    out.warn("nemo-max-steps-from-epochs", where,
             f"trainer.max_steps is -1: NeMo sizes the schedule from max_epochs and the train "
             f"dataset (compute_max_steps: {steps} steps here), so its decay ends somewhere "
             "else for another dataset size, batch size or device count",
             "set trainer.max_steps to fix the schedule's length")
    return ex.add("max_steps", steps, f"{trainer.per_epoch()} x {trainer.epochs()}",
                  f"{SOURCE} compute_max_steps"), out
