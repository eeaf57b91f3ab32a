"""Ultralytics YOLO's ``cfg/default.yaml`` or a run's ``args.yaml``, and YOLOv5's
``data/hyps/hyp.*.yaml`` (with train.py's ``--epochs``/``--batch-size`` from flags) or a run's
``opt.yaml``, built into ``ultralytics.yolo`` / ``ultralytics.yolov5`` curves as the trainers
build their optimizer: one curve per param group, each the lr of every optimizer step.

Ultralytics 8.4.190 (``ultralytics/engine/trainer.py``): ``batch`` is the total batch, each of
``world_size`` processes loads ``batch // world_size`` (at most the dataset's images) from its
DistributedSampler shard of ``ceil(N / world_size)`` images, so ``nb = ceil(shard / batch)``
(``floor`` with ``compile``, which drops the last incomplete batch); the world size is the
``device`` list's length. ``optimizer: auto`` picks MuSGD (lr 0.01) when ``ceil(N / max(batch,
nbs)) x epochs > 10000`` iterations, else AdamW at ``round(0.002 x 5 / (4 + nc), 6)`` with the
dataset's class count, both with momentum 0.9 and ``warmup_bias_lr = 0``. MuSGD's param groups
are the four of build_optimizer (weight, bn, bias, muon) each split in two: the detection
head's ``cv3`` at 3 x lr, the rest at lr.

YOLOv5 (ultralytics/yolov5 train.py at 5081342f04fb287fc2e5f2b5a4e06752b7937b1c): param groups
0 biases, 1 weights with decay, 2 BatchNorm weights; the loader of ``batch_size // WORLD_SIZE``
images over the same shards (``--quad`` drops the last batch).
"""

from __future__ import annotations

import math
from typing import Any

from lrplot.frameworks.ultralytics import loop
from lrplot.readers.run import STEPS_PER_EPOCH_HINT, Explanation, RunFacts, Value
from lrplot.readers.source import Output, Source
from lrplot.yamlio import Document

NAME = "ultralytics"
TITLE = ("Ultralytics YOLO default.yaml / a run's args.yaml, or a YOLOv5 hyp.*.yaml (with "
         "--epochs and --batch-size) or opt.yaml")
RULES = "ultralytics 8.4.190 engine/trainer.py"
RULES_V5 = "YOLOv5 train.py @ 5081342"

DEFAULTS: dict[str, Any] = {"epochs": 100, "time": None, "batch": 16, "nbs": 64, "lr0": 0.01,
                            "lrf": 0.01, "cos_lr": False, "momentum": 0.937,
                            "warmup_epochs": 3.0, "warmup_momentum": 0.8,
                            "warmup_bias_lr": 0.1, "optimizer": "auto", "compile": False,
                            "device": None}
"""ultralytics 8.4.190 ``cfg/default.yaml``, for the keys that shape the schedule."""

DEFAULT = "default of ultralytics 8.4.190 cfg/default.yaml"

HYP_KEYS = ("lr0", "lrf", "momentum", "warmup_epochs", "warmup_momentum", "warmup_bias_lr")
"""The keys of a YOLOv5 hyp file that shape the schedule (train.py reads each: none may be
missing)."""

V5_OPTIONS = {"cos_lr": False, "optimizer": "SGD", "quad": False}
"""train.py's options a hyp file does not hold, at their defaults (an opt.yaml holds them)."""

OPTIMIZERS = ("Adam", "Adamax", "AdamW", "NAdam", "RAdam", "RMSprop", "SGD", "MuSGD", "auto")
GROUPS = ("weight", "bn", "bias")
MUSGD_GROUPS = ("weight", "bn", "bias", "muon")


def _yolov5(data: dict) -> bool:
    """A YOLOv5 hyp file (its loss gains ``obj``, ``anchor_t``) or opt.yaml (``hyp`` inside)."""
    return isinstance(data.get("hyp"), dict) or (
        "lr0" in data and "nbs" not in data and any(k in data for k in ("obj", "anchor_t")))


def detect(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("hyp"), dict) and "batch_size" in data:
        return True  # YOLOv5 opt.yaml
    return all(k in data for k in ("lr0", "lrf", "warmup_bias_lr"))


def read(doc: Document, facts: RunFacts) -> tuple[Document, Explanation]:
    source = Source(doc)
    ex = Explanation()
    if facts.interval is not None or facts.max_steps is not None or facts.grad_accum is not None:
        flag = "--interval" if facts.interval is not None else "--max-steps" \
            if facts.max_steps is not None else "--grad-accum"
        raise source.fail((), f"{flag}: the YOLO loop counts epochs of batches and derives its "
                              "accumulation from nbs / batch; give --epochs, --batch-size, "
                              "--dataset-size or --steps-per-epoch")
    if _yolov5(source.data):
        return _read_yolov5(source, facts, ex)
    return _read_yolo(source, facts, ex)


# -- shared arithmetic --------------------------------------------------------------------------


def _epochs(source: Source, facts: RunFacts, ex: Explanation, path: tuple, default: Any,
            default_source: str) -> int:
    if facts.epochs is not None:
        if facts.epochs != int(facts.epochs) or facts.epochs < 1:
            raise source.fail((), f"--epochs {facts.epochs:g}: the YOLO loop runs whole epochs "
                                  "(an integer >= 1)")
        return ex.read("epochs", Value(int(facts.epochs), "--epochs"))
    value = source.number(path, default, default_source, integer=True, minimum=1)
    source.raise_if_any()
    if value.value is None:
        raise source.fail((), "the run's epochs are not in this file (train.py's --epochs): "
                              "give --epochs N")
    return ex.read("epochs", value)


def _nb(source: Source, facts: RunFacts, ex: Explanation, images: int | None, batch: int,
        world: int, drop_last: bool, drop_why: str) -> int:
    """Batches per epoch of each process's loader of ``images`` images, as build_dataloader
    counts them."""
    if facts.steps_per_epoch is not None:
        return ex.add("nb", facts.steps_per_epoch, "", "--steps-per-epoch: batches per epoch "
                      "(len(train_loader)), the loop's iterations")
    if images is None:
        raise source.fail((), f"the loop's batches per epoch (nb) depend on the dataset: "
                              f"{STEPS_PER_EPOCH_HINT.replace('optimizer steps', 'batches')}")
    n = images
    per = ex.add("loader batch", min(batch // world, n), f"min({batch} // {world}, {n})",
                 "batch // world_size, at most the dataset")
    if per < 1:
        raise source.fail((), f"batch {batch} over {world} processes leaves no image per "
                              "process")
    if world > 1:
        shard = ex.add("shard", -(-n // world), f"ceil({n} / {world})",
                       "DistributedSampler: each process's images")
    else:
        shard = n
    drop = drop_last and shard > per and shard % per != 0
    if drop:
        return ex.add("nb", shard // per, f"floor({shard} / {per})", drop_why)
    return ex.add("nb", -(-shard // per), f"ceil({shard} / {per})", "len(train_loader)")


# -- Ultralytics --------------------------------------------------------------------------------


def _read_yolo(source: Source, facts: RunFacts, ex: Explanation) -> tuple[Document, Explanation]:
    def number(key: str, **kind: Any) -> Any:
        got = source.number((key,), DEFAULTS[key], DEFAULT, **kind)
        source.raise_if_any()
        return ex.read(key, got)

    def flag(key: str) -> bool:
        got = source.boolean((key,), DEFAULTS[key], DEFAULT)
        source.raise_if_any()
        return ex.read(key, got)

    if source.get(("time",)) is not None:
        raise source.fail(("time",), "the trainer re-estimates epochs (and the schedule) "
                                     "from the measured epoch time, which lrplot cannot know; "
                                     "remove it and give epochs")
    epochs = _epochs(source, facts, ex, ("epochs",), DEFAULTS["epochs"], DEFAULT)
    if facts.batch_size is not None:
        batch = ex.read("batch", Value(facts.batch_size, "--batch-size (the total batch)"))
    else:
        raw = source.get(("batch",), DEFAULTS["batch"])
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and (
                raw == -1 or 0 < raw < 1):
            raise source.fail(("batch",), f"{raw} asks AutoBatch to size the batch on "
                                          "the GPU; give the batch it chose with --batch-size N")
        batch = number("batch", integer=True, minimum=1)
    world = _world_size(source, facts, ex)
    compiled = source.get(("compile",), False) not in (False, None, "false", "False")
    images = _train_images(source, facts, ex)
    nb = _nb(source, facts, ex, images, batch, world, compiled,
             "compile: the train loader drops the last incomplete batch")
    nbs = number("nbs", integer=True, minimum=1)
    lr0 = number("lr0", minimum=0)
    p: dict[str, Any] = {"nb": nb, "epochs": epochs, "batch": batch, "nbs": nbs,
                         "lrf": number("lrf", minimum=0), "cos_lr": flag("cos_lr"),
                         "warmup_epochs": number("warmup_epochs", minimum=0),
                         "warmup_bias_lr": number("warmup_bias_lr", minimum=0),
                         "warmup_momentum": number("warmup_momentum", minimum=0),
                         "momentum": number("momentum", minimum=0)}
    origins = {k: (k,) for k in p}
    name_value = source.text(("optimizer",), DEFAULTS["optimizer"], DEFAULT)
    source.raise_if_any()
    name = {x.lower(): x for x in OPTIMIZERS}.get(str(name_value.value).lower())
    if name is None:
        from lrplot.suggest import hint

        near = hint(str(name_value.value), OPTIMIZERS)
        raise source.fail(("optimizer",), f"{name_value.value!r} is not an optimizer "
                                          f"build_optimizer knows{near} (accepted: "
                                          f"{', '.join(OPTIMIZERS)})")
    ex.read("optimizer", Value(name, name_value.source))
    built_momentum = p["momentum"]
    if name == "auto":
        name, lr0 = _auto(source, facts, ex, images, batch, nbs, epochs)
        built_momentum = 0.9
        p["warmup_bias_lr"] = ex.add("warmup_bias_lr", 0.0, "", "optimizer=auto sets it to 0")
        origins["warmup_bias_lr"] = ("optimizer",)
    p["optimizer"] = name
    nw = ex.add("nw", loop.warmup_iterations(p, "yolo"),
                f"round(min({p['warmup_epochs']:g}, max({epochs} - 1, 0)) x {nb})",
                f"{RULES} _get_warmup_iterations (0: no warm-up)")
    ex.add("accumulate", loop.nominal_accumulate(p, "yolo"),
           f"min(max(round({nbs} / {batch}), 1), {nb} x {epochs})",
           f"{RULES} _build_train_pipeline (the warm-up ramps it up from 1)")
    if not (name in ("SGD", "MuSGD", "RMSprop") and nw > 0):
        p["momentum"] = built_momentum  # as built: the warm-up does not set it
    out = Output(source)
    steps = loop.optimizer_steps(p, "yolo")
    out.figure("steps", ex.add("steps", steps, f"optimizer steps in {epochs} x {nb} iterations",
                               f"{RULES} _do_train: ni - last_opt_step >= accumulate"))
    out.figure("base_lr", lr0, ("lr0",))
    groups = [(g, lr0, "") for g in GROUPS] if name != "MuSGD" else \
        [(g, lr, tag) for g in MUSGD_GROUPS
         for lr, tag in ((lr0 * 3, ", head cv3: 3 x lr0"), (lr0, ""))]
    for i, (group, lr, tag) in enumerate(groups):
        curve = {"type": "ultralytics.yolo", **p, "param_group": group,
                 "label": f"pg{i} {group}{tag}"}
        if lr != lr0:
            curve["base_lr"] = lr
        if i == 0:
            curve["series"] = ["lr", "momentum"]
        out.curve(curve, origins)
    ex.note(f"{len(groups)} param groups, one curve each; lrplot's step is an optimizer step "
            f"(every accumulate = round(nbs / batch) batches), not an iteration")
    return out.document(), ex


def _train_images(source: Source, facts: RunFacts, ex: Explanation) -> int | None:
    """The images the train loader holds: ``--dataset-size`` cut by ``fraction`` (a ratio, an
    image count above 1, or a list whose first entry is the train split's), as BaseDataset's
    ``get_img_files`` cuts them."""
    if facts.dataset_size is None:
        return None
    n = ex.add("dataset_size", facts.dataset_size, "", "--dataset-size")
    raw = source.get(("fraction",), 1.0)
    if isinstance(raw, list):
        raw = raw[0] if raw else 1.0
    if raw is None or isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw < 0:
        raise source.fail(("fraction",), f"expected a ratio, an image count or a list of them, "
                                         f"got {raw!r}")
    if raw in (0, 1):
        raw = float(raw)
    if raw == 0:
        raise source.fail(("fraction",), "0 selects no training image")
    count = raw if isinstance(raw, int) else max(1, round(n * raw))
    if count >= n:
        return n
    return ex.add("images", count, str(count) if isinstance(raw, int) else
                  f"max(1, round({n} x {raw:g}))", f"{source.at(('fraction',))}: "
                  "BaseDataset.get_img_files")


def _world_size(source: Source, facts: RunFacts, ex: Explanation) -> int:
    if facts.world_size is not None:
        return ex.read("world_size", Value(facts.world_size, "--world-size"))
    device = source.get(("device",))
    if isinstance(device, list):
        count = len(device)
    elif isinstance(device, str) and device.strip() not in ("", "cpu", "mps"):
        count = len(device.split(","))
    else:
        count = 1
    return ex.add("world_size", count, "", f"device {device!r}: one process per device"
                  if count > 1 else "one process (device is not a list of devices)")


def _auto(source: Source, facts: RunFacts, ex: Explanation, images: int | None, batch: int,
          nbs: int, epochs: int) -> tuple[str, float]:
    """build_optimizer's ``optimizer: auto``."""
    if images is None:
        raise source.fail(("optimizer",), "auto picks the optimizer and lr0 by "
                                          "ceil(images / max(batch, nbs)) x epochs: give "
                                          "--dataset-size N (or name the optimizer)")
    iterations = ex.add("auto iterations", math.ceil(images / max(batch, nbs)) * epochs,
                        f"ceil({images} / max({batch}, {nbs})) x {epochs}",
                        f"{RULES} _build_train_pipeline")
    if iterations > 10000:
        ex.add("optimizer", "MuSGD", f"{iterations} > 10000", "optimizer=auto")
        return "MuSGD", ex.add("lr0", 0.01, "", "optimizer=auto: MuSGD's lr")
    if facts.classes is None:
        raise source.fail(("optimizer",), f"auto with {iterations} <= 10000 "
                                          "iterations picks AdamW at lr0 = round(0.002 x 5 / "
                                          "(4 + nc), 6): give the dataset's classes with "
                                          "--classes N")
    nc = ex.read("nc", Value(facts.classes, "--classes"))
    ex.add("optimizer", "AdamW", f"{iterations} <= 10000", "optimizer=auto")
    return "AdamW", ex.add("lr0", round(0.002 * 5 / (4 + nc), 6),
                           f"round(0.002 x 5 / (4 + {nc}), 6)", "optimizer=auto: AdamW's lr")


# -- YOLOv5 -------------------------------------------------------------------------------------


def _read_yolov5(source: Source, facts: RunFacts, ex: Explanation
                 ) -> tuple[Document, Explanation]:
    opt = isinstance(source.get(("hyp",)), dict)
    hyp = ("hyp",) if opt else ()
    values = {}
    for key in HYP_KEYS:
        if not source.has(hyp + (key,)):
            raise source.fail(hyp, f"no {key} in the hyp file: train.py reads it "
                                   f"(hyp[{key!r}])")
        if key == "lr0" and facts.learning_rate is not None:
            values[key] = ex.read(key, Value(facts.learning_rate, "--learning-rate"))
            continue
        values[key] = ex.read(key, source.number(hyp + (key,), None, "", minimum=0))
        source.raise_if_any()
    where = "opt.yaml" if opt else "the hyp file; train.py's --epochs"
    epochs = _epochs(source, facts, ex, ("epochs",), None, where)
    if facts.batch_size is not None:
        batch = ex.read("batch_size", Value(facts.batch_size, "--batch-size (train.py's total "
                                                              "--batch-size)"))
    elif opt:
        if source.get(("batch_size",)) in (-1, None):
            raise source.fail(("batch_size",), "AutoBatch (-1) or none: give the batch size "
                                               "train.py used with --batch-size N")
        batch = ex.read("batch_size", source.number(("batch_size",), None, "", integer=True,
                                                    minimum=1))
        source.raise_if_any()
    else:
        raise source.fail((), "the batch size is train.py's --batch-size, not in a hyp file: "
                              "give --batch-size N (the total over all GPUs)")
    options = {}
    for key, default in V5_OPTIONS.items():
        if opt:
            got = source.boolean((key,), default, f"default of {RULES_V5}") \
                if isinstance(default, bool) else source.text((key,), default,
                                                               f"default of {RULES_V5}")
            source.raise_if_any()
            options[key] = ex.read(key, got)
        else:
            options[key] = ex.read(key, Value(default, f"train.py's --{key.replace('_', '-')} "
                                                       "default (not in a hyp file)"))
    if options["optimizer"] not in ("SGD", "Adam", "AdamW"):
        raise source.fail(("optimizer",), f"{options['optimizer']!r}: train.py "
                                          "accepts SGD, Adam or AdamW")
    world = ex.read("world_size", Value(facts.world_size or 1, "--world-size" if
                                        facts.world_size else "WORLD_SIZE default 1"))
    images = None if facts.dataset_size is None else \
        ex.add("dataset_size", facts.dataset_size, "", "--dataset-size")
    nb = _nb(source, facts, ex, images, batch, world, options["quad"],
             "--quad: the loader drops the last incomplete batch")
    p: dict[str, Any] = {"nb": nb, "epochs": epochs, "batch": batch, "lrf": values["lrf"],
                         "cos_lr": options["cos_lr"],
                         "warmup_epochs": values["warmup_epochs"],
                         "warmup_bias_lr": values["warmup_bias_lr"],
                         "warmup_momentum": values["warmup_momentum"],
                         "momentum": values["momentum"], "optimizer": options["optimizer"]}
    origins = {k: hyp + (k,) for k in HYP_KEYS if k != "lr0"}
    origins.update(cos_lr=("cos_lr",), optimizer=("optimizer",))
    ex.add("nw", loop.warmup_iterations(p, "yolov5"),
           f"max(round({p['warmup_epochs']:g} x {nb}), 100)", RULES_V5)
    ex.add("accumulate", loop.nominal_accumulate(p, "yolov5"), f"max(round(64 / {batch}), 1)",
           f"{RULES_V5} (the warm-up ramps it from 1 to 64 / batch_size)")
    out = Output(source)
    steps = loop.optimizer_steps(p, "yolov5")
    out.figure("steps", ex.add("steps", steps, f"optimizer steps in {epochs} x {nb} iterations",
                               f"{RULES_V5}: ni - last_opt_step >= accumulate"))
    out.figure("base_lr", values["lr0"], hyp + ("lr0",))
    names = ("biases", "weights with decay", "BatchNorm weights")
    for j, name in enumerate(names):
        curve = {"type": "ultralytics.yolov5", **p, "group": j, "label": f"pg{j} {name}"}
        if j == 1:
            curve["series"] = ["lr", "momentum"]
        out.curve(curve, origins)
    ex.note("YOLOv5 steps its scheduler at the end of an epoch: after the warm-up, epoch e "
            "trains at lf(e - 1); lrplot's step is an optimizer step, not an iteration")
    if not opt:
        ex.note("a hyp file does not hold train.py's --cos-lr, --optimizer or --quad: "
                "their defaults apply (linear lf, SGD); read the run's opt.yaml for its own")
    return out.document(), ex
