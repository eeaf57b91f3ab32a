"""The flags that describe a training run, and the one place the config-reading commands
(``compare``, ``validate``, ``lint``, ``stats``, ``code``) load a file: an lrplot figure as it
is, a trainer's own config (detected, or named with ``--from``) through :mod:`lrplot.readers`.

The run flags are kept in the click context (``ctx.meta``), not passed to the commands, so each
command needs one decorator and one call, nothing more. This module imports click only; the
readers are imported when a file is loaded.
"""

from __future__ import annotations

from typing import Any, Callable

import click

META = "lrplot.run"


def _keep(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None and value is not False:
        ctx.meta.setdefault(META, {})[param.name] = value
    return value


OPTIONS = [
    ("--dataset-size", "dataset_size", click.IntRange(min=1), "N",
     "Training examples (len(dataset)): with the config's batch size, accumulation and "
     "--world-size, the trainer's optimizer steps per epoch."),
    ("--world-size", "world_size", click.IntRange(min=1), "N",
     "Data-parallel processes (devices) the dataset is sharded over (default 1)."),
    ("--steps-per-epoch", "steps_per_epoch", click.IntRange(min=1), "N",
     "Optimizer steps per epoch, when known (instead of --dataset-size)."),
    ("--epochs", "epochs", click.FloatRange(min=0), "N", "Override the config's epochs."),
    ("--max-steps", "max_steps", click.IntRange(min=1), "N",
     "Override the run's total optimizer steps."),
    ("--batch-size", "batch_size", click.IntRange(min=1), "N",
     "Override the per-device batch size."),
    ("--grad-accum", "grad_accum", click.IntRange(min=1), "N",
     "Override the gradient accumulation steps."),
    ("--interval", "interval", click.Choice(["step", "epoch"]), None,
     "How often the training loop steps the scheduler (where the config cannot say)."),
    ("--learning-rate", "learning_rate", click.FloatRange(min=0), "X",
     "The launch command's learning rate, where the config says \"auto\" (DeepSpeed)."),
    ("--warmup-steps", "warmup_steps", click.FloatRange(min=0), "N",
     "The launch command's warm-up steps (below 1: a ratio of the run), where the config says "
     "\"auto\" (DeepSpeed)."),
    ("--classes", "classes", click.IntRange(min=1), "N",
     "The dataset's number of classes (nc), where the trainer's choice depends on it "
     "(Ultralytics optimizer: auto)."),
    ("--rules", "rules", str, "VERSION",
     "Which version of the trainer's rules applies, e.g. 4 for transformers 4.x, 2025-03 "
     "for torchtitan before June 2025 (default: the latest, transformers 5)."),
]


def run_options(f: Callable) -> Callable:
    """The run flags, ``--from`` and ``--explain``, on a command that loads configs."""
    extra = [
        click.option("--from", "from_", metavar="FORMAT", expose_value=False, callback=_keep,
                     help="The config's format when detection should not decide: hf (also "
                          "transformers, llamafactory, trl), axolotl, lightning, hydra, timm "
                          "(args.yaml, or a .sh file with a train.py command line), deepspeed "
                          "(ds_config.json), megatron (a launch script), torchtitan (a .toml "
                          "job config), nanogpt (a config/*.py file, or a .sh file with a "
                          "train.py config/x.py line), ultralytics (also yolo, yolov5: "
                          "default.yaml, args.yaml, YOLOv5's hyp.*.yaml or opt.yaml)."),
        click.option("--explain", is_flag=True, expose_value=False, callback=_keep,
                     help="Print every number derived from a training config, with the "
                          "file:line, default or flag it came from and the trainer rule "
                          "applied (on stderr)."),
    ]
    for flag, name, type_, metavar, text in reversed(OPTIONS):
        f = click.option(flag, name, type=type_, metavar=metavar, expose_value=False,
                         callback=_keep, help=text + " For training configs.")(f)
    for option in reversed(extra):
        f = option(f)
    return f


def run_params() -> list[click.Option]:
    """The same options as click.Option objects, for commands built by hand."""
    holder = click.Command("_")
    run_options(holder)  # click.option appends to a Command's params
    return [p for p in holder.params if isinstance(p, click.Option)]


def _given() -> dict[str, Any]:
    ctx = click.get_current_context(silent=True)
    return dict(ctx.meta.get(META, {})) if ctx else {}


def load(path: str) -> Any:
    """A config file as an lrplot figure :class:`~lrplot.yamlio.Document`. Raises what
    ``yamlio.load`` raises (OSError, YamlError) and SpecError for a training config that cannot
    be read. Prints the readers' notes, and the explanation with --explain, on stderr."""
    from lrplot import readers
    from lrplot.readers.run import RunFacts

    given = _given()
    fmt = given.pop("from_", None)
    explain = given.pop("explain", False)
    doc, fmt = readers.load(path, fmt)
    converted, explanation = readers.convert(doc, RunFacts(**given), fmt)
    if explanation is not None:
        if explain:
            click.echo(f"{path}:", err=True)
            for line in explanation.lines:
                click.echo(f"  {line}", err=True)
        for note in explanation.notes:
            click.echo(f"note: {note}", err=True)
    elif explain:
        click.echo(f"{path}: an lrplot figure; nothing is derived from a training run", err=True)
    return converted
