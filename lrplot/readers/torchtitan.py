"""torchtitan's TOML job configs (``torchtitan/models/*/train_configs/*.toml``, as torchtitan
read them until its configs became Python in February 2026).

The schedule is ``torchtitan.wsd`` with the ``[lr_scheduler]`` section's keys; the run is
``[training] steps`` optimizer steps (``--max-steps`` overrides it), base_lr is ``[optimizer]
lr``. What the file omits takes torchtitan's JobConfig defaults (:data:`DEFAULTS`).
``lr_min`` is the name ``min_lr_factor`` had before July 2025. The formula is the one torchtitan
uses since June 2025 (#1284, also 0.3.0); ``--rules 2025-03`` reads a config as torchtitan ran
it from March to June 2025 (warm-up ``(s + 1) / (w + 1)``); a note suggests it when the file
says ``lr_min``.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from lrplot.readers.run import LAST_STEP, Explanation, RunFacts, Value
from lrplot.readers.source import Output, Source
from lrplot.yamlio import Document, Mark

NAME = "torchtitan"
TITLE = "torchtitan TOML job config ([lr_scheduler], [training], [optimizer])"
RULES = "torchtitan JobConfig (2025-06 to 0.3.0)"

DEFAULTS: dict[tuple[str, str], Any] = {
    ("optimizer", "lr"): 8e-4, ("training", "steps"): 10000,
    ("lr_scheduler", "warmup_steps"): 200, ("lr_scheduler", "decay_ratio"): None,
    ("lr_scheduler", "decay_type"): "linear", ("lr_scheduler", "min_lr_factor"): 0.0,
    ("lr_scheduler", "total_steps"): None,
}
"""JobConfig's defaults for what shapes the schedule (torchtitan at 238fa9953e4a, the last
commit with TOML configs: job_config.py)."""

FORMULAS = ("2025-06", "2025-03")
"""What ``--rules`` accepts: torchtitan.wsd's ``formula``."""

SCHEDULER_KEYS = ("warmup_steps", "decay_ratio", "decay_type", "min_lr_factor", "lr_min",
                  "total_steps")


def detect(data: Any) -> bool:
    scheduler = data.get("lr_scheduler") if isinstance(data, dict) else None
    return isinstance(scheduler, dict) and isinstance(data.get("training"), dict) and \
        "_target_" not in scheduler and "class_path" not in scheduler


def load_toml(text: str, file: str) -> Document:
    """A TOML file as a document; each ``[section]`` and ``key =`` line is marked (tomllib
    gives no positions, so the lines are scanned for them: enough to point at a key)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    from lrplot.problems import Problem, SpecError

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError([Problem(file, f"not valid TOML: {exc}")]) from None
    marks: dict[tuple, Mark] = {(): Mark(file, 1, 1)}
    section: tuple = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[([A-Za-z0-9_.\-]+)\]\s*(#.*)?$", line)
        if header:
            section = tuple(header.group(1).split("."))
            marks.setdefault(section, Mark(file, number, line.index("[") + 1))
            continue
        key = re.match(r"(\s*)([A-Za-z0-9_\-]+)\s*=", line)
        if key:
            marks.setdefault(section + (key.group(2),), Mark(file, number,
                                                            len(key.group(1)) + 1))
    return Document(data, marks, file)


def read(doc: Document, facts: RunFacts) -> tuple[Document, Explanation]:
    source = Source(doc)
    ex = Explanation()

    def value(section: str, key: str, **kind: Any) -> Any:
        path, default = (section, key), DEFAULTS[(section, key)]
        where = f"default of {RULES}"
        if key == "decay_type":
            got = source.text(path, default, where)
        elif default is None and not source.has(path):
            got = Value(None, where)
        else:
            got = source.number(path, default, where, **kind)
        source.raise_if_any()
        return ex.read(f"{section}.{key}", got)

    for key in source.data.get("lr_scheduler", {}):
        if key not in SCHEDULER_KEYS:
            source.error(("lr_scheduler", key), f"unknown [lr_scheduler] key {key!r} "
                                                f"(torchtitan's: {', '.join(SCHEDULER_KEYS)})")
    source.raise_if_any()
    if facts.max_steps is not None:
        steps = ex.add("training.steps", facts.max_steps, "", "--max-steps")
    else:
        steps = value("training", "steps", integer=True, minimum=1)
    params: dict[str, Any] = {"training_steps": steps}
    params["warmup_steps"] = value("lr_scheduler", "warmup_steps", integer=True, minimum=0)
    params["total_steps"] = value("lr_scheduler", "total_steps", integer=True, minimum=1)
    params["decay_ratio"] = value("lr_scheduler", "decay_ratio", minimum=0)
    params["decay_type"] = value("lr_scheduler", "decay_type")
    factor_key = "lr_min" if source.has(("lr_scheduler", "lr_min")) else "min_lr_factor"
    if factor_key == "lr_min":
        got = source.number(("lr_scheduler", "lr_min"), 0.0, "", minimum=0)
        source.raise_if_any()
        params["min_lr_factor"] = ex.read("lr_scheduler.lr_min (min_lr_factor)", got)
        if facts.rules is None:
            ex.note("lr_min: torchtitan's name for min_lr_factor until July 2025; a config run "
                    "before June 2025 had the older formula: give --rules 2025-03")
    else:
        params["min_lr_factor"] = value("lr_scheduler", "min_lr_factor", minimum=0)
    if facts.rules is not None:
        if facts.rules not in FORMULAS:
            raise source.fail((), f"--rules {facts.rules}: torchtitan's formulas are "
                                  f"{', '.join(FORMULAS)} (the one since June 2025, and the one "
                                  "of March to June 2025)")
        params["formula"] = ex.add("formula", facts.rules, "", "--rules")
    if facts.interval is not None or facts.epochs is not None:
        raise source.fail((), "--interval/--epochs: torchtitan counts optimizer steps "
                              "([training] steps); give --max-steps to change them")
    if facts.batch_size is not None or facts.dataset_size is not None:
        ex.note("--batch-size/--dataset-size: torchtitan's schedule counts steps, not "
                "examples; ignored")
    lr = value("optimizer", "lr", minimum=0)
    from lrplot.frameworks.torchtitan.phases import phases

    total, warmup, stable, decay = phases(params)
    legacy = params.get("formula") == "2025-03"
    if not legacy:
        ex.add("warmup", warmup, f"min({params['warmup_steps']}, {total})", "build: the "
               "warm-up is capped at the total steps")
    ex.add("decay", decay, "", "round(total x decay_ratio), capped at total - warmup"
           if params["decay_ratio"] is not None else "total - warmup (no decay_ratio)")
    if legacy:
        ex.add("stable", stable, f"{total} - {warmup} - {decay}", "build, March-June 2025")
    else:
        ex.add("stable", stable, f"{total} + 1 - {warmup} - {decay}", "build: one step more "
               "than the rest, so the last training step is not at lr 0")
    out = Output(source)
    out.figure("steps", ex.add("steps", steps + 1, f"{steps} + 1", LAST_STEP),
               ("training", "steps"))
    out.figure("base_lr", float(lr), ("optimizer", "lr"))
    origins = {name: ("lr_scheduler", key) for name, key in (
        ("warmup_steps", "warmup_steps"), ("total_steps", "total_steps"),
        ("decay_ratio", "decay_ratio"), ("decay_type", "decay_type"),
        ("min_lr_factor", factor_key))}
    origins["training_steps"] = ("training", "steps")
    out.curve({"type": "torchtitan.wsd",
               **{k: v for k, v in params.items() if v is not None}}, origins)
    _lint(out, params, total, warmup, decay)
    return out.document(), ex


def _lint(out: Output, params: dict[str, Any], total: int, warmup: int, decay: int) -> None:
    asked_warmup = params["warmup_steps"]
    if asked_warmup > total:
        out.warn("warmup-longer-than-run", ("lr_scheduler", "warmup_steps"),
                 f"warmup_steps {asked_warmup} exceeds the {total} steps: torchtitan cuts it "
                 f"to {total}, and the lr never decays",
                 "fewer warmup_steps (about a fifth of [training] steps)")
    elif params["decay_ratio"] is not None:
        asked = round(total * params["decay_ratio"])
        if asked_warmup + asked > total:
            out.warn("warmup-plus-decay-longer-than-run", ("lr_scheduler", "decay_ratio"),
                     f"warmup ({asked_warmup}) + decay ({asked} = round({total} x "
                     f"{params['decay_ratio']})) exceed the {total} steps: torchtitan shortens "
                     f"the decay to {decay} steps and keeps no stable phase",
                     "a smaller decay_ratio or fewer warmup_steps")
