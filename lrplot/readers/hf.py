"""Hugging Face ``TrainingArguments`` as YAML or JSON: plain, and as LLaMA-Factory, TRL /
alignment-handbook recipes and axolotl write them.

The Trainer builds its scheduler with ``transformers.get_scheduler(lr_scheduler_type,
num_warmup_steps=args.get_warmup_steps(max_steps), num_training_steps=max_steps,
scheduler_specific_kwargs=lr_scheduler_kwargs)`` and steps it after every optimizer step; each
name maps onto lrplot's ``hf.<name>`` kind, whose parameter table checks the kwargs. The
optimizer steps are the Trainer's (``set_initial_training_values``): the dataloader's length per
process (accelerate's sharding), divided by gradient accumulation rounding up, times the
epochs rounding up — or ``max_steps`` when it is positive.

Two versions of the rules: transformers 5 (the default; the installed-latest) reads a float
``warmup_steps`` below 1 as a ratio of the run and has no ``warmup_ratio``; transformers 4 has
``warmup_ratio``, used when ``warmup_steps`` is 0. ``--rules 4`` picks the older ones.
"""

from __future__ import annotations

import json
import math
from typing import Any

from lrplot import schedules
from lrplot.readers.run import (LAST_STEP, STEPS_PER_EPOCH_HINT, Explanation, RunFacts, Value,
                                ceil_div, sharded_batches)
from lrplot.readers.source import Output, Source
from lrplot.yamlio import Document

NAME = "hf"
TITLE = "Hugging Face TrainingArguments (plain, LLaMA-Factory, TRL / alignment-handbook)"
RULES = {"5": "transformers 5.x", "4": "transformers 4.x"}
DEFAULT_RULES = "5"

# TrainingArguments' own defaults (transformers 5.24; the same in 4.x for these fields).
DEFAULTS: dict[str, Any] = {"learning_rate": 5e-5, "lr_scheduler_type": "linear", "warmup_steps": 0,
            "warmup_ratio": 0.0, "num_train_epochs": 3.0, "max_steps": -1,
            "per_device_train_batch_size": 8, "gradient_accumulation_steps": 1,
            "dataloader_drop_last": False}

SPELLINGS: dict[str, tuple[str, ...]] = {
    "lr_scheduler_type": ("lr_scheduler_type",),
    "num_train_epochs": ("num_train_epochs",),
    "per_device_train_batch_size": ("per_device_train_batch_size",),
}
"""The keys each argument is written as, in the flavour's order of preference."""

MARKERS: tuple[str, ...] = ("lr_scheduler_type", "per_device_train_batch_size",
                            "num_train_epochs", "gradient_accumulation_steps", "warmup_ratio",
                            "lr_scheduler_kwargs", "dataloader_drop_last")
"""Keys that only a TrainingArguments-shaped config has (two of them make it one)."""

METRIC_DRIVEN = ("reduce_lr_on_plateau", "greedy")
IGNORES_KWARGS = ("constant", "constant_with_warmup")
"""get_scheduler builds these without scheduler_specific_kwargs."""


def detect(data: Any) -> bool:
    return isinstance(data, dict) and sum(k in data for k in MARKERS) >= 2


class Flavour:
    """Where a front-end differs from plain TrainingArguments: key spellings and the warm-up
    it derives itself."""

    name = "hf"
    trainer = "Trainer"
    spellings: dict[str, tuple[str, ...]] = SPELLINGS
    markers: tuple[str, ...] = MARKERS

    def detect(self, data: Any) -> bool:
        return isinstance(data, dict) and sum(k in data for k in self.markers) >= 2

    def key(self, source: Source, argument: str) -> str:
        """The key the file uses for ``argument`` (its preferred spelling when absent)."""
        spellings = self.spellings.get(argument, (argument,))
        return next((k for k in spellings if k in source.data), spellings[0])

    def warmup(self, source: Source, ex: Explanation, steps: int, rules: str) -> int:
        return trainer_warmup(source, ex, steps, rules, self)


def trainer_warmup(source: Source, ex: Explanation, steps: int, rules: str,
                   flavour: Flavour) -> int:
    """``TrainingArguments.get_warmup_steps(num_training_steps)`` of the chosen version."""
    version = RULES[rules]
    default = f"default of TrainingArguments, {version}"
    ratio = source.number(("warmup_ratio",), 0.0, default, minimum=0)
    given = source.number(("warmup_steps",), 0, default, minimum=0)
    if rules == "5":
        if source.has(("warmup_ratio",)):
            if given.value:
                ex.note(f"{source.at(('warmup_ratio',))}: transformers 5 has no warmup_ratio; "
                        f"warmup_steps ({given.value}) is used and warmup_ratio ignored")
            else:
                ex.note(f"{source.at(('warmup_ratio',))}: transformers 5 has no warmup_ratio "
                        f"(TrainingArguments refuses it); read as its 5.x spelling "
                        f"warmup_steps: {ratio.value} (a ratio). --rules 4 applies the 4.x "
                        "rules")
                given = Value(ratio.value, ratio.source + " (as warmup_steps)")
        value = ex.read("warmup_steps", given)
        if value >= 1:
            return ex.add("num_warmup_steps", int(value), f"int({value})",
                          f"TrainingArguments.get_warmup_steps, {version}")
        return ex.add("num_warmup_steps", math.ceil(steps * value), f"ceil({steps} x {value})",
                      f"TrainingArguments.get_warmup_steps, {version}: warmup_steps < 1 is a "
                      "ratio of the run")
    value = ex.read("warmup_steps", given)
    if value and value != int(value):
        raise source.fail(("warmup_steps",), f"warmup_steps: {value} is a ratio only under "
                                             "transformers 5 rules (--rules 5); transformers 4 "
                                             "takes a whole number of steps or warmup_ratio")
    if value > 0:
        return ex.add("num_warmup_steps", int(value), "",
                      f"TrainingArguments.get_warmup_steps, {version}: warmup_steps > 0 wins")
    r = ex.read("warmup_ratio", ratio)
    return ex.add("num_warmup_steps", math.ceil(steps * r), f"ceil({steps} x {r})",
                  f"TrainingArguments.get_warmup_steps, {version}")


def _rules(facts: RunFacts, source: Source) -> str:
    wanted = (facts.rules or DEFAULT_RULES).lower().removeprefix("transformers").strip(" =")
    wanted = wanted.removesuffix(".x")
    if wanted.split(".")[0] in RULES:
        return wanted.split(".")[0]
    raise source.fail((), f"--rules {facts.rules}: transformers configs are read with the rules "
                          "of transformers 5 (--rules 5, the default) or 4 (--rules 4)")


def optimizer_steps(source: Source, ex: Explanation, facts: RunFacts, flavour: Flavour,
                    version: str) -> int:
    """``max_steps`` as the Trainer computes it (``set_initial_training_values``)."""
    default = f"default of TrainingArguments, {version}"
    if facts.max_steps is not None:
        return ex.add("num_training_steps", facts.max_steps, "", "--max-steps")
    max_steps = source.number(("max_steps",), -1, default, integer=True)
    source.raise_if_any()
    if max_steps.value > 0:
        return ex.add("num_training_steps", max_steps.value, "", max_steps.source +
                      f" (a positive max_steps overrides the epochs, {flavour.trainer})")
    key = flavour.key(source, "num_train_epochs")
    epochs = Value(facts.epochs, "--epochs") if facts.epochs is not None else \
        source.number((key,), DEFAULTS["num_train_epochs"], default, minimum=0)
    source.raise_if_any()
    epochs_v = ex.read("num_train_epochs", epochs)
    per_epoch = update_steps_per_epoch(source, ex, facts, flavour, version, key, epochs_v)
    steps = math.ceil(epochs_v * per_epoch)
    return ex.add("num_training_steps", steps, f"ceil({epochs_v} x {per_epoch})",
                  f"{flavour.trainer}, {version}")


def update_steps_per_epoch(source: Source, ex: Explanation, facts: RunFacts, flavour: Flavour,
                           version: str, epochs_key: str, epochs: float) -> int:
    default = f"default of TrainingArguments, {version}"
    if facts.steps_per_epoch is not None:
        if facts.dataset_size is not None:
            raise source.fail((), "give --dataset-size or --steps-per-epoch, not both")
        return ex.add("update_steps_per_epoch", facts.steps_per_epoch, "", "--steps-per-epoch")
    if facts.dataset_size is None:
        where: tuple
        if source.has((epochs_key,)):
            where, what = (epochs_key,), f"{epochs:g}"
        else:
            where, what = (), f"{epochs_key}: {epochs:g} (the default, {version})"
        raise source.fail(where, f"{what} needs the optimizer steps per epoch: "
                                 f"{STEPS_PER_EPOCH_HINT}, or --max-steps N")
    bkey = flavour.key(source, "per_device_train_batch_size")
    batch = Value(facts.batch_size, "--batch-size") if facts.batch_size is not None else \
        source.number((bkey,), DEFAULTS["per_device_train_batch_size"], default, integer=True,
                      minimum=1)
    accum = Value(facts.grad_accum, "--grad-accum") if facts.grad_accum is not None else \
        source.number(("gradient_accumulation_steps",),
                      DEFAULTS["gradient_accumulation_steps"], default, integer=True, minimum=1)
    drop_last = source.boolean(("dataloader_drop_last",), False, default)
    source.raise_if_any()
    b = ex.read("per_device_train_batch_size", batch)
    g = ex.read("gradient_accumulation_steps", accum)
    d = ex.read("dataloader_drop_last", drop_last)
    n = ex.add("dataset_size", facts.dataset_size, "", "--dataset-size")
    w = ex.read("world_size", Value(facts.world_size or 1, "--world-size" if facts.world_size
                                    else "default: one process; give --world-size N"))
    batches, how = sharded_batches(n, b, w, d)
    ex.add("batches_per_epoch", batches, how,
           "per process: accelerate's sharded dataloader" if w > 1 else "the dataloader's length")
    if batches == 0:
        raise source.fail((), f"--dataset-size {n}: no batch of {b} per process is left after "
                              "dropping the last incomplete one (dataloader_drop_last); the "
                              "Trainer would refuse to train")
    per_epoch = max(ceil_div(batches, g), 1)
    return ex.add("update_steps_per_epoch", per_epoch, f"max(ceil({batches} / {g}), 1)",
                  f"Trainer, {version}")


def read(doc: Document, facts: RunFacts, flavour: Flavour | None = None
         ) -> tuple[Document, Explanation]:
    """The config as an lrplot figure of one curve, and how every number was obtained."""
    flavour = flavour or Flavour()
    source = Source(doc)
    ex = Explanation()
    rules = _rules(facts, source)
    version = RULES[rules]
    default = f"default of TrainingArguments, {version}"
    if facts.interval not in (None, "step"):
        raise source.fail((), "--interval epoch: the Trainer steps its scheduler after every "
                              "optimizer step; --interval does not apply to transformers "
                              "configs")
    skey = flavour.key(source, "lr_scheduler_type")
    name = source.text((skey,), DEFAULTS["lr_scheduler_type"], default)
    lr = source.number(("learning_rate",), DEFAULTS["learning_rate"], default, minimum=0)
    kwargs = _kwargs(source)
    source.raise_if_any()
    kind = _kind(source, skey, name.value)
    ex.read("learning_rate", lr)
    ex.read("lr_scheduler_type", name)
    ex.add("schedule", kind.name, "", f"transformers.{kind.framework_class}")
    steps = optimizer_steps(source, ex, facts, flavour, version)
    if steps < 1:
        raise source.fail((), f"the run has {steps} optimizer steps; nothing to draw (give "
                              "--max-steps N or more epochs)")
    warmup = flavour.warmup(source, ex, steps, rules)
    source.raise_if_any()

    values: dict[str, Any] = {"type": kind.name}
    origins: dict[str, tuple] = {"type": (skey,)}
    if kind.param("num_warmup_steps"):
        values["num_warmup_steps"] = warmup
        origins["num_warmup_steps"] = ("warmup_steps",) if source.has(("warmup_steps",)) \
            else ("warmup_ratio",)
    elif warmup:
        ex.note(f"{kind.framework_class} has no warm-up: the {warmup} warm-up steps are ignored "
                "by the Trainer")
    if kind.param("num_training_steps"):
        values["num_training_steps"] = steps
    if kwargs and kind.name.removeprefix("hf.") in IGNORES_KWARGS:
        ex.note(f"{source.at(('lr_scheduler_kwargs',))}: get_scheduler builds "
                f"{kind.framework_class} without lr_scheduler_kwargs; they are ignored")
    elif kwargs:
        for key, value in kwargs.items():
            if key in ("num_warmup_steps", "num_training_steps"):
                raise source.fail(("lr_scheduler_kwargs", key),
                                  f"{key} is passed by the Trainer itself; giving it in "
                                  "lr_scheduler_kwargs makes get_scheduler raise (TypeError)")
            values[key] = value
            origins[key] = ("lr_scheduler_kwargs", key)
            ex.read(key, Value(value, source.at(("lr_scheduler_kwargs", key))))
    ex.note("the Trainer's two parameter groups (with and without weight decay) share one "
            "schedule: one curve shows both")
    out = Output(source)
    out.figure("steps", ex.add("steps", steps + 1, f"{steps} + 1", LAST_STEP))
    out.figure("base_lr", lr.value, ("learning_rate",))
    out.curve(values, origins)
    _lint(source, out, steps, warmup, rules)
    return out.document(), ex


def _lint(source: Source, out: Output, steps: int, warmup: int, rules: str) -> None:
    """Trainer-level mistakes (``lrplot lint``)."""
    ratio, given = source.get(("warmup_ratio",)), source.get(("warmup_steps",))
    if ratio and given:
        out.warn("warmup-both-set", ("warmup_ratio",),
                 f"warmup_ratio ({ratio}) and warmup_steps ({given}) are both set: "
                 + ("warmup_steps wins under transformers 4 and warmup_ratio is ignored"
                    if rules == "4" else "transformers 5 has no warmup_ratio (its "
                    "TrainingArguments refuses it); warmup_steps is used"),
                 "keep one: warmup_steps N (steps) or, with transformers 5, warmup_steps 0.1 "
                 "(a ratio below 1)")
    if warmup >= steps > 0:
        key = "warmup_steps" if source.has(("warmup_steps",)) else "warmup_ratio"
        out.warn("warmup-longer-than-run", (key,),
                 f"the warm-up ({warmup} steps) is as long as the run ({steps} optimizer steps): "
                 "the lr never reaches learning_rate",
                 "shorten the warm-up, or check the run's length (--dataset-size, epochs, "
                 "batch size)")


def _kwargs(source: Source) -> dict[str, Any]:
    """``lr_scheduler_kwargs``: a mapping, or the JSON text of one (as on a command line)."""
    raw = source.get(("lr_scheduler_kwargs",))
    if raw is None:
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except ValueError as exc:
            source.error(("lr_scheduler_kwargs",), f"not a JSON object: {exc}")
            return {}
    if not isinstance(raw, dict):
        source.error(("lr_scheduler_kwargs",), "expected a mapping of scheduler arguments, such "
                                               "as {num_cycles: 0.5}")
        return {}
    return raw


def _kind(source: Source, key: str, name: str) -> schedules.Kind:
    known = [k.name.removeprefix("hf.") for k in schedules.all_kinds() if k.namespace == "hf"]
    short = name.lower().removeprefix("schedulertype.")
    if short in METRIC_DRIVEN:
        raise source.fail((key,), f"{name!r} follows an evaluation metric, not the step: its "
                                  "lr cannot be known from the config (draw a logged lr with a "
                                  "'type: data' curve instead)")
    if short not in known:
        from lrplot.suggest import hint as near_miss

        hint = near_miss(short, known)
        raise source.fail((key,), f"unknown lr_scheduler_type {name!r}{hint} (accepted: "
                                  f"{', '.join(known)})")
    return schedules.get(f"hf.{short}")
