"""Megatron-LM launch scripts: the ``--lr*`` / ``--train-*`` arguments of a ``.sh`` file (read as
text, never run), built into ``OptimizerParamScheduler`` as Megatron's training.py builds it.

The flags are found wherever the script sets them — a ``torchrun pretrain_gpt.py ...`` line, a
quoted ``GPT_ARGS="..."`` block or a ``TRAINING_ARGS=(...)`` array — the last one winning, as
with argparse. A value ``$NAME`` / ``${NAME}`` is looked up among the file's literal
assignments (``LR=3e-4``); anything else (``$(...)``, arithmetic, a script argument) is refused.

training.py's ``get_optimizer_param_scheduler``: with ``--train-iters``, ``lr_decay_steps =
lr_decay_iters x global_batch_size`` (``lr_decay_iters`` defaults to ``train_iters``), the
warm-up ``lr_warmup_fraction x lr_decay_steps`` or ``lr_warmup_iters x global_batch_size``,
``wd_incr_steps = train_iters x global_batch_size``; with ``--train-samples`` the same in samples.
The loop steps the scheduler by the global batch size after every iteration.
"""

from __future__ import annotations

import re
from typing import Any

from lrplot.readers.run import LAST_STEP, Explanation, RunFacts, Value
from lrplot.readers.source import Output, Source
from lrplot.yamlio import Document, Mark

NAME = "megatron"
TITLE = "Megatron-LM launch script (.sh with --lr, --train-iters, --lr-decay-style, ...)"

FLAGS = ("lr", "min-lr", "lr-decay-style", "lr-wsd-decay-style", "lr-decay-iters",
         "lr-decay-samples", "lr-wsd-decay-iters", "lr-wsd-decay-samples", "lr-warmup-fraction",
         "lr-warmup-iters", "lr-warmup-samples", "lr-warmup-init", "train-iters",
         "train-samples", "global-batch-size", "micro-batch-size", "weight-decay",
         "start-weight-decay", "end-weight-decay", "weight-decay-incr-style",
         "rampup-batch-size")
"""The arguments that decide the schedule (Megatron-LM's megatron/training/arguments.py)."""

DEFAULTS = {"min_lr": 0.0, "lr_decay_style": "linear", "lr_wsd_decay_style": "exponential",
            "lr_warmup_iters": 0, "lr_warmup_samples": 0, "lr_warmup_init": 0.0,
            "weight_decay": 0.01, "weight_decay_incr_style": "constant"}
"""Megatron-LM's argument defaults for the flags a script may leave out."""

MARKERS = ("--lr-decay-style", "--train-iters", "--train-samples", "--lr-warmup-fraction",
           "--lr-decay-iters", "pretrain_gpt", "pretrain_bert", "pretrain_t5", "pretrain_mamba")
"""Text that makes a shell file a Megatron launch script."""

DEFAULT = "default of Megatron-LM's arguments"


def is_launch_script(text: str) -> bool:
    return sum(marker in text for marker in MARKERS) >= 2


def detect(data: Any) -> bool:
    return isinstance(data, dict) and data.get("__megatron__") is True


_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_]\w*)=(\S*)")
_VARIABLE = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")


def _strip_comment(line: str) -> str:
    """The line without a shell comment (a # at its start or after a blank)."""
    match = re.search(r"(^|\s)#", line)
    return line[:match.start()] if match else line


def command_document(text: str, file: str) -> Document:
    """The schedule's flags of a launch script as a document ``{flag_name: text}``, each
    marked at its value; ``__megatron__`` marks the document as this reader's."""
    data: dict[str, Any] = {"__megatron__": True}
    marks: dict[tuple, Mark] = {(): Mark(file, 1, 1)}
    variables: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        code = _strip_comment(line)
        assigned = _ASSIGNMENT.match(code)
        if assigned and not assigned.group(2).startswith(("(", '"', "'")):
            variables[assigned.group(1)] = assigned.group(2)
        tokens = list(re.finditer(r"[^\s\\()]+", code))
        for i, token in enumerate(tokens):
            word = token.group().strip("\"'")
            if not word.startswith("--"):
                continue
            flag, _, inline = word[2:].partition("=")
            if flag not in FLAGS:
                continue
            key = flag.replace("-", "_")
            if inline:
                value, column = inline, token.start() + len(flag) + 4
            elif i + 1 < len(tokens) and not tokens[i + 1].group().strip("\"'").startswith("--"):
                value, column = tokens[i + 1].group().strip("\"'"), tokens[i + 1].start() + 1
            else:
                value, column = "", token.start() + 1
            data[key] = _resolve(value, variables)
            marks[(key,)] = Mark(file, number, column)
    return Document(data, marks, file)


def _resolve(value: str, variables: dict[str, str]) -> str:
    match = _VARIABLE.match(value)
    if match:
        name = match.group(1) or match.group(2)
        return variables.get(name, value)
    return value


class _Args:
    """The script's arguments with Megatron's types; a bad one is a located problem."""

    def __init__(self, source: Source, ex: Explanation):
        self.source, self.ex = source, ex

    def _raw(self, key: str) -> Any:
        raw = self.source.get((key,))
        if isinstance(raw, str) and "$" in raw:
            raise self.source.fail((key,), f"--{key.replace('_', '-')} {raw}: a shell value "
                                           "lrplot does not evaluate (only a variable assigned "
                                           "a literal in this file is looked up)")
        return raw

    def number(self, key: str, integer: bool = False) -> Any:
        raw = self._raw(key)
        if raw is None:
            default = DEFAULTS.get(key)
            return None if default is None else self.ex.read(key, Value(default, DEFAULT))
        value = self.source.number((key,), None, "", integer=integer, minimum=0)
        self.source.raise_if_any()
        return self.ex.read(key, value)

    def text(self, key: str) -> str:
        raw = self._raw(key)
        if raw is None:
            return self.ex.read(key, Value(DEFAULTS[key], DEFAULT))
        return self.ex.read(key, Value(raw, self.source.at((key,))))


def read(doc: Document, facts: RunFacts) -> tuple[Document, Explanation]:
    source = Source(doc)
    ex = Explanation()
    args = _Args(source, ex)
    if facts.interval not in (None, "step"):
        raise source.fail((), "--interval epoch: Megatron steps its scheduler after every "
                              "iteration; --interval does not apply")
    if source.get(("rampup_batch_size",)) is not None:
        raise source.fail(("rampup_batch_size",), "--rampup-batch-size changes the scheduler's "
                                                  "increment during the run, which lrplot does "
                                                  "not model")
    lr = args.number("lr")
    if lr is None:
        raise source.fail((), "no --lr in the script (Megatron needs it: the peak lr)")
    gbs = facts.batch_size if facts.batch_size is not None else args.number(
        "global_batch_size", integer=True)
    if facts.batch_size is not None:
        ex.read("global_batch_size", Value(gbs, "--batch-size"))
    if not gbs:
        raise source.fail((), "no --global-batch-size in the script (Megatron then uses "
                              "micro-batch-size x data-parallel size): give the global batch "
                              "size with --batch-size N")
    fraction = args.number("lr_warmup_fraction")
    iters = facts.max_steps if facts.max_steps is not None else args.number("train_iters",
                                                                             integer=True)
    if facts.max_steps is not None:
        ex.read("train_iters", Value(iters, "--max-steps"))
    values: dict[str, Any] = {"type": "megatron.param_scheduler", "max_lr": lr,
                              "increment": gbs}
    origins: dict[str, tuple] = {"max_lr": ("lr",), "increment": ("global_batch_size",)}
    if iters:
        decay_iters = args.number("lr_decay_iters", integer=True) or iters
        decay = ex.add("lr_decay_steps", decay_iters * gbs, f"{decay_iters} x {gbs}",
                       "training.py: iterations x global batch size")
        wd_incr = ex.add("wd_incr_steps", iters * gbs, f"{iters} x {gbs}", "training.py")
        wsd_iters = args.number("lr_wsd_decay_iters", integer=True)
        wsd = None if wsd_iters is None else ex.add("wsd_decay_steps", wsd_iters * gbs,
                                                    f"{wsd_iters} x {gbs}", "training.py")
        if fraction is not None:
            warm = ex.add("lr_warmup_steps", fraction * decay, f"{fraction} x {decay}",
                          "training.py")
        else:
            w = args.number("lr_warmup_iters", integer=True)
            warm = ex.add("lr_warmup_steps", w * gbs, f"{w} x {gbs}", "training.py")
        origins.update(lr_decay_steps=("lr_decay_iters",) if source.has(("lr_decay_iters",))
                       else ("train_iters",), wsd_decay_steps=("lr_wsd_decay_iters",))
    else:
        samples = args.number("train_samples", integer=True)
        if not samples:
            raise source.fail((), "neither --train-iters nor --train-samples in the script "
                                  "(Megatron needs one); give the iterations with --max-steps N")
        iters = ex.add("train_iters", samples // gbs, f"{samples} // {gbs}",
                       "training.py update_train_iters")
        decay = args.number("lr_decay_samples", integer=True) or samples
        ex.add("lr_decay_steps", decay, "", "lr_decay_samples or train_samples")
        wd_incr = samples
        wsd = args.number("lr_wsd_decay_samples", integer=True)
        if fraction is not None:
            warm = ex.add("lr_warmup_steps", fraction * decay, f"{fraction} x {decay}",
                          "training.py")
        else:
            warm = args.number("lr_warmup_samples", integer=True)
        origins.update(lr_decay_steps=("lr_decay_samples",),
                       wsd_decay_steps=("lr_wsd_decay_samples",))
    weight_decay = args.number("weight_decay")
    start_wd = args.number("start_weight_decay")
    end_wd = args.number("end_weight_decay")
    values.update(
        lr_decay_steps=decay, lr_warmup_steps=warm, min_lr=args.number("min_lr"),
        init_lr=args.number("lr_warmup_init"), lr_decay_style=args.text("lr_decay_style"),
        lr_wsd_decay_style=args.text("lr_wsd_decay_style"), wsd_decay_steps=wsd,
        start_wd=weight_decay if start_wd is None else start_wd,
        end_wd=weight_decay if end_wd is None else end_wd, wd_incr_steps=wd_incr,
        wd_incr_style=args.text("weight_decay_incr_style"))
    origins.update(lr_warmup_steps=("lr_warmup_fraction",) if fraction is not None else
                   ("lr_warmup_iters",), min_lr=("min_lr",), init_lr=("lr_warmup_init",),
                   lr_decay_style=("lr_decay_style",),
                   lr_wsd_decay_style=("lr_wsd_decay_style",),
                   start_wd=("start_weight_decay",), end_wd=("end_weight_decay",),
                   wd_incr_style=("weight_decay_incr_style",))
    if values["lr_decay_style"] != "WSD":
        values.pop("wsd_decay_steps")
    out = Output(source)
    out.figure("steps", ex.add("steps", iters + 1, f"{iters} + 1", LAST_STEP))
    out.figure("base_lr", lr, ("lr",))
    out.curve(values, origins)
    return out.document(), ex
