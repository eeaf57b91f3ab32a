"""axolotl's YAML: TrainingArguments under its own names (``lr_scheduler``, ``num_epochs``,
``micro_batch_size``) and a warm-up it derives itself before handing the run to the Trainer.

axolotl's ``build(total_num_steps)``: ``warmup_steps`` when given, else ``int(warmup_ratio x
total)``, else ``min(int(0.03 x total), 100)``; a warm-up of 1 becomes 2. With sample packing
axolotl estimates ``total_num_steps`` from the packed sequences: give that count with
``--max-steps`` (or the packed dataset size with ``--dataset-size``).
"""

from __future__ import annotations

from typing import Any

from lrplot.readers import hf
from lrplot.readers.run import Explanation, RunFacts
from lrplot.readers.source import Source
from lrplot.yamlio import Document

NAME = "axolotl"
TITLE = "axolotl YAML (lr_scheduler, num_epochs, micro_batch_size)"

OWN_SCHEDULERS = ("one_cycle", "rex", "log_sweep", "jagged_restarts")
OWN_KEYS = ("cosine_min_lr_ratio", "cosine_constant_lr_ratio", "lr_quadratic_warmup")
"""axolotl schedulers and options that replace the Trainer's scheduler with axolotl's own."""


class Axolotl(hf.Flavour):
    name = NAME
    trainer = "axolotl + Trainer"
    spellings: dict[str, tuple[str, ...]] = {
                 "lr_scheduler_type": ("lr_scheduler", "lr_scheduler_type"),
                 "num_train_epochs": ("num_epochs", "num_train_epochs"),
                 "per_device_train_batch_size": ("micro_batch_size",
                                                 "per_device_train_batch_size")}
    markers = ("micro_batch_size", "num_epochs", "lr_scheduler", "base_model",
               "sample_packing", "sequence_len")

    def warmup(self, source: Source, ex: Explanation, steps: int, rules: str) -> int:
        rule = "axolotl's trainer builder"
        given = source.number(("warmup_steps",), None, "", integer=True, minimum=0)
        ratio = source.number(("warmup_ratio",), None, "", minimum=0)
        source.raise_if_any()
        if given.value is not None:
            value = ex.read("warmup_steps", given)
            how = ""
        elif ratio.value is not None:
            r = ex.read("warmup_ratio", ratio)
            value, how = max(int(r * steps), 0), f"max(int({r} x {steps}), 0)"
        else:
            value, how = min(int(0.03 * steps), 100), f"min(int(0.03 x {steps}), 100)"
            rule += ": neither warmup_steps nor warmup_ratio given"
        if value == 1:
            value, how = 2, (how or "1") + " -> 2 (a warm-up of 1 becomes 2)"
        return ex.add("num_warmup_steps", value, how, rule)


FLAVOUR = Axolotl()


def detect(data: Any) -> bool:
    return FLAVOUR.detect(data)


def read(doc: Document, facts: RunFacts) -> tuple[Document, Any]:
    source = Source(doc)
    name = source.get(("lr_scheduler",))
    if isinstance(name, str) and name in OWN_SCHEDULERS:
        raise source.fail(("lr_scheduler",), f"{name!r} is axolotl's own scheduler, which "
                                             "lrplot does not read yet (accepted: the "
                                             "transformers names, such as cosine or linear)")
    for key in OWN_KEYS:
        if source.get((key,)) is not None:
            raise source.fail((key,), f"{key} makes axolotl replace the Trainer's scheduler "
                                      "with its own, which lrplot does not read yet; remove it "
                                      "to see the Trainer's")
    if source.get(("sample_packing",)) is True and facts.max_steps is None:
        note = ("sample_packing: axolotl counts the run in packed sequences and estimates "
                "total_num_steps itself; --dataset-size is the number of packed sequences "
                "(or give axolotl's count with --max-steps)")
    else:
        note = ""
    figure, ex = hf.read(doc, facts, FLAVOUR)
    if note:
        ex.note(note)
    return figure, ex
