"""timm's ``train.py``: the ``args.yaml`` it saves next to every run, and ``train.py`` command
lines kept in a shell file (``python train.py ...``, ``./distributed_train.sh 8 ...``).

Arguments the file does not set take train.py's own defaults (:data:`TRAIN_DEFAULTS`, timm 1.0
— not the scheduler classes' defaults: ``warmup_epochs`` 5, ``warmup_lr`` 1e-5). The schedule
is ``create_scheduler_v2``'s: ``sched`` maps onto a ``timm.*`` kind; with ``sched_on_updates``
every length is multiplied by the updates per epoch; ``lr_noise`` is a fraction of the run. The
run is ``num_epochs`` as create_scheduler_v2 returns it (cycles, cooldown, a warm-up prefix)
times the updates per epoch: ``ceil(batches / grad_accum_steps)``, the training loader dropping
its last incomplete batch (torch's DistributedSampler per process). Without ``lr``, train.py
scales ``lr_base`` by the global batch size over ``lr_base_size`` (linear, or sqrt for
ada*/lamb optimizers).
"""

from __future__ import annotations

import math
import shlex
from typing import Any

from lrplot import schedules
from lrplot.readers.run import (LAST_STEP, STEPS_PER_EPOCH_HINT, Explanation, RunFacts, Value,
                                ceil_div, distributed_batches)
from lrplot.readers.source import Output, Source
from lrplot.yamlio import Document, Mark

NAME = "timm"
TITLE = "timm train.py: args.yaml, or a shell file with a train.py command line"
RULES = "timm 1.0 train.py"

TRAIN_DEFAULTS: dict[str, Any] = {
    "sched": "cosine", "epochs": 300, "decay_epochs": 90, "decay_milestones": [90, 180, 270],
    "decay_rate": 0.1, "warmup_epochs": 5, "warmup_lr": 1e-5, "warmup_prefix": False,
    "cooldown_epochs": 0, "min_lr": 0.0, "lr_noise": None, "lr_noise_pct": 0.67,
    "lr_noise_std": 1.0, "lr_cycle_mul": 1.0, "lr_cycle_decay": 0.5, "lr_cycle_limit": 1,
    "lr_k_decay": 1.0, "seed": 42, "sched_on_updates": False, "lr": None, "lr_base": 0.1,
    "lr_base_size": 256, "lr_base_scale": "", "batch_size": 128, "grad_accum_steps": 1,
    "opt": "sgd",
}
"""train.py's argparse defaults for what shapes the schedule and the run (timm 1.0)."""

SCHEDS = {"cosine": "timm.cosine", "tanh": "timm.tanh", "poly": "timm.poly",
          "step": "timm.step", "multistep": "timm.multistep", "constant": "timm.step"}
CYCLES = ("cosine", "tanh", "poly")
FLAGS = {"b": "batch_size", "j": "workers"}
"""train.py's short options."""
BOOLEAN = ("warmup_prefix", "sched_on_updates")


def detect(data: Any) -> bool:
    return isinstance(data, dict) and "sched" in data and "epochs" in data and \
        any(k in data for k in ("opt", "model", "warmup_epochs"))


# -- command lines ------------------------------------------------------------------------------


def command_document(text: str, file: str) -> Document | None:
    """The last ``train.py`` command line of a shell file as a document of its arguments (each
    marked at its line and column); None when the file has none."""
    lines = text.splitlines()
    joined, starts = "", []  # logical lines: continuations (\\) joined, with their positions
    for number, line in enumerate(lines, 1):
        starts.append((len(joined), number))
        if line.rstrip().endswith("\\"):
            joined += line.rstrip()[:-1] + " "
        else:
            joined += line + "\n"
    found = None
    for logical in joined.split("\n"):
        if "train.py" in logical or "distributed_train.sh" in logical:
            found = logical
    if found is None:
        return None
    offset = joined.index(found)
    try:
        tokens = shlex.split(found, comments=True)
    except ValueError as exc:
        raise_at(file, _position(starts, lines, offset), f"cannot split the command line: {exc}")
    data: dict[str, Any] = {}
    marks: dict[tuple, Mark] = {(): Mark(file, *_position(starts, lines, offset))}
    start = next((i for i, t in enumerate(tokens) if t.endswith(("train.py",
                                                                 "distributed_train.sh"))), None)
    if start is None:
        return None
    if tokens[start].endswith("distributed_train.sh") and start + 1 < len(tokens) and \
            tokens[start + 1].isdigit():
        data["world_size"] = int(tokens[start + 1])
        marks[("world_size",)] = Mark(file, *_position(starts, lines, offset + found.find(
            tokens[start + 1], found.find("distributed_train.sh"))))
    i, search_from = start + 1, 0
    while i < len(tokens):
        token = tokens[i]
        if not token.startswith("-") or token == "-":
            i += 1
            continue
        name = token.lstrip("-").split("=", 1)[0]
        name = FLAGS.get(name, name.replace("-", "_"))
        values = [token.split("=", 1)[1]] if "=" in token else []
        j = i + 1
        multi = name in ("lr_noise", "decay_milestones")  # nargs='+'
        while "=" not in token and name not in BOOLEAN and j < len(tokens) and \
                not _is_flag(tokens[j]) and (multi or not values):
            values.append(tokens[j])
            j += 1
        position = found.find(token, search_from)
        search_from = max(search_from, position + 1)
        marks[(name,)] = Mark(file, *_position(starts, lines, offset + max(position, 0)))
        data[name] = _value(name, values)
        i = j if "=" not in token else i + 1
    return Document(data, marks, file)


def _is_flag(token: str) -> bool:
    return token.startswith("-") and not _number(token)


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _value(name: str, values: list[str]) -> Any:
    if not values:
        return True  # a store_true flag
    converted = [int(v) if v.lstrip("-").isdigit() else float(v) if _number(v) else v
                 for v in values]
    if name in ("lr_noise", "decay_milestones"):
        return converted
    return converted[0]


def _position(starts: list[tuple[int, int]], lines: list[str], offset: int) -> tuple[int, int]:
    line_start, number = 0, 1
    for start, n in starts:
        if start <= offset:
            line_start, number = start, n
    return number, offset - line_start + 1


def raise_at(file: str, position: tuple[int, int], message: str) -> None:
    from lrplot.problems import Problem, SpecError

    raise SpecError([Problem(f"{file}:{position[0]}:{position[1]}", message)])


# -- reading ------------------------------------------------------------------------------------


def read(doc: Document, facts: RunFacts) -> tuple[Document, Explanation]:
    source = Source(doc)
    ex = Explanation()

    def arg(name: str, **kind: Any) -> Any:
        default = TRAIN_DEFAULTS[name]
        where = f"default of {RULES}"
        if isinstance(default, bool) or name in BOOLEAN:
            value = source.boolean((name,), default, where)
        elif isinstance(default, (int, float)) and default is not None:
            value = source.number((name,), default, where, **kind)
        else:
            value = Value(source.get((name,), default), source.at((name,))
                          if source.has((name,)) else where)
        source.raise_if_any()
        return ex.read(name, value)

    sched = arg("sched")
    if sched not in SCHEDS:
        known = ", ".join(SCHEDS)
        raise source.fail(("sched",), f"sched {sched!r} is not read (accepted: {known}; "
                                      "plateau follows a metric, wsd/rsqrt are not lrplot kinds "
                                      "yet)")
    kind = schedules.get(SCHEDS[sched])
    epochs = facts.epochs if facts.epochs is not None else arg("epochs", integer=True, minimum=1)
    if facts.epochs is not None:
        ex.add("epochs", epochs, "", "--epochs")
    on_updates = arg("sched_on_updates")
    warmup_epochs = arg("warmup_epochs", integer=True, minimum=0)
    warmup_prefix = arg("warmup_prefix")
    cooldown = arg("cooldown_epochs", integer=True, minimum=0)
    upe = _updates_per_epoch(source, ex, facts, arg)
    scale = upe if on_updates else 1
    params: dict[str, Any] = {"warmup_t": warmup_epochs * scale,
                              "warmup_lr_init": arg("warmup_lr", minimum=0),
                              "warmup_prefix": warmup_prefix,
                              "t_in_epochs": not on_updates}
    t_initial = epochs * scale
    if sched in CYCLES:
        params.update(t_initial=t_initial, lr_min=arg("min_lr", minimum=0),
                      cycle_mul=arg("lr_cycle_mul"), cycle_decay=arg("lr_cycle_decay"),
                      cycle_limit=arg("lr_cycle_limit", integer=True))
        if sched != "tanh":
            params["k_decay"] = arg("lr_k_decay")
        if sched == "poly":
            params["power"] = arg("decay_rate")
    elif sched == "step":
        params.update(decay_t=arg("decay_epochs") * scale, decay_rate=arg("decay_rate"))
    elif sched == "constant":
        params.update(decay_t=1 * scale, decay_rate=1.0)
    else:
        params.update(decay_t=[m * scale for m in arg("decay_milestones")],
                      decay_rate=arg("decay_rate"))
    noise = arg("lr_noise")
    if noise is not None:
        fractions = noise if isinstance(noise, list) else [noise]
        # timm compares whole steps t with these floats (r0 <= t < r1): rounding each up to a
        # whole step selects the same t (0.29 x 100 = 28.999999999999996 starts at t = 29)
        ranges = [math.ceil(n * t_initial) for n in fractions]
        params.update(noise_range_t=ranges, noise_pct=arg("lr_noise_pct"),
                      noise_std=arg("lr_noise_std"), noise_seed=arg("seed", integer=True))
        ex.add("noise_range_t", ranges, ", ".join(f"ceil({n} x {t_initial})" for n in fractions),
               "create_scheduler_v2: noise as fractions of the schedule; timm compares whole "
               "steps with them")
    if not on_updates:
        params["updates_per_epoch"] = upe
    # the run: create_scheduler_v2's num_epochs, every epoch upe updates
    if sched in CYCLES:
        cycles = max(1, params["cycle_limit"])
        if params["cycle_mul"] == 1.0:
            length, how = t_initial * cycles, f"{t_initial} x {cycles}"
        else:
            length = int(math.floor(-t_initial * (params["cycle_mul"] ** cycles - 1)
                                    / (1 - params["cycle_mul"])))
            how = f"floor(-{t_initial} x ({params['cycle_mul']}^{cycles} - 1) / (1 - " \
                  f"{params['cycle_mul']}))"
        if warmup_prefix:
            length, how = length + params["warmup_t"], f"{how} + {params['warmup_t']}"
        length += cooldown * scale
        how += f" + {cooldown * scale}" if cooldown else ""
        num_epochs = length if not on_updates else length // upe
        how = how if not on_updates else f"({how}) // {upe}"
    else:
        num_epochs = epochs + (warmup_epochs if warmup_prefix else 0)
        how = f"{epochs} + {warmup_epochs}" if warmup_prefix else ""
        if cooldown:
            ex.note(f"cooldown_epochs: {cooldown} is ignored by create_scheduler_v2 for "
                    f"sched {sched}")
    ex.add("num_epochs", num_epochs, how, f"create_scheduler_v2, {RULES}")
    steps = num_epochs * upe
    if facts.max_steps is not None:
        steps = facts.max_steps
        ex.add("num_training_steps", steps, "", "--max-steps")
    else:
        ex.add("num_training_steps", steps, f"{num_epochs} x {upe}", f"train.py, {RULES}")
    lr = _lr(source, ex, facts, arg)
    for name, value in params.items():
        ex.add(name, value, "", "create_scheduler_v2")
    values = {"type": kind.name, **params}
    origins = {"type": ("sched",)}
    out = Output(source)
    out.figure("steps", ex.add("steps", steps + 1, f"{steps} + 1", LAST_STEP))
    out.figure("base_lr", lr, ("lr",))
    if facts.interval is not None:
        raise source.fail((), "--interval: train.py steps its scheduler per epoch unless "
                              "sched_on_updates is set; set that in the config instead")
    out.curve(values, origins)
    if not warmup_prefix and params["warmup_t"] >= t_initial > 0:
        out.warn("warmup-longer-than-run", ("warmup_epochs",),
                 f"the warm-up ({warmup_epochs} epochs) is as long as the schedule ({epochs} "
                 f"epochs): the lr never reaches {lr:g}",
                 "fewer --warmup-epochs, or --warmup-prefix to run the schedule after it")
    return out.document(), ex


def _updates_per_epoch(source: Source, ex: Explanation, facts: RunFacts, arg: Any) -> int:
    accum = facts.grad_accum if facts.grad_accum is not None else \
        arg("grad_accum_steps", integer=True, minimum=1)
    if facts.steps_per_epoch is not None:
        return ex.add("updates_per_epoch", facts.steps_per_epoch, "", "--steps-per-epoch")
    if facts.dataset_size is None:
        raise source.fail(("epochs",) if source.has(("epochs",)) else (),
                          f"train.py counts epochs: it needs the optimizer updates per "
                          f"epoch: {STEPS_PER_EPOCH_HINT}")
    batch = facts.batch_size if facts.batch_size is not None else \
        arg("batch_size", integer=True, minimum=1)
    world = _world(source, ex, facts)
    n = ex.add("dataset_size", facts.dataset_size, "", "--dataset-size")
    batches, how = distributed_batches(n, batch, world, True)
    ex.add("batches_per_epoch", batches, how, "the training loader drops its last incomplete "
           "batch" + (" (DistributedSampler per process)" if world > 1 else ""))
    if batches == 0:
        raise source.fail((), "no full batch per epoch: train.py would not train")
    return ex.add("updates_per_epoch", ceil_div(batches, accum),
                  f"ceil({batches} / {accum})", f"train.py, {RULES}")


def _world(source: Source, ex: Explanation, facts: RunFacts) -> int:
    if facts.world_size is not None:
        return ex.add("world_size", facts.world_size, "", "--world-size")
    if source.has(("world_size",)):
        return ex.read("world_size", source.number(("world_size",), 1, "", integer=True,
                                                   minimum=1))
    return ex.add("world_size", 1, "", "default: one process; give --world-size N")


def _lr(source: Source, ex: Explanation, facts: RunFacts, arg: Any) -> float:
    lr = arg("lr")
    if lr is not None:
        if isinstance(lr, bool) or not isinstance(lr, (int, float)):
            raise source.fail(("lr",), f"expected a number, got {lr!r}")
        return float(lr)
    base, size = arg("lr_base", minimum=0), arg("lr_base_size", integer=True, minimum=1)
    scale, opt = arg("lr_base_scale"), str(arg("opt")).lower()
    batch = facts.batch_size if facts.batch_size is not None else TRAIN_DEFAULTS["batch_size"] \
        if not source.has(("batch_size",)) else source.get(("batch_size",))
    accum = facts.grad_accum or source.get(("grad_accum_steps",)) or 1
    world = facts.world_size or source.get(("world_size",)) or 1
    global_batch = batch * world * accum
    ratio = global_batch / size
    if not scale:
        scale = "sqrt" if any(o in opt for o in ("ada", "lamb")) else "linear"
    how = f"{base} x {global_batch} / {size}"
    if scale == "sqrt":
        ratio = ratio ** 0.5
        how = f"{base} x sqrt({global_batch} / {size})"
    return ex.add("lr", base * ratio, how, f"train.py: lr unset, lr_base scaled ({scale})")
