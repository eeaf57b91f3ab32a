"""detectron2's yacs YAML configs (``SOLVER:`` with ``_BASE_`` inheritance) and, in
:mod:`lrplot.readers.detectron2_lazy`, its LazyConfig ``.py`` files.

A yacs config is read as ``DefaultTrainer`` builds its schedule: the file's ``_BASE_`` chain
merged as fvcore's ``CfgNode.load_yaml_with_base`` merges it (each base relative to the file that
names it, a list of bases merged in order, the file's own keys last; a cycle is refused), over
``_C.SOLVER``'s defaults (:data:`SOLVER_DEFAULTS`, ``detectron2/config/defaults.py``), with
yacs' rules for values (a string is ``literal_eval``'d, so ``STEPS: (60000, 80000)`` is a tuple;
a key ``_C`` lacks and a value of another type are refused, as yacs refuses them). Then
``build_lr_scheduler``: the kind ``detectron2.solver``. The trainer runs ``MAX_ITER``
iterations, training at ``lr[0..MAX_ITER-1]``. ``SOLVER.BIAS_LR_FACTOR`` other than 1 gives the
bias parameters a group of their own (a second curve); ``REFERENCE_WORLD_SIZE`` with
``--world-size`` scales the run as ``DefaultTrainer.auto_scale_workers`` does.

Base files are read only if they are regular YAML files; nothing in a config is run.
"""

from __future__ import annotations

import ast
import os
from typing import Any

from lrplot.readers.run import Explanation, RunFacts, Value
from lrplot.readers.source import Output, Source
from lrplot.yamlio import Document, Mark

NAME = "detectron2"
TITLE = "detectron2 yacs YAML (SOLVER, _BASE_) or LazyConfig .py (lr_multiplier, train)"
COMMIT = "02b5c4e295e990042a714712c21dc79b731e8833"
RULES = f"detectron2 @ {COMMIT[:7]}"
BASE_KEY = "_BASE_"
MAX_BASES = 32
"""``_BASE_`` files followed at most, one inside the other (detectron2's own nest two or three)."""

SOLVER_DEFAULTS: dict[str, Any] = {
    "LR_SCHEDULER_NAME": "WarmupMultiStepLR", "MAX_ITER": 40000, "BASE_LR": 0.001,
    "BASE_LR_END": 0.0, "MOMENTUM": 0.9, "NESTEROV": False, "WEIGHT_DECAY": 0.0001,
    "WEIGHT_DECAY_NORM": 0.0, "GAMMA": 0.1, "STEPS": (30000,), "NUM_DECAYS": 3,
    "WARMUP_FACTOR": 1.0 / 1000, "WARMUP_ITERS": 1000, "WARMUP_METHOD": "linear",
    "RESCALE_INTERVAL": False, "CHECKPOINT_PERIOD": 5000, "IMS_PER_BATCH": 16,
    "REFERENCE_WORLD_SIZE": 0, "BIAS_LR_FACTOR": 1.0, "WEIGHT_DECAY_BIAS": None,
    "CLIP_GRADIENTS": {"ENABLED": False, "CLIP_TYPE": "value", "CLIP_VALUE": 1.0,
                       "NORM_TYPE": 2.0},
    "AMP": {"ENABLED": False},
}
"""``_C.SOLVER`` of detectron2/config/defaults.py at :data:`COMMIT`: every key (yacs refuses
others), the defaults of what the file omits."""

PARAMS = {"LR_SCHEDULER_NAME": "lr_scheduler_name", "MAX_ITER": "max_iter",
          "BASE_LR_END": "base_lr_end", "STEPS": "solver_steps", "GAMMA": "gamma",
          "NUM_DECAYS": "num_decays", "WARMUP_FACTOR": "warmup_factor",
          "WARMUP_ITERS": "warmup_iters", "WARMUP_METHOD": "warmup_method",
          "RESCALE_INTERVAL": "rescale_interval"}
"""SOLVER key -> the parameter of ``detectron2.solver`` (BASE_LR is the curve's base_lr)."""


def detect(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    if data.get("__lazyconfig__") is True:
        return True
    return "SOLVER" in data or (
        isinstance(data.get(BASE_KEY), (str, list)) and any(
            k in data for k in ("MODEL", "DATASETS", "INPUT", "TEST", "VERSION", "SOLVER")))


# -- _BASE_ ---------------------------------------------------------------------------------


def with_bases(doc: Document, chain: tuple[str, ...] = ()) -> Document:
    """``doc`` merged over its ``_BASE_`` files (recursively), marks kept from the file each
    value came from: ``load_yaml_with_base``'s ``merge_a_into_b``."""
    from lrplot import inputs, yamlio
    from lrplot.problems import Problem, SpecError

    data = doc.data if isinstance(doc.data, dict) else {}
    here = os.path.realpath(doc.file)
    if here in chain:
        cycle = " -> ".join(os.path.basename(p) for p in (*chain, here))
        raise SpecError([Problem(str(doc.mark((BASE_KEY,)) or doc.file),
                                 f"_BASE_ files form a cycle ({cycle}); detectron2 would "
                                 "recurse until Python's limit")])
    if BASE_KEY not in data:
        return doc
    if len(chain) >= MAX_BASES:
        raise SpecError([Problem(str(doc.mark((BASE_KEY,)) or doc.file),
                                 f"_BASE_ files nest more than {MAX_BASES} deep")])
    written = data[BASE_KEY]
    names = written if isinstance(written, list) else [written]
    merged: dict[str, Any] = {}
    marks: dict[tuple, Mark] = {}
    for index, name in enumerate(names):
        path = (BASE_KEY, index) if isinstance(written, list) else (BASE_KEY,)
        where = str(doc.mark(path) or doc.file)
        if not isinstance(name, str) or name.startswith(("http://", "https://")) or \
                not name.lower().endswith((".yaml", ".yml")):
            raise SpecError([Problem(where, f"_BASE_: expected the path of a YAML file at "
                                            f"hand, got {name!r}")])
        full = os.path.expanduser(name) if name.startswith("~") else name
        if not os.path.isabs(full):
            full = os.path.join(os.path.dirname(doc.file), full)
        refusal = inputs.regular_problem(full)
        if refusal or not os.path.isfile(full):
            raise SpecError([Problem(where, refusal or f"_BASE_ {name!r}: no such file "
                                                       f"(relative to {doc.file})")])
        try:
            base = with_bases(yamlio.load(full), (*chain, here))
        except (OSError, yamlio.YamlError) as exc:
            raise SpecError([Problem(where, f"_BASE_ {name!r}: {exc}")]) from None
        if not isinstance(base.data, dict):
            raise SpecError([Problem(where, f"_BASE_ {name!r} is not a mapping of config "
                                            "keys")])
        _merge(base.data, base.marks, (), merged, marks, where)
    own = {k: v for k, v in data.items() if k != BASE_KEY}
    _merge(own, doc.marks, (), merged, marks, str(doc.mark(()) or doc.file))
    marks[()] = doc.mark(()) or Mark(doc.file, 1, 1)
    return Document(merged, marks, doc.file, doc.base_dir)


def _merge(a: dict, a_marks: dict, prefix: tuple, b: dict, b_marks: dict, where: str) -> None:
    """``merge_a_into_b``: values in ``a`` overwrite ``b``; a mapping merges into a mapping,
    and may not replace a value that is not one."""
    from lrplot.problems import Problem, SpecError

    for key, value in a.items():
        path = prefix + (key,)
        if isinstance(value, dict) and key in b:
            if not isinstance(b[key], dict):
                mark = a_marks.get(path)
                raise SpecError([Problem(str(mark or where), f"Cannot inherit key {key!r} "
                                                             "from base (it is not a mapping "
                                                             "there)")])
            _merge(value, a_marks, path, b[key], b_marks, where)
        else:
            b[key] = value
            for mark_path, mark in a_marks.items():
                if mark_path[:len(path)] == path:
                    b_marks[mark_path] = mark


# -- SOLVER ---------------------------------------------------------------------------------


def _decode(raw: Any) -> Any:
    """yacs' ``_decode_cfg_value``: a string that is a Python literal becomes that value."""
    if isinstance(raw, str):
        try:
            return ast.literal_eval(raw)
        except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
            return raw
    return raw


def _type_problem(key: str, value: Any, default: Any) -> str | None:
    """yacs' ``_check_and_coerce_cfg_value_type``: the default's type, a list for a tuple and
    the reverse; a None default takes anything."""
    if default is None:
        return None
    if isinstance(default, (tuple, list)) and isinstance(value, (tuple, list)):
        return None
    if type(value) is type(default):
        return None
    return (f"SOLVER.{key}: {type(value).__name__} {value!r} where detectron2's default is "
            f"{type(default).__name__} {default!r} (yacs refuses it: type mismatch)")


def read(doc: Document, facts: RunFacts) -> tuple[Document, Explanation]:
    if isinstance(doc.data, dict) and doc.data.get("__lazyconfig__") is True:
        from lrplot.readers import detectron2_lazy

        return detectron2_lazy.read(doc, facts)
    merged = with_bases(doc)
    source = Source(merged)
    ex = Explanation()
    if merged is not doc:
        bases = sorted({m.file for m in merged.marks.values() if m.file != doc.file})
        ex.note(f"_BASE_ merged: {', '.join(bases)}")
    solver = source.get(("SOLVER",), {})
    if not isinstance(solver, dict):
        raise source.fail(("SOLVER",), "expected a mapping of SOLVER keys")
    for key in solver:
        if key not in SOLVER_DEFAULTS:
            from lrplot.suggest import hint

            source.error(("SOLVER", key), f"Non-existent config key: SOLVER.{key}"
                                          f"{hint(str(key), SOLVER_DEFAULTS)} (yacs refuses "
                                          "keys detectron2's defaults lack)")
    source.raise_if_any()

    def value(key: str) -> Any:
        default = SOLVER_DEFAULTS[key]
        if key not in solver:
            return ex.read(f"SOLVER.{key}", Value(default, f"default of {RULES} "
                                                           "config/defaults.py"))
        got = _decode(solver[key])
        problem = _type_problem(key, got, default)
        if problem:
            raise source.fail(("SOLVER", key), problem)
        return ex.read(f"SOLVER.{key}", Value(got, source.at(("SOLVER", key))))

    if facts.interval is not None or facts.epochs is not None:
        raise source.fail((), "--interval/--epochs: detectron2 counts iterations "
                              "(SOLVER.MAX_ITER); give --max-steps to change them")
    cfg = {key: value(key) for key in (*PARAMS, "BASE_LR", "BIAS_LR_FACTOR",
                                       "REFERENCE_WORLD_SIZE", "IMS_PER_BATCH")}
    if facts.max_steps is not None:
        cfg["MAX_ITER"] = ex.add("SOLVER.MAX_ITER", facts.max_steps, "", "--max-steps")
    _auto_scale(cfg, facts, ex, source)
    params = {PARAMS[key]: cfg[key] for key in PARAMS}
    params["solver_steps"] = list(params["solver_steps"])
    out = Output(source)
    max_iter = params["max_iter"]
    out.figure("steps", ex.add("steps", max_iter, "", "SOLVER.MAX_ITER: DefaultTrainer trains "
                               "iterations 0..MAX_ITER-1 at lr[0..MAX_ITER-1]"),
               ("SOLVER", "MAX_ITER"))
    out.figure("base_lr", float(cfg["BASE_LR"]), ("SOLVER", "BASE_LR"))
    origins = {PARAMS[k]: ("SOLVER", k) for k in PARAMS if k in solver}
    curve = {"type": "detectron2.solver", **params}
    if cfg["BIAS_LR_FACTOR"] != 1.0:
        bias = ex.add("bias lr", cfg["BASE_LR"] * cfg["BIAS_LR_FACTOR"],
                      f"{cfg['BASE_LR']} x {cfg['BIAS_LR_FACTOR']}",
                      "get_default_optimizer_params: biases get BASE_LR x BIAS_LR_FACTOR")
        out.curve({**curve, "label": "params"}, origins)
        out.curve({**curve, "label": "bias", "base_lr": float(bias)}, origins,
                  ("SOLVER", "BIAS_LR_FACTOR"))
    else:
        out.curve(curve, origins)
    return out.document(), ex


def _auto_scale(cfg: dict[str, Any], facts: RunFacts, ex: Explanation, source: Source) -> None:
    """``DefaultTrainer.auto_scale_workers(cfg, world_size)``."""
    old = cfg["REFERENCE_WORLD_SIZE"]
    if not old:
        if facts.world_size is not None:
            ex.note("--world-size: SOLVER.REFERENCE_WORLD_SIZE is 0, so detectron2 keeps the "
                    "schedule whatever the number of GPUs")
        return
    if facts.world_size is None:
        ex.note(f"SOLVER.REFERENCE_WORLD_SIZE is {old}: on another number of GPUs detectron2 "
                "rescales the schedule; give --world-size to see it")
        return
    workers = facts.world_size
    if old == workers:
        return
    if cfg["IMS_PER_BATCH"] % old:
        raise source.fail(("SOLVER", "REFERENCE_WORLD_SIZE"), "Invalid REFERENCE_WORLD_SIZE in "
                                                              "config! (IMS_PER_BATCH is not a "
                                                              "multiple of it)")
    scale = workers / old
    rule = f"auto_scale_workers, --world-size {workers} / REFERENCE_WORLD_SIZE {old}"
    cfg["BASE_LR"] = ex.add("SOLVER.BASE_LR", cfg["BASE_LR"] * scale,
                            f"{cfg['BASE_LR']} x {scale}", rule)
    cfg["MAX_ITER"] = ex.add("SOLVER.MAX_ITER", int(round(cfg["MAX_ITER"] / scale)),
                             f"round({cfg['MAX_ITER']} / {scale})", rule)
    cfg["WARMUP_ITERS"] = ex.add("SOLVER.WARMUP_ITERS", int(round(cfg["WARMUP_ITERS"] / scale)),
                                 f"round({cfg['WARMUP_ITERS']} / {scale})", rule)
    cfg["STEPS"] = ex.add("SOLVER.STEPS", tuple(int(round(s / scale)) for s in cfg["STEPS"]),
                          f"round(each / {scale})", rule)
