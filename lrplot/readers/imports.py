"""``{type: import, path: my_hf.yaml, dataset_size: 1091}``: a training config as curves of an
lrplot figure, so "my config vs the alternative" is one figure. The run facts are the curve's
keys, named as the flags are (``dataset_size`` for ``--dataset-size``); ``from`` names the
format when detection should not decide. The path is relative to the figure's file."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Callable

from lrplot.readers.run import RunFacts

FACTS = tuple(f.name for f in fields(RunFacts))
KEYS = ("type", "path", "from", "label", *FACTS)
CARRIED = ("steps", "base_lr", "steps_per_epoch", "interval")
"""Figure-level keys of an imported figure that each of its curves takes along."""


def curves(data: dict, figure: Any, error: Callable[[str, str], None]) -> list[dict]:
    """The curve mappings of the imported config; problems are reported through ``error``
    (key, message) and give no curve."""
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
            ok = value in ("step", "epoch") if key == "interval" else isinstance(value, str) \
                if key == "rules" else isinstance(value, (int, float)) and \
                not isinstance(value, bool) and value > 0
            if key not in ("interval", "rules", "epochs") and ok:
                ok = value == int(value)
                value = int(value) if ok else value
            if not ok:
                wanted = "step or epoch" if key == "interval" else "a positive number"
                error(key, f"expected {wanted}, got {value!r}")
                return []
            facts[key] = value
    if bad:
        return []
    path = figure.resolve(written)
    from lrplot import inputs  # a file a config names stays in the config's directory

    refusal = inputs.regular_problem(path) or inputs.outside_problem(path, figure.file)
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
        for key in CARRIED:
            if key in top and key not in item:
                item[key] = top[key]
        if "label" in data:
            item["label"] = data["label"]
        result.append(item)
    return result
