"""Hydra configs: ``_target_`` nodes (torch schedulers, transformers' ``get_*`` functions),
``_partial_``, ``${...}`` interpolations, and ``defaults:`` composition from the files at hand.

Nothing is instantiated and no ``_target_`` is imported: a target names a kind through the
registry (``torch.optim.lr_scheduler.OneCycleLR`` is ``onecycle``). Composition follows
Hydra 1.1+: each ``group: option`` entry loads ``group/option.yaml`` under the key ``group``
(at the root with ``# @package _global_``), in list order, with ``_self_`` where it is listed
(last when it is not). Group files that are not at hand are skipped and said so.

Interpolations are resolved by OmegaConf (the optional extra ``lrplot[hydra]``), and only in
the values lrplot reads, so that an unrelated ``${hydra:runtime.output_dir}`` does not matter.
Resolvers are never run (``${oc.env:...}`` would read the environment): one that a needed value
uses is an error naming it, as is an interpolation that does not resolve.

The run itself is Lightning's when the config has a Lightning ``Trainer`` (``_target_:
lightning.pytorch.trainer.Trainer``): the config is rewritten in LightningCLI's shape and read
by :mod:`lrplot.readers.lightning`. Without a trainer the run length is ``--max-steps``.
"""

from __future__ import annotations

import os
import re
from typing import Any

from lrplot import schedules
from lrplot.readers import lightning
from lrplot.readers.run import LAST_STEP, Explanation, RunFacts
from lrplot.readers.source import Output, Source
from lrplot.problems import Problem, SpecError
from lrplot.yamlio import Document, Mark

NAME = "hydra"
TITLE = "Hydra config (_target_, _partial_, ${...}, defaults:)"
HYDRA_KEYS = ("_partial_", "_recursive_", "_convert_")
"""Hydra's instantiate options: none changes the schedule."""
MAX_FILES = 64
"""Most config files one composition may load (a defaults cycle stops here)."""
RESOLVER = re.compile(r"\$\{\s*([A-Za-z_][\w.]*)\s*:")
INTERPOLATION = re.compile(r"\$\{")


def _targets(data: Any, path: tuple = ()) -> list[tuple[tuple, dict]]:
    """Every mapping with a ``_target_``, depth first, with its key path."""
    found = []
    if isinstance(data, dict):
        if isinstance(data.get("_target_"), str):
            found.append((path, data))
        for key, value in data.items():
            found += _targets(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _targets(value, path + (i,))
    return found


def detect(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    return bool(_targets(data)) or (isinstance(data.get("defaults"), list)
                                    and not {"panels", "curves"} & set(data))


# -- composition --------------------------------------------------------------------------------


class Composer:
    """``defaults:`` lists merged into one tree, with the mark of every value in its own file."""

    def __init__(self, root: Document, ex: Explanation):
        self.root_dir = os.path.dirname(root.file)
        self.root_file = root.file  # composed files stay in its directory tree
        self.ex = ex
        self.loaded = 0
        self.marks: dict[tuple, Mark] = {}

    def compose(self, doc: Document, package: tuple) -> dict[str, Any]:
        data = doc.data if isinstance(doc.data, dict) else {}
        defaults = data.get("defaults", [])
        own = {k: v for k, v in data.items() if k != "defaults"}
        if not isinstance(defaults, list):
            raise SpecError([Problem(str(doc.mark(("defaults",)) or doc.file),
                                     "defaults: expected a list")])
        entries = list(defaults)
        if "_self_" not in entries:
            entries.append("_self_")
        result: dict[str, Any] = {}
        for i, entry in enumerate(entries):
            if entry == "_self_":
                _merge(result, own)
                for key_path, mark in doc.marks.items():
                    if key_path and key_path[0] != "defaults":
                        self.marks[package + key_path] = mark
                continue
            group, option = self._entry(doc, i, entry)
            if option is None:
                continue
            if ".." in f"{group}/{option}".replace("\\", "/").split("/"):
                raise SpecError([Problem(str(doc.mark(("defaults", i)) or doc.file),
                                         f"defaults[{i}]: '..' leaves the config directory; "
                                         "name groups and options inside it")])
            absolute = group.startswith("/") or option.startswith("/")
            group, option = group.strip("/"), option.lstrip("/")
            relative = os.path.join(group, f"{option}.yaml") if group else f"{option}.yaml"
            # Hydra 1.1+: relative to the config's own group, or from the root ("/")
            here = os.path.join(os.path.dirname(doc.file), relative)
            path = here if not absolute and os.path.isfile(here) else \
                os.path.join(self.root_dir, relative)
            if not os.path.isfile(path):
                self.ex.note(f"defaults: {relative} is not at hand next to {doc.file}; skipped "
                             f"(copy it there to compose it)")
                continue
            from lrplot import inputs  # a symlink must not lead outside either

            refusal = inputs.named_file_problem(path, self.root_file)
            if refusal:
                raise SpecError([Problem(str(doc.mark(("defaults", i)) or doc.file),
                                         f"defaults[{i}]: {refusal}")])
            self.loaded += 1
            if self.loaded > MAX_FILES:
                raise SpecError([Problem(doc.file, f"defaults load more than {MAX_FILES} files "
                                                   "(a cycle?)")])
            from lrplot import yamlio

            child = yamlio.load(path)
            target = () if (not group or _global(path)) else tuple(group.split("/"))
            composed = self.compose(child, package + target)
            _merge(_subtree(result, target), composed)
            self.ex.add("composed", relative, "", f"defaults of {doc.file}")
        return result

    def _entry(self, doc: Document, i: int, entry: Any) -> tuple[str, str | None]:
        if isinstance(entry, str):
            return "", entry.removesuffix(".yaml")
        if isinstance(entry, dict) and len(entry) == 1:
            [(key, value)] = entry.items()
            key = str(key)
            for word in ("override ", "optional "):
                key = key.removeprefix(word)
            key = key.split("@", 1)[0].strip()
            if value is None:
                return key, None
            if isinstance(value, str):
                return key, value.removesuffix(".yaml")
        raise SpecError([Problem(str(doc.mark(("defaults", i)) or doc.file),
                                 f"defaults[{i}]: expected 'name' or 'group: option', got "
                                 f"{entry!r}")])


def _global(path: str) -> bool:
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith("# @package"):
                return "_global_" in line
            if line.strip() and not line.startswith("#"):
                return False
    return False


def _subtree(data: dict, path: tuple) -> dict:
    for key in path:
        data = data.setdefault(key, {})
    return data


def _merge(into: dict, other: dict) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


# -- interpolations -----------------------------------------------------------------------------


def resolve(tree: dict, value: Any, where: str) -> Any:
    """``value`` (a subtree of ``tree``) with its ``${...}`` resolved by OmegaConf; a resolver
    or an unresolvable reference is a SpecError naming it."""
    if not _has_interpolation(value):
        return value
    for text in _strings(value):
        match = RESOLVER.search(text)
        if match:
            raise SpecError([Problem(where, f"{text!r} uses the resolver {match.group(1)!r}, "
                                            "which lrplot never runs; put the value itself in "
                                            "the config")])
    try:
        from omegaconf import OmegaConf
        from omegaconf.errors import OmegaConfBaseException
    except ImportError:
        raise SpecError([Problem(where, "the config uses ${...} interpolations: install "
                                        "OmegaConf to resolve them (pip install "
                                        "'lrplot[hydra]')")]) from None
    try:
        # an interpolation inside __value__ refers to the root, so rebuild it there
        root = OmegaConf.create(tree)
        holder = OmegaConf.create({"v": value}, parent=root)
        resolved: Any = OmegaConf.to_container(holder, resolve=True)
        return resolved["v"]
    except OmegaConfBaseException as exc:
        message = str(exc).splitlines()[0]
        raise SpecError([Problem(where, f"cannot resolve an interpolation: {message}")]) \
            from None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _has_interpolation(value: Any) -> bool:
    return any(INTERPOLATION.search(s) for s in _strings(value))


# -- reading -----------------------------------------------------------------------------------


def read(doc: Document, facts: RunFacts) -> tuple[Document, Explanation]:
    ex = Explanation()
    composer = Composer(doc, ex)
    tree = composer.compose(doc, ())
    composed = Document(tree, composer.marks, doc.file, doc.base_dir)
    source = Source(composed)
    schedulers, optimizer, trainer = [], None, None
    for path, node in _targets(tree):
        target = node["_target_"]
        if target.startswith("torch.optim.") and ".lr_scheduler." not in target:
            optimizer = optimizer or (path, node)
            continue
        if target.rsplit(".", 1)[-1] == "Trainer" and "lightning" in target:
            trainer = trainer or (path, node)
            continue
        try:
            kind = schedules.get(target)
        except schedules.UnknownKind:
            continue
        schedulers.append((path, node, kind))
    if not schedulers:
        raise SpecError([Problem(str(doc.mark(()) or doc.file),
                                 "no _target_ here names a schedule lrplot knows (torch.optim."
                                 "lr_scheduler.*, transformers.get_*_schedule*, timm.scheduler.*"
                                 "); project classes are never imported")])
    if len(schedulers) > 1:
        where = ", ".join(".".join(map(str, p)) for p, _, _ in schedulers)
        raise source.fail(schedulers[1][0], f"several schedulers ({where}); lrplot reads one")
    path, node, kind = schedulers[0]
    if kind.name == "plateau":
        raise source.fail(path + ("_target_",), "ReduceLROnPlateau follows a validation metric: "
                                                "its lr cannot be known from the config (draw a "
                                                "logged lr with a 'type: data' curve)")
    if node.get("_args_"):
        raise source.fail(path + ("_args_",), "positional _args_ are not read; name the "
                                              "arguments")
    args = {k: v for k, v in node.items() if k != "_target_" and k not in HYDRA_KEYS}
    args = resolve(tree, args, source.where(path))
    if node.get("_partial_") is True:
        ex.add("_partial_", True, "", source.at(path + ("_partial_",)) +
               ": the optimizer is bound later (by the training code)")
    lightning_doc: dict[str, Any] = {"lr_scheduler": {"class_path": node["_target_"],
                                                      "init_args": args}}
    marks: dict[tuple, Mark] = {}
    for key in args:
        if (mark := composed.mark(path + (key,))) is not None:
            marks[("lr_scheduler", "init_args", key)] = mark
    if (mark := composed.mark(path + ("_target_",))) is not None:
        marks[("lr_scheduler", "class_path")] = mark
    if optimizer is not None:
        opath, onode = optimizer
        oargs = {k: v for k, v in onode.items() if k == "lr"}
        oargs = resolve(tree, oargs, source.where(opath))
        lightning_doc["optimizer"] = {"class_path": onode["_target_"], "init_args": oargs}
        if (mark := composed.mark(opath + ("lr",))) is not None:
            marks[("optimizer", "init_args", "lr")] = mark
    if trainer is None:
        return _without_trainer(composed, lightning_doc, marks, facts, kind, ex)
    tpath, tnode = trainer
    keys = {k: v for k, v in tnode.items() if k in lightning.TRAINER_KEYS}
    lightning_doc["trainer"] = resolve(tree, keys, source.where(tpath))
    for key in keys:
        if (mark := composed.mark(tpath + (key,))) is not None:
            marks[("trainer", key)] = mark
    batch = _batch(tree)
    if batch is not None:
        bpath, value = batch
        lightning_doc["data"] = {"batch_size": resolve(tree, value, source.where(bpath))}
        if (mark := composed.mark(bpath)) is not None:
            marks[("data", "batch_size")] = mark
    figure, inner = lightning.read(Document(lightning_doc, marks, doc.file, doc.base_dir), facts)
    inner.lines[:0] = ex.lines
    inner.notes[:0] = ex.notes
    return figure, inner


def _batch(tree: dict) -> tuple[tuple, Any] | None:
    for path in (("data", "batch_size"), ("datamodule", "batch_size"),
                 ("data", "train_batch_size")):
        node: Any = tree
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None:
            return path, node
    return None


def _without_trainer(composed: Document, lightning_doc: dict, marks: dict, facts: RunFacts,
                     kind: schedules.Kind, ex: Explanation) -> tuple[Document, Explanation]:
    source = Source(Document(lightning_doc, marks, composed.file, composed.base_dir))
    if facts.max_steps is None:
        raise source.fail(("lr_scheduler",), "no Lightning Trainer in the config says how long "
                                             "the run is: give --max-steps N (how many times "
                                             "the scheduler is stepped)")
    base_lr = lightning._lr(source, ex)
    steps = ex.add("num_training_steps", facts.max_steps, "", "--max-steps")
    ex.add("interval", facts.interval or "step", "", "--interval" if facts.interval else
           "assumed: the scheduler is stepped with every optimizer step")
    values: dict[str, Any] = {"type": kind.name}
    origins: dict[str, tuple] = {"type": ("lr_scheduler", "class_path")}
    for key, value in lightning_doc["lr_scheduler"]["init_args"].items():
        values[key] = value
        origins[key] = ("lr_scheduler", "init_args", key)
    out = Output(source)
    out.figure("steps", ex.add("steps", steps + 1, f"{steps} + 1", LAST_STEP))
    out.figure("base_lr", base_lr)
    if facts.interval == "epoch":
        if facts.steps_per_epoch is None:
            raise source.fail((), "--interval epoch needs --steps-per-epoch N")
        out.figure("steps_per_epoch", facts.steps_per_epoch)
        out.figure("interval", "epoch")
    out.curve(values, origins, ("lr_scheduler",))
    return out.document(), ex
