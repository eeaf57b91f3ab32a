"""DeepSpeed's ``ds_config.json``: ``scheduler: {type, params}``, the ``"auto"`` values filled
as transformers' DeepSpeed integration fills them.

DeepSpeed builds ``getattr(lr_schedules, type)(optimizer, **params)`` and its engine steps it
after every optimizer step. With the Hugging Face Trainer (``--deepspeed ds_config.json``),
``HfTrainerDeepSpeedConfig`` (transformers 5.24, integrations/deepspeed.py) first replaces
``"auto"``: ``warmup_min_lr`` -> 0, ``warmup_max_lr`` and ``optimizer.params.lr`` ->
``learning_rate``, ``total_num_steps`` -> the Trainer's optimizer steps, ``warmup_num_steps`` ->
``max(1, get_warmup_steps(total))``. Those are the launch command's arguments, given here as
``--learning-rate``, ``--warmup-steps`` and the run flags; a missing one is an error naming it.
"""

from __future__ import annotations

import math
from typing import Any

from lrplot import schedules
from lrplot.readers.run import (LAST_STEP, STEPS_PER_EPOCH_HINT, Explanation, RunFacts, Value,
                                ceil_div, sharded_batches)
from lrplot.readers.source import Output, Source
from lrplot.yamlio import Document

NAME = "deepspeed"
TITLE = "DeepSpeed ds_config.json (scheduler: {type, params})"

MARKERS = ("zero_optimization", "train_micro_batch_size_per_gpu", "train_batch_size",
           "gradient_clipping", "zero_allow_untested_optimizer", "steps_per_print")
"""Top-level keys of a DeepSpeed config (one of them with a scheduler makes it one)."""

HF = "transformers 5.24's DeepSpeed integration"
TRAINER_DEFAULTS = "default of TrainingArguments, transformers 5.24"


def detect(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    scheduler = data.get("scheduler")
    typed = isinstance(scheduler, dict) and isinstance(scheduler.get("type"), str)
    return (typed and ("params" in scheduler or any(k in data for k in MARKERS))) or \
        sum(k in data for k in MARKERS) >= 2


def _kinds() -> dict[str, schedules.Kind]:
    return {k.framework_class: k for k in schedules.all_kinds() if k.framework == "deepspeed"}


def read(doc: Document, facts: RunFacts) -> tuple[Document, Explanation]:
    source = Source(doc)
    ex = Explanation()
    if facts.interval not in (None, "step"):
        raise source.fail((), "--interval epoch: DeepSpeed's engine steps its scheduler after "
                              "every optimizer step; --interval does not apply")
    scheduler = source.get(("scheduler",))
    if not isinstance(scheduler, dict):
        raise source.fail(("scheduler",) if source.has(("scheduler",)) else (),
                          "no scheduler: {type, params} in this DeepSpeed config: the lr is the "
                          "client's (with the Hugging Face Trainer, its lr_scheduler_type; "
                          "read those arguments with --from hf)")
    kinds = _kinds()
    name = source.text(("scheduler", "type"), "", "")
    source.raise_if_any()
    if name.value not in kinds:
        from lrplot.suggest import hint

        near = hint(str(name.value), kinds)
        raise source.fail(("scheduler", "type"), f"unknown DeepSpeed scheduler type "
                                                 f"{name.value!r}{near} (accepted: "
                                                 f"{', '.join(kinds)})")
    kind = kinds[name.value]
    ex.read("scheduler.type", name)
    ex.add("schedule", kind.name, "", f"deepspeed.runtime.lr_schedules.{kind.framework_class}")
    params = source.get(("scheduler", "params"), {})
    if not isinstance(params, dict):
        raise source.fail(("scheduler", "params"), "expected a mapping of the scheduler's "
                                                   "arguments")
    run = _Run(source, ex, facts)
    values: dict[str, Any] = {"type": kind.name}
    origins: dict[str, tuple] = {"type": ("scheduler", "type")}
    for key, raw in params.items():
        path = ("scheduler", "params", key)
        if key == "last_batch_iteration":  # a resume point; -1 (the start) is the default
            if raw != -1:
                raise source.fail(path, f"last_batch_iteration: {raw!r} resumes the schedule "
                                        "mid-way; lrplot draws it from the start (-1)")
            continue
        origins[key] = path
        if raw == "auto":
            values[key] = run.auto(key, path, kind)
        else:
            values[key] = ex.read(key, Value(raw, source.at(path)))
    base_lr = run.optimizer_lr(kind, values)
    source.raise_if_any()  # every launch fact an "auto" is missing, in one report
    out = Output(source)
    steps = run.total(required=False)
    if steps is not None:
        out.figure("steps", ex.add("steps", steps + 1, f"{steps} + 1", LAST_STEP))
    if base_lr is not None:
        out.figure("base_lr", base_lr, ("optimizer", "params", "lr"))
    out.curve(values, origins, ("scheduler",))
    return out.document(), ex


class _Run:
    """The Trainer's facts an ``"auto"`` needs, each derived once. A fact the launch command
    must give is recorded as a problem (once, where it is first needed) and read as None, so
    that the user learns every missing flag from one run."""

    def __init__(self, source: Source, ex: Explanation, facts: RunFacts):
        self.source, self.ex, self.facts = source, ex, facts
        self._total: int | None = None
        self._lr: float | None = None
        self._missing: set[str] = set()

    def fail(self, path: tuple, message: str) -> Exception:
        return self.source.fail(path, message)

    def missing(self, fact: str, path: tuple, message: str) -> None:
        if fact not in self._missing:
            self._missing.add(fact)
            self.source.error(path, message)

    def learning_rate(self, path: tuple) -> float | None:
        if self._lr is not None:
            return self._lr
        if self.facts.learning_rate is None:
            self.missing("learning_rate", path, f'"auto" is the Trainer\'s learning_rate '
                                                f"({HF}): give it with --learning-rate X (the "
                                                "launch command's --learning_rate)")
            return None
        self._lr = self.ex.read("learning_rate", Value(self.facts.learning_rate,
                                                       "--learning-rate"))
        return self._lr

    def auto(self, key: str, path: tuple, kind: schedules.Kind) -> Any:
        if key == "warmup_min_lr":
            return self.ex.add(key, 0, "", f"auto -> 0, {HF}")
        if key == "warmup_max_lr":
            return self.ex.add(key, self.learning_rate(path), "", f"auto -> learning_rate, {HF}")
        if key == "total_num_steps":
            return self.ex.add(key, self.total(path=path), "", f"auto -> the Trainer's "
                                                               f"optimizer steps, {HF}")
        if key == "warmup_num_steps":
            total = self.total(path=path)
            if self.facts.warmup_steps is None:
                self.missing("warmup_steps", path, f'"auto" is max(1, get_warmup_steps(total)) '
                                                   f"({HF}): give the launch command's "
                                                   "--warmup_steps with --warmup-steps N (a "
                                                   "value below 1 is a ratio of the run, "
                                                   "transformers 5; 0 for none)")
            if total is None or self.facts.warmup_steps is None:
                return None
            w = self.ex.read("warmup_steps", Value(self.facts.warmup_steps, "--warmup-steps"))
            warm = int(w) if w >= 1 else math.ceil(total * w)
            how = f"max(1, int({w}))" if w >= 1 else f"max(1, ceil({total} x {w}))"
            return self.ex.add(key, max(1, warm), how, f"auto, {HF}")
        raise self.fail(path, f'"auto" is filled by {HF} only for warmup_min_lr, '
                              f"warmup_max_lr, warmup_num_steps and total_num_steps; DeepSpeed "
                              f"would pass the text 'auto' to {kind.framework_class} as {key}")

    def optimizer_lr(self, kind: schedules.Kind, values: dict[str, Any]) -> float | None:
        """The optimizer's lr: WarmupLR's warmup_max_lr when absent, WarmupCosineLR's peak."""
        needed = kind.uses_base_lr and (kind.name != "deepspeed.warmup" or
                                        values.get("warmup_max_lr") is None) and \
            kind.name != "deepspeed.warmup_decay"
        path = ("optimizer", "params", "lr")
        raw = self.source.get(path)
        if raw == "auto" or (raw is None and needed):
            if not needed and self.facts.learning_rate is None:
                return None
            if raw is None:
                self.ex.note("no optimizer in the config: the client's optimizer (the "
                             "Trainer's, with learning_rate) sets the lr")
            lr = self.learning_rate(path if raw == "auto" else ("scheduler",))
            return None if lr is None else \
                self.ex.add("optimizer lr", lr, "", f"learning_rate, {HF}")
        if raw is None:
            return None
        lr = self.source.number(path, None, "", minimum=0)
        self.source.raise_if_any()
        return self.ex.read("optimizer lr", lr)

    def total(self, path: tuple = (), required: bool = True) -> int | None:
        """The Trainer's optimizer steps (``max_steps``, or epochs x update steps per epoch)."""
        if self._total is not None:
            return self._total
        f = self.facts
        if f.max_steps is not None:
            self._total = self.ex.add("num_training_steps", f.max_steps, "", "--max-steps")
            return self._total
        if f.steps_per_epoch is None and f.dataset_size is None:
            if required:
                self.missing("total", path, f'"auto" is the Trainer\'s optimizer steps ({HF}): '
                                            f"give --max-steps N, or (--epochs N, else 3) and "
                                            f"{STEPS_PER_EPOCH_HINT.removeprefix('give ')}")
            return None
        epochs = self.ex.read("num_train_epochs", Value(f.epochs, "--epochs") if f.epochs
                              is not None else Value(3.0, TRAINER_DEFAULTS))
        if f.steps_per_epoch is not None:
            per_epoch = self.ex.add("update_steps_per_epoch", f.steps_per_epoch, "",
                                    "--steps-per-epoch")
        else:
            per_epoch = self._per_epoch(path)
        self._total = self.ex.add("num_training_steps", math.ceil(epochs * per_epoch),
                                  f"ceil({epochs} x {per_epoch})", "Trainer, transformers 5.24")
        return self._total

    def _per_epoch(self, path: tuple) -> int:
        f, source = self.facts, self.source
        batch = self._int("train_micro_batch_size_per_gpu", f.batch_size, "--batch-size", 8)
        accum = self._int("gradient_accumulation_steps", f.grad_accum, "--grad-accum", 1)
        n = self.ex.add("dataset_size", f.dataset_size, "", "--dataset-size")
        w = self.ex.read("world_size", Value(f.world_size or 1, "--world-size" if f.world_size
                                             else "default: one process; give --world-size N"))
        batches, how = sharded_batches(n, batch, w, False)
        self.ex.add("batches_per_epoch", batches, how, "per process: accelerate's sharded "
                                                       "dataloader" if w > 1 else
                    "the dataloader's length")
        if batches == 0:
            raise source.fail(path, f"--dataset-size {n}: no batch per process")
        return self.ex.add("update_steps_per_epoch", max(ceil_div(batches, accum), 1),
                           f"max(ceil({batches} / {accum}), 1)", "Trainer, transformers 5.24")

    def _int(self, key: str, given: int | None, flag: str, default: int) -> int:
        """A batch size or accumulation: the flag, the config's number, or ("auto" or absent)
        the Trainer's argument, which is its default unless the flag gives it."""
        if given is not None:
            return self.ex.read(key, Value(given, flag))
        raw = self.source.get((key,))
        if raw is None or raw == "auto":
            return self.ex.read(key, Value(default, f"{TRAINER_DEFAULTS} (give {flag} N for "
                                                    "the launch command's value)"))
        value = self.source.number((key,), default, "", integer=True, minimum=1)
        self.source.raise_if_any()
        return self.ex.read(key, value)
