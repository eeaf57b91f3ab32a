"""Readers of the training configs people already have.

A reader turns a trainer's own config (already loaded as a :class:`~lrplot.yamlio.Document`,
with the line of every key) into an ordinary lrplot figure mapping — one curve per parameter
group the trainer builds, its ``steps`` the optimizer steps of the run — and an
:class:`~lrplot.readers.run.Explanation` of every derived number. What the file does not say
comes from :class:`~lrplot.readers.run.RunFacts` (flags), is a documented default of the
trainer, or is an error naming the flag that would give it. Config code is never run.

Each reader is a module with ``NAME``, ``TITLE``, ``detect(data) -> bool`` and
``read(doc, facts) -> (Document, Explanation)``; :data:`READERS` lists them in the order
detection tries them (the most specific first).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from lrplot.readers.run import Explanation, RunFacts

if TYPE_CHECKING:
    from lrplot.yamlio import Document

READERS = {
    "nemo": "lrplot.readers.nemo",  # before hydra: NeMo configs hold _target_ nodes too
    "hydra": "lrplot.readers.hydra",
    "deepspeed": "lrplot.readers.deepspeed",
    "megatron": "lrplot.readers.megatron",
    "detectron2": "lrplot.readers.detectron2",
    "timm": "lrplot.readers.timm",
    "axolotl": "lrplot.readers.axolotl",
    "ultralytics": "lrplot.readers.ultralytics",
    "hf": "lrplot.readers.hf",
    "lightning": "lrplot.readers.lightning",
    "mmengine": "lrplot.readers.mmengine",
    "torchtitan": "lrplot.readers.torchtitan",  # .toml files; last: its sections are common words
    "nanogpt": "lrplot.readers.nanogpt",
}
"""Format name -> module, in detection order."""

ALIASES = {"transformers": "hf", "huggingface": "hf", "trainingarguments": "hf",
           "llamafactory": "hf", "llama-factory": "hf", "trl": "hf",
           "alignment-handbook": "hf", "lightningcli": "lightning",
           "pytorch-lightning": "lightning", "omegaconf": "hydra",
           "train.py": "timm", "ds_config": "deepspeed", "ds": "deepspeed",
           "nanogpt-config": "nanogpt", "titan": "torchtitan", "mmdet": "mmengine",
           "mmdetection": "mmengine", "mmpretrain": "mmengine", "mmseg": "mmengine",
           "mmsegmentation": "mmengine", "nemo_toolkit": "nemo", "nemo-toolkit": "nemo",
           "d2": "detectron2", "yacs": "detectron2", "lazyconfig": "detectron2",
           "fvcore": "detectron2", "yolo": "ultralytics", "yolov5": "ultralytics"}

FORMATS = tuple(READERS) + tuple(ALIASES)
"""Every name ``--from`` accepts."""


def module(name: str) -> Any:
    """The reader module of a format name (or alias); ValueError names the accepted ones."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in READERS:
        from lrplot.suggest import hint as near_miss

        hint = near_miss(name.lower(), FORMATS)
        raise ValueError(f"--from {name}: unknown format{hint} (accepted: "
                         f"{', '.join(FORMATS)})")
    return importlib.import_module(READERS[key])


SHELL = (".sh", ".bash")
"""Files read as shell scripts: a Megatron-LM launch script, or a ``train.py`` command line
(timm); not as YAML."""


def load(path: str, fmt: str | None = None) -> tuple[Document, str | None]:
    """Read a config file: YAML or JSON (with marks), or a shell file's ``train.py`` command
    line. Returns the document and the format it implies (None: detect from the content)."""
    from lrplot import yamlio

    named = ALIASES.get(fmt.lower(), fmt.lower()) if fmt else None
    if path.lower().endswith(".py") and named in (None, "lightning"):
        from lrplot.readers import lightning_py  # read as data, never imported

        text = yamlio.read_config(path).decode("utf-8", errors="replace")
        if named or lightning_py.is_module(text):
            return lightning_py.module_document(text, path), "lightning"
    trainer = _load_trainer_file(path, named)
    if trainer is not None:
        return trainer
    if path.lower().endswith(SHELL) or (named in ("timm", "megatron") and not
                                        path.lower().endswith((".yaml", ".yml", ".json"))):
        from lrplot.problems import Problem, SpecError
        from lrplot.readers import megatron, timm

        data = yamlio.read_config(path)
        text = data.decode("utf-8", errors="replace")
        if named == "megatron" or (named is None and megatron.is_launch_script(text)):
            return megatron.command_document(text, path), "megatron"
        doc = timm.command_document(text, path)
        if doc is None:
            raise SpecError([Problem(path, "no train.py (or distributed_train.sh) command line "
                                           "in this file")])
        return doc, "timm"
    return yamlio.load(path), fmt


def _load_trainer_file(path: str, named: str | None) -> tuple[Document, str] | None:
    """TOML (torchtitan), Python (a detectron2 LazyConfig, an mmengine or a nanoGPT config,
    read as data) and shell files holding a nanoGPT ``train.py config/x.py --key=value`` line;
    None for every other file."""
    import os

    from lrplot import yamlio

    lower = path.lower()
    if not (lower.endswith((".toml", ".py")) or (lower.endswith(SHELL) and named in (
            None, "nanogpt"))):
        return None
    text = yamlio.read_config(path).decode("utf-8", errors="replace")
    if lower.endswith(".toml"):
        from lrplot.readers import torchtitan

        return torchtitan.load_toml(text, path), named or "torchtitan"
    from lrplot.readers import detectron2_lazy, nanogpt, pyconfig

    if lower.endswith(".py") and (named == "detectron2" or (
            named is None and detectron2_lazy.is_lazyconfig(text))):
        return detectron2_lazy.config_document(text, path), "detectron2"
    if lower.endswith(".py") and (named == "mmengine" or (named is None and
                                                          pyconfig.is_config(text))):
        return pyconfig.load(path), "mmengine"
    if lower.endswith(".py"):
        return nanogpt.config_document(text, path), named or "nanogpt"
    doc = nanogpt.command_document(text, path, os.path.dirname(path))
    return (doc, "nanogpt") if doc is not None else None


def is_lrplot(data: Any) -> bool:
    """An lrplot figure config: a mapping with ``panels`` or ``curves`` (or anything that is no
    mapping at all, which lrplot's own checks then describe)."""
    return not isinstance(data, dict) or "panels" in data or "curves" in data


def detect(data: Any) -> str | None:
    """The format of a foreign config, from its content; None when no reader knows it."""
    if is_lrplot(data):
        return None
    for name, path in READERS.items():
        if importlib.import_module(path).detect(data):
            return name
    return None


def convert(doc: Document, facts: RunFacts, fmt: str | None = None
            ) -> tuple[Document, Explanation | None]:
    """``doc`` as an lrplot figure document: unchanged when it is one already (and ``fmt`` is
    None), else read by the reader ``fmt`` names or detection finds. Raises
    :class:`~lrplot.spec.SpecError` (exit 2) for what cannot be read or is missing."""
    from lrplot.problems import Problem, SpecError

    if fmt is None:
        fmt = detect(doc.data)
        if fmt is None:
            if is_lrplot(doc.data) and facts.given():
                flags = ", ".join(f"--{k.replace('_', '-')}" for k in facts.given())
                raise SpecError([Problem("", f"{flags}: for training configs; {doc.file} is an "
                                             "lrplot figure, whose curves say their steps "
                                             "(name another format with --from)")])
            if facts.given():
                flags = ", ".join(f"--{k.replace('_', '-')}" for k in facts.given())
                raise SpecError([Problem(str(doc.mark(()) or doc.file),
                                         f"{flags} describe a training run, but this is "
                                         "neither an lrplot figure nor a training config "
                                         f"lrplot recognizes; name its format with --from "
                                         f"({', '.join(READERS)})")])
            return doc, None
    try:
        reader = module(fmt)
    except ValueError as exc:
        raise SpecError([Problem("", str(exc))]) from None
    if not isinstance(doc.data, dict) or is_lrplot(doc.data):
        raise SpecError([Problem(str(doc.mark(()) or doc.file),
                                 f"expected a mapping of training arguments ({reader.TITLE})")])
    return reader.read(doc, facts)
