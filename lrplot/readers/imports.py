"""``{type: import, path: my_hf.yaml, dataset_size: 1091}``: a training config as curves of an
lrplot figure, so "my config vs the alternative" is one figure. The run facts are the curve's
keys, named as the flags are (``dataset_size`` for ``--dataset-size``); ``from`` names the
format when detection should not decide. The path is relative to the figure's file."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Callable, Sequence

from lrplot.readers.run import RunFacts

FACTS = tuple(f.name for f in fields(RunFacts))
KEYS = ("type", "path", "from", "label", *FACTS)
INTERVALS = ("step", "epoch")
OWN_HELP = {
    "type": "A training config read as curves: import.",
    "path": "The training config's file (HF/axolotl/Lightning/Hydra/timm/...), relative to "
            "this figure's file.",
    "from": "The config's format, when detection should not decide.",
    "label": "Legend label of the imported curves (default: the config's file name).",
}
"""Help of the keys of an import curve that are not run facts; a run fact's help is its
:class:`RunFacts` field's."""


def fact_type(name: str) -> str:
    """What a run fact takes, from its :class:`RunFacts` field: ``int`` (a positive integer),
    ``float`` (a positive number), ``interval`` (step or epoch) or ``text``."""
    if name == "interval":
        return "interval"
    declared = str(next(f.type for f in fields(RunFacts) if f.name == name))
    return declared.split("|")[0].strip().replace("str", "text")


def key_schemas() -> dict[str, tuple[dict[str, Any], str]]:
    """The JSON Schema and help of every key of an import curve (:data:`KEYS`): the one
    declaration the schema generator reads."""
    from lrplot.readers import FORMATS

    value = {"int": {"type": "integer", "minimum": 1},
             "float": {"type": "number", "exclusiveMinimum": 0},
             "interval": {"enum": list(INTERVALS)},
             "text": {"type": "string", "minLength": 1}}
    own = {"type": {"const": "import"}, "path": {"type": "string", "minLength": 1},
           "from": {"enum": list(FORMATS)}, "label": {"type": ["string", "number"]}}
    facts = {f.name: f for f in fields(RunFacts)}
    return {key: (own[key], OWN_HELP[key]) if key in own else
            (value[fact_type(key)], facts[key].metadata["help"] + ".") for key in KEYS}


def curves(data: dict, figure: Any, error: Callable[[str, str], None],
           carried: Sequence[str] = ()) -> list[dict]:
    """The curve mappings of the imported config; problems are reported through ``error``
    (key, message) and give no curve. Each curve takes along the imported figure's keys named
    in ``carried`` (the keys that cascade, declared in :mod:`lrplot.configkeys`) unless it sets
    its own."""
    from lrplot import readers
    from lrplot.problems import SpecError
    from lrplot.yamlio import YamlError, describe_os_error

    bad = [k for k in data if k not in KEYS]
    for key in bad:
        error(key, f"unknown key {key!r} in an imported config (accepted: {', '.join(KEYS)})")
    written = data.get("path")
    if not isinstance(written, str) or not written:
        error("path", "an imported config needs 'path': the training config's file")
        return []
    facts: dict[str, Any] = {}
    for key in FACTS:
        if key in data:
            value = data[key]
            wanted = fact_type(key)
            if wanted == "interval":
                ok = value in INTERVALS
            elif wanted == "text":
                ok = isinstance(value, str) and bool(value)
            else:
                ok = isinstance(value, (int, float)) and not isinstance(value, bool) and \
                    value > 0 and (wanted == "float" or value == int(value))
                value = int(value) if ok and wanted == "int" else value
            if not ok:
                said = {"interval": "step or epoch", "text": "a text",
                        "int": "a positive integer"}.get(wanted, "a positive number")
                error(key, f"expected {said}, got {value!r}")
                return []
            facts[key] = value
    if bad:
        return []
    path = figure.resolve(written)
    from lrplot import inputs  # a file a config names stays in the config's directory

    refusal = inputs.named_file_problem(path, figure.file)
    if refusal:
        error("path", refusal)
        return []
    try:
        doc, fmt = readers.load(path, data.get("from"))
        converted, _ = readers.convert(doc, RunFacts(**facts), fmt or data.get("from"))
    except OSError as exc:
        error("path", describe_os_error(written, exc))
        return []
    except (YamlError, SpecError) as exc:
        for line in str(exc).splitlines():
            if "give --" in line:  # the run facts are this curve's keys, not flags
                line += " (here: the keys dataset_size, world_size, steps_per_epoch, max_steps)"
            error("path", line)
        return []
    if readers.is_lrplot(doc.data) and not data.get("from"):
        error("path", f"{written} is an lrplot figure, not a training config; import "
                      "training configs only")
        return []
    top = converted.data
    result = []
    for curve in top.get("curves", []):
        item = dict(curve)
        for key in carried:
            if key in top and key not in item:
                item[key] = top[key]
        if "label" in data:
            item["label"] = data["label"]
        result.append(item)
    return result
