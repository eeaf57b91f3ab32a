"""The run's arithmetic: what the command line says about a training run, and each trainer's
rules for turning it into optimizer steps.

A trainer's config counts in epochs and batches; a schedule counts in optimizer steps. Between
the two lie facts the file rarely holds (how many examples, how many devices) and rules each
trainer applies its own way (how a dataloader is sharded, how gradient accumulation rounds).
:class:`RunFacts` holds the facts given by flags; the functions below are the rules, each
returning its value *and* the arithmetic written out, so every number can be explained.

Pure Python: nothing here imports numpy (``lrplot validate`` of a foreign config stays fast).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from lrplot.problems import Problem, SpecError


def _fact(help_text: str) -> Any:
    """A run fact: not given (None) unless its flag or key is; ``help_text`` is what the flag,
    an imported curve's key and the JSON Schema say about it."""
    return field(default=None, metadata={"help": help_text})


@dataclass(frozen=True)
class RunFacts:
    """Facts about the run that a config does not hold, each given by the flag of the same name
    (``dataset_size`` -> ``--dataset-size``). None: not given."""

    dataset_size: int | None = _fact("Training examples (what len(dataset) returns)")
    world_size: int | None = _fact("Data-parallel processes (devices)")
    steps_per_epoch: int | None = _fact("Optimizer steps per epoch, when known directly")
    epochs: float | None = _fact("Overrides the config's epochs")
    max_steps: int | None = _fact("Overrides the config's total optimizer steps")
    batch_size: int | None = _fact("Overrides the per-device batch size")
    grad_accum: int | None = _fact("Overrides the gradient accumulation steps")
    interval: str | None = _fact("How often the scheduler is stepped: step or epoch")
    rules: str | None = _fact("Which version of the trainer's rules, e.g. '4' for transformers")
    learning_rate: float | None = _fact("The launch command's lr, where a config says 'auto'")
    warmup_steps: float | None = _fact(
        "The launch command's warm-up (< 1: a ratio), where a config says 'auto'")
    classes: int | None = _fact(
        "The dataset's number of classes, where the trainer's choice depends on it "
        "(Ultralytics optimizer: auto)")

    def given(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) is not None}


def flag(name: str) -> str:
    """``--dataset-size`` for ``dataset_size``."""
    return "--" + name.replace("_", "-")


@dataclass(frozen=True)
class Value:
    """A value and where it came from: ``file:line:col key``, ``--flag`` or a default."""

    value: Any
    source: str

    def __str__(self) -> str:
        return f"{self.value} ({self.source})"


@dataclass(frozen=True)
class Derived:
    """One line of an explanation: ``name = arithmetic = value (source or rule)``."""

    name: str
    value: Any
    how: str = ""  # the arithmetic, e.g. "ceil(3.0 x ceil(1091 / 8))"; "" for a value as read
    source: str = ""  # file:line:col, --flag, "default of ...", or the rule and its version

    def __str__(self) -> str:
        shown = _show(self.value)
        middle = f" = {self.how}" if self.how and self.how != shown else ""
        tail = f"  ({self.source})" if self.source else ""
        return f"{self.name}{middle} = {shown}{tail}"


def _show(value: Any) -> str:
    if isinstance(value, float) and value == int(value) and abs(value) < 1e15:
        return repr(value)
    return repr(value) if isinstance(value, str) else str(value)


@dataclass
class Explanation:
    """Every derived number of an imported config, in the order it was derived, and notes
    (assumptions the user should know about, printed on stderr by ``compare``)."""

    lines: list[Derived] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, value: Any, how: str = "", source: str = "") -> Any:
        self.lines.append(Derived(name, value, how, source))
        return value

    def read(self, name: str, fact: Value) -> Any:
        """A value taken as it is (from the file, a flag or a default)."""
        self.lines.append(Derived(name, fact.value, "", fact.source))
        return fact.value

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def text(self) -> str:
        return "".join(f"{line}\n" for line in self.lines) + \
            "".join(f"note: {n}\n" for n in self.notes)


def missing(where: str, message: str) -> SpecError:
    """The error for a fact the run needs and nobody gave: exit 2, naming the flags."""
    return SpecError([Problem(where, message)])


LAST_STEP = "lr[i] is the lr of optimizer step i; lr[N], the value after the last step, is included"

STEPS_PER_EPOCH_HINT = ("give --dataset-size N [--world-size N] or --steps-per-epoch N "
                        "(optimizer steps per epoch)")


# -- dataloaders -------------------------------------------------------------------------------


def sharded_batches(examples: int, batch: int, world: int, drop_last: bool) -> tuple[int, str]:
    """Batches per epoch on each process, as accelerate's ``BatchSamplerShard`` counts them (the
    Trainer's and Lightning's distributed samplers agree when ``even_batches`` is on, the
    default): the batch sampler over the whole dataset makes ``ceil(N / B)`` batches
    (``floor`` with drop_last), dealt round-robin to ``world`` processes; a short last round
    is completed (``ceil``) unless drop_last drops it (``floor``)."""
    if drop_last:
        total, total_how = examples // batch, f"floor({examples} / {batch})"
    else:
        total, total_how = -(-examples // batch), f"ceil({examples} / {batch})"
    if world == 1:
        return total, total_how
    if drop_last:
        return total // world, f"floor({total_how} / {world})"
    return -(-total // world), f"ceil({total_how} / {world})"


def distributed_batches(examples: int, batch: int, world: int, drop_last: bool
                        ) -> tuple[int, str]:
    """Batches per epoch on each process when torch's ``DistributedSampler`` shards the dataset
    (what Lightning injects under DDP): each process gets ``ceil(N / world)`` examples (the
    sampler pads by repeating), then its DataLoader batches them, ``ceil`` (``floor`` with
    drop_last)."""
    if world == 1:
        per, per_how = examples, str(examples)
    else:
        per, per_how = -(-examples // world), f"ceil({examples} / {world})"
    if drop_last:
        return per // batch, f"floor({per_how} / {batch})"
    return -(-per // batch), f"ceil({per_how} / {batch})"


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def ceil_times(epochs: float, per_epoch: int) -> int:
    """``math.ceil(epochs * per_epoch)`` as Python computes it (float product, then ceil)."""
    return math.ceil(epochs * per_epoch)
