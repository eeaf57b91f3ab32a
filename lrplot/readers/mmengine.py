"""mmengine's Python configs (mmdetection, mmpretrain, mmseg, ...), read as data by
:mod:`lrplot.readers.pyconfig`, as mmengine 0.10.7's Runner builds and steps their schedulers.

What the Runner does with the keys lrplot reads:

- ``train_cfg``: ``EpochBasedTrainLoop`` (``max_epochs``) or ``IterBasedTrainLoop``
  (``max_iters``); without ``type``, ``by_epoch`` picks one. The run is ``max_epochs x
  len(train_dataloader)`` iterations, or ``max_iters``.
- ``len(train_dataloader)``: mmengine's ``DefaultSampler`` gives each of ``world_size``
  processes ``ceil(N / world_size)`` samples, batched by ``train_dataloader.batch_size``
  (``ceil``, ``floor`` with ``drop_last``); N is ``--dataset-size``, or ``--steps-per-epoch``
  gives the length directly.
- ``optim_wrapper.optimizer.lr`` is the lr the schedulers start from, times
  ``world_size x batch_size / auto_scale_lr.base_batch_size`` when ``auto_scale_lr.enable``;
  its ``momentum`` (SGD) or ``betas[0]`` (Adam) is what the momentum schedulers start from.
- ``param_scheduler`` (a dict or a list): each scheduler's ``end`` defaults to the loop's
  ``max_epochs`` (``by_epoch``, the default) or ``max_iters``; ``convert_to_iter_based`` uses
  ``len(train_dataloader)`` as the epoch length. They are stepped in list order by
  ParamSchedulerHook, iteration-based ones after every iteration, ``by_epoch`` ones after every
  epoch: lrplot's ``mmengine.param_scheduler`` kind.
"""

from __future__ import annotations

from typing import Any

from lrplot import schedules
from lrplot.readers.pyconfig import Unreadable
from lrplot.readers.run import (LAST_STEP, STEPS_PER_EPOCH_HINT, Explanation, RunFacts, Value,
                                distributed_batches)
from lrplot.readers.source import Output, Source
from lrplot.yamlio import Document

NAME = "mmengine"
TITLE = "mmengine Python config (mmdetection, mmpretrain, mmseg), read as data"
RULES = "mmengine 0.10.7 Runner"

DROPPED = ("verbose",)
"""Scheduler arguments that do not shape the schedule."""


def detect(data: Any) -> bool:
    return isinstance(data, dict) and "param_scheduler" in data and \
        any(k in data for k in ("train_cfg", "optim_wrapper", "_base_"))


def _readable(source: Source, path: tuple, value: Any) -> None:
    """Refuse a value the config computes in a way lrplot does not read as data."""
    if isinstance(value, Unreadable):
        raise source.fail(path, f"{value.what} (at {value.where}) is not data lrplot reads: "
                                "write the value as a literal or arithmetic of names above it")
    if isinstance(value, dict):
        for key, item in value.items():
            _readable(source, path + (key,), item)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _readable(source, path + (i,), item)


class _Run:
    """The train loop and the dataloader, as the Runner derives them."""

    def __init__(self, source: Source, ex: Explanation, facts: RunFacts):
        self.source, self.ex, self.facts = source, ex, facts
        loop = source.get(("train_cfg",))
        if not isinstance(loop, dict):
            raise source.fail(("train_cfg",) if source.has(("train_cfg",)) else (),
                              "no train_cfg: mmengine's Runner needs its train loop "
                              "(dict(type='EpochBasedTrainLoop', max_epochs=N) or "
                              "IterBasedTrainLoop with max_iters)")
        _readable(source, ("train_cfg",), loop)
        kind = loop.get("type")
        if kind is None:
            if "by_epoch" not in loop:
                raise source.fail(("train_cfg",), "train_cfg needs type or by_epoch (mmengine "
                                                  "picks the loop with them)")
            self.by_epoch = bool(loop["by_epoch"])
        elif kind in ("EpochBasedTrainLoop", "IterBasedTrainLoop"):
            self.by_epoch = kind == "EpochBasedTrainLoop"
        else:
            raise source.fail(("train_cfg", "type"), f"{kind!r}: lrplot knows mmengine's "
                                                     "EpochBasedTrainLoop and IterBasedTrainLoop")
        ex.add("train loop", "EpochBasedTrainLoop" if self.by_epoch else "IterBasedTrainLoop",
               "", source.at(("train_cfg",)))
        self._spe: int | None = None
        self._batch: int | None = None
        self._epochs: int | None = None
        self._iters: int | None = None

    def max_epochs(self) -> int:
        if self._epochs is None:
            self._epochs = self._max_epochs()
        return self._epochs

    def max_iters(self) -> int:
        if self._iters is None:
            self._iters = self._max_iters()
        return self._iters

    def _max_epochs(self) -> int:
        if not self.by_epoch:
            return 1  # IterBasedTrainLoop's max_epochs
        if self.facts.epochs is not None:
            if self.facts.epochs != int(self.facts.epochs):
                raise self.source.fail((), "--epochs: mmengine trains whole epochs")
            return self.ex.add("max_epochs", int(self.facts.epochs), "", "--epochs")
        got = self.source.number(("train_cfg", "max_epochs"), None, "", integer=True, minimum=1)
        self.source.raise_if_any()
        if got.value is None:
            raise self.source.fail(("train_cfg",), "EpochBasedTrainLoop needs max_epochs "
                                                   "(or give --epochs)")
        return self.ex.read("max_epochs", got)

    def _max_iters(self) -> int:
        if self.by_epoch:
            epochs, spe = self.max_epochs(), self.steps_per_epoch("the run's length")
            return self.ex.add("max_iters", epochs * spe, f"{epochs} x {spe}",
                               "max_epochs x len(train_dataloader)")
        if self.facts.max_steps is not None:
            return self.ex.add("max_iters", self.facts.max_steps, "", "--max-steps")
        got = self.source.number(("train_cfg", "max_iters"), None, "", integer=True, minimum=1)
        self.source.raise_if_any()
        if got.value is None:
            raise self.source.fail(("train_cfg",), "IterBasedTrainLoop needs max_iters (or "
                                                   "give --max-steps)")
        return self.ex.read("max_iters", got)

    def batch_size(self, why: str) -> int:
        if self._batch is None:
            if self.facts.batch_size is not None:
                got = Value(self.facts.batch_size, "--batch-size")
            else:
                got = self.source.number(("train_dataloader", "batch_size"), None, "",
                                         integer=True, minimum=1)
                self.source.raise_if_any()
                if got.value is None:
                    raise self.source.fail((), f"{why} needs the batch size: give --batch-size "
                                               "(the config has no train_dataloader.batch_size)")
            self._batch = self.ex.read("batch_size", got)
        return self._batch

    def world_size(self) -> int:
        if self.facts.world_size is None:
            self.ex.note("world size 1 (one process); give --world-size for distributed runs")
            return 1
        return self.ex.add("world_size", self.facts.world_size, "", "--world-size")

    def steps_per_epoch(self, why: str, path: tuple = ()) -> int:
        """``len(train_dataloader)``: iterations per epoch."""
        if self._spe is not None:
            return self._spe
        if self.facts.steps_per_epoch is not None:
            self._spe = self.ex.add("steps_per_epoch", self.facts.steps_per_epoch, "",
                                    "--steps-per-epoch")
            return self._spe
        if self.facts.dataset_size is None:
            raise self.source.fail(path, f"{why} needs len(train_dataloader): "
                                       f"{STEPS_PER_EPOCH_HINT}")
        batch = self.batch_size(why)
        world = self.world_size()
        drop = self.source.boolean(("train_dataloader", "drop_last"), False,
                                   "default of torch's DataLoader")
        self.source.raise_if_any()
        spe, how = distributed_batches(self.facts.dataset_size, batch, world, drop.value)
        self._spe = self.ex.add("steps_per_epoch", spe, how, "mmengine DefaultSampler: "
                                "ceil(N / world) samples per process, then batches")
        return self._spe


def _lr(source: Source, ex: Explanation, facts: RunFacts) -> float:
    path = ("optim_wrapper", "optimizer", "lr")
    _readable(source, path, source.get(path))
    if not source.has(path) and facts.learning_rate is not None:
        return ex.add("lr", facts.learning_rate, "", "--learning-rate")
    got = source.number(path, None, "", minimum=0)
    source.raise_if_any()
    if got.value is None:
        raise source.fail(("optim_wrapper",) if source.has(("optim_wrapper",)) else (),
                          "no optim_wrapper.optimizer.lr: give it in the config or "
                          "--learning-rate")
    return float(ex.read("lr", got))


def _momentum(source: Source, ex: Explanation) -> float:
    optimizer = source.get(("optim_wrapper", "optimizer"), {})
    if isinstance(optimizer, dict) and "betas" in optimizer:
        betas = optimizer["betas"]
        if not (isinstance(betas, list) and betas and isinstance(betas[0], (int, float))):
            raise source.fail(("optim_wrapper", "optimizer", "betas"), "expected (beta1, beta2)")
        return ex.add("momentum", float(betas[0]), "", source.at(("optim_wrapper", "optimizer",
                                                                  "betas")) + "[0]")
    if isinstance(optimizer, dict) and optimizer.get("type", "SGD") == "SGD":
        got = source.number(("optim_wrapper", "optimizer", "momentum"), 0.0,
                            "default of torch.optim.SGD", minimum=0)
        source.raise_if_any()
        return float(ex.read("momentum", got))
    raise source.fail(("optim_wrapper", "optimizer"), "momentum schedulers need an optimizer "
                                                      "with momentum (SGD) or betas (Adam)")


def _groups(source: Source, ex: Explanation, lr: float) -> list[float]:
    """The lrs of the parameter groups DefaultOptimWrapperConstructor builds: the optimizer's,
    and ``lr x lr_mult`` for each ``paramwise_cfg`` multiplier (custom keys, biases, DCN
    offsets) that a model's parameters may match — one curve each."""
    path = ("optim_wrapper", "paramwise_cfg")
    cfg = source.get(path)
    groups = [lr]
    if not isinstance(cfg, dict):
        return groups
    _readable(source, path, cfg)
    found: list[tuple[tuple, Any]] = []
    for key in ("bias_lr_mult", "dcn_offset_lr_mult"):
        if cfg.get(key) is not None:
            found.append((path + (key,), cfg[key]))
    custom = cfg.get("custom_keys")
    if isinstance(custom, dict):
        for name, value in custom.items():
            if isinstance(value, dict) and value.get("lr_mult") is not None:
                found.append((path + ("custom_keys", name, "lr_mult"), value["lr_mult"]))
    for where, mult in found:
        got = source.number(where, None, "", minimum=0)
        source.raise_if_any()
        group = lr * got.value
        if group not in groups:
            groups.append(ex.add(f"group lr ({where[-2] if where[-1] == 'lr_mult' else where[-1]})",
                                 group, f"{lr!r} x {got.value!r}", source.at(where)))
    if len(groups) > 1:
        ex.note("paramwise_cfg multipliers give parameter groups their own lr: one curve per "
                "distinct lr (which parameters fall in a group depends on the model)")
    return groups


def _scale(source: Source, ex: Explanation, run: _Run, lrs: list[float]) -> list[float]:
    cfg = source.get(("auto_scale_lr",))
    if not isinstance(cfg, dict) or not cfg.get("enable", False):
        if isinstance(cfg, dict):
            ex.note("auto_scale_lr is not enabled (mmdetection's tools/train.py --auto-scale-lr "
                    "enables it): the lr is the config's")
        return lrs
    base = source.number(("auto_scale_lr", "base_batch_size"), None, "", minimum=1)
    source.raise_if_any()
    if base.value is None:
        raise source.fail(("auto_scale_lr",), "auto_scale_lr needs base_batch_size")
    real = run.world_size() * run.batch_size("auto_scale_lr")
    ratio = float(real) / float(base.value)
    return [ex.add("lr", lr * ratio, f"{lr!r} x {real} / {base.value}", f"auto_scale_lr, "
                   f"{RULES}: each group's lr x world_size x batch_size / base_batch_size")
            for lr in lrs]


def read(doc: Document, facts: RunFacts) -> tuple[Document, Explanation]:
    source = Source(doc)
    ex = Explanation()
    if facts.interval is not None:
        raise source.fail((), "--interval: each mmengine scheduler says by_epoch itself")
    raw = source.get(("param_scheduler",))
    if raw is None:
        raise source.fail((), "no param_scheduler in this config or its _base_ files: the lr "
                              "is the optimizer's throughout")
    _readable(source, ("param_scheduler",), raw)
    if isinstance(raw, dict):
        entries, paths = [raw], [("param_scheduler",)]
    elif isinstance(raw, list) and raw and all(isinstance(s, dict) for s in raw):
        entries, paths = raw, [("param_scheduler", i) for i in range(len(raw))]
    else:
        raise source.fail(("param_scheduler",), "expected a scheduler dict(type=...) or a "
                                                "list of them")
    run = _Run(source, ex, facts)
    base = _lr(source, ex, facts)
    lrs = _scale(source, ex, run, _groups(source, ex, base))
    children, marks = [], []
    needs_epoch_length = run.by_epoch
    momentum_needed = False
    for entry, path in zip(entries, paths):
        kind = _kind(source, entry, path)
        by_epoch = entry.get("by_epoch", True)
        if entry.get("convert_to_iter_based"):
            needs_epoch_length = True
        elif by_epoch and not run.by_epoch:
            raise source.fail(path, "a by_epoch scheduler in an IterBasedTrainLoop never steps "
                                    "after its constructor (the loop ends no epoch): set "
                                    "by_epoch=False")
        if entry.get("last_step", -1) != -1:
            raise source.fail(path + ("last_step",), "last_step resumes a run; lrplot draws it "
                                                     "from the start")
        child: dict[str, Any] = {"type": kind.name}
        for key, value in entry.items():
            if key not in ("type", "last_step", *DROPPED):
                child[key] = value
        if "end" not in entry:
            end = run.max_epochs() if by_epoch else run.max_iters()
            child["end"] = ex.add(f"{_name(path)}.end", end, "", f"{RULES}: the train loop's "
                                  f"{'max_epochs' if by_epoch else 'max_iters'} when end is not "
                                  "given")
        momentum_needed |= kind.name.endswith("_momentum")
        children.append(child)
        marks.append(path)
    spe = run.steps_per_epoch("a schedule counted in epochs", ("param_scheduler",)) \
        if needs_epoch_length else None
    steps = run.max_iters()
    out = Output(source)
    out.figure("steps", ex.add("steps", steps + 1, f"{steps} + 1", LAST_STEP), ("train_cfg",))
    out.figure("base_lr", lrs if len(lrs) > 1 else lrs[0], ("optim_wrapper", "optimizer", "lr"))
    curve: dict[str, Any] = {"type": "mmengine.param_scheduler", "schedulers": children}
    if spe is not None:
        curve["steps_per_epoch"] = spe
    if momentum_needed:
        curve["initial_momentum"] = _momentum(source, ex)
    index = out.curve(curve, {"schedulers": ("param_scheduler",)}, ("param_scheduler",))
    for i, (child, path) in enumerate(zip(children, marks)):
        for key in child:
            mark = source.mark(path + (key,))
            if mark:
                out.marks[("curves", index, "schedulers", i, key)] = mark
    return out.document(), ex


def _name(path: tuple) -> str:
    return "param_scheduler" + "".join(f"[{p}]" for p in path[1:])


def _kind(source: Source, entry: dict[str, Any], path: tuple) -> schedules.Kind:
    name = entry.get("type")
    if not isinstance(name, str):
        raise source.fail(path, "a scheduler needs its type, e.g. type='LinearLR'")
    qualified = name if "." in name else f"mmengine.{name}"
    try:
        kind = schedules.get(qualified)
    except schedules.UnknownKind:
        known = [k.framework_class for k in schedules.all_kinds()
                 if k.framework == "mmengine" and not k.composite]
        from lrplot.suggest import hint

        raise source.fail(path + ("type",), f"unknown scheduler type {name!r}"
                                            f"{hint(name, known)} (lrplot reads mmengine's: "
                                            f"{', '.join(known)})") from None
    if kind.framework != "mmengine" or kind.composite:
        raise source.fail(path + ("type",), f"{name!r} is not an mmengine scheduler")
    if kind.name.endswith("plateau") or kind.name.endswith("plateau_momentum"):
        raise source.fail(path + ("type",), f"{name} follows the validation metric, which a "
                                            "config does not hold: draw it with lrplot "
                                            "mmengine.plateau --metric-file")
    return kind
