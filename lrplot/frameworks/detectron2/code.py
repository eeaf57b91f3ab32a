"""``lrplot code`` for detectron2 kinds: the real objects, stepped after every iteration as
detectron2's LRScheduler hook steps them.

- an fvcore param scheduler (``fvcore.common.param_scheduler``, detectron2's
  ``WarmupParamScheduler`` for ``detectron2.warmup``), its children built first, inside
  ``LRMultiplier(optimizer, multiplier, max_iter)`` — ``max_iter`` the curve's scheduler steps
  when it is drawn alone, as lrplot draws it;
- ``detectron2.lr_multiplier``: the same with its own ``max_iter``;
- the legacy ``WarmupMultiStepLR`` and ``WarmupCosineLR`` classes with their arguments;
- ``detectron2.solver``: detectron2's default config (``get_cfg()``) with the SOLVER keys set,
  through ``build_lr_scheduler(cfg, optimizer)``.

Every value is written as a Python literal (``repr``) under its own parameter's name; class
names come from the kinds' declarations, never from the input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from lrplot.codegen import (_arguments, _is_default, _optimizer_lines, _Script, _stepping_loop,
                            literal)
from lrplot.schedules import Kind, get

if TYPE_CHECKING:
    from lrplot.spec import Curve

FVCORE = "from fvcore.common.param_scheduler import {}"
DETECTRON2 = "from detectron2.solver import {}"

SOLVER_KEYS = (("lr_scheduler_name", "LR_SCHEDULER_NAME"), ("max_iter", "MAX_ITER"),
               ("base_lr_end", "BASE_LR_END"), ("solver_steps", "STEPS"), ("gamma", "GAMMA"),
               ("num_decays", "NUM_DECAYS"), ("warmup_factor", "WARMUP_FACTOR"),
               ("warmup_iters", "WARMUP_ITERS"), ("warmup_method", "WARMUP_METHOD"),
               ("rescale_interval", "RESCALE_INTERVAL"))
"""detectron2.solver's parameters and the ``cfg.SOLVER`` keys they are."""

CHILDREN = ("scheduler", "schedulers")


def _param_scheduler(kind: Kind, params: Mapping[str, Any], script: _Script) -> str:
    """Builds the param scheduler (children first, each in a variable of its own) and returns
    the name of its variable."""
    args = []
    for p in kind.params:
        value = params[p.name]
        if p.name in CHILDREN:
            names = [_param_scheduler(get(c.kind), c.mapping, script) for c in value]
            args.append(f"{p.name}={names[0]}" if p.name == "scheduler" else
                        f"{p.name}=[{', '.join(names)}]")
        elif not _is_default(p, value):
            args.append(f"{p.name}={literal(value)}")
    cls = kind.framework_class
    script.need((DETECTRON2 if cls == "WarmupParamScheduler" else FVCORE).format(cls))
    name = f"sched_{sum(line.startswith('sched_') for line in script.lines) + 1}"
    script.lines.append(f"{name} = {cls}({', '.join(args)})")
    return name


def _solver(curve: Curve, script: _Script) -> str:
    script.need("from detectron2.config import get_cfg")
    script.need(DETECTRON2.format("build_lr_scheduler"))
    p = curve.params
    script.lines += ["cfg = get_cfg()  # detectron2's defaults; the SOLVER keys that shape the "
                     "schedule:",
                     f"cfg.SOLVER.BASE_LR = {literal(curve.base_lr)}"]
    for name, key in SOLVER_KEYS:
        value = p[name]
        # STEPS is a tuple in detectron2's config
        text = repr(tuple(value)) if name == "solver_steps" else literal(value)
        script.lines.append(f"cfg.SOLVER.{key} = {text}")
    return "build_lr_scheduler(cfg, optimizer)"


def write_script(curve: Curve, script: _Script) -> None:
    kind = curve.kind
    script.need("import torch")
    script.lines += _optimizer_lines(curve)
    name = kind.name.split(".", 1)[1]
    if name == "solver":
        built = _solver(curve, script)
    elif name in ("warmup_multistep", "warmup_cosine"):
        script.need(DETECTRON2.format(kind.framework_class))
        args = ["optimizer"] + _arguments(kind, curve.params, script)
        built = f"{kind.framework_class}({', '.join(args)})"
    else:
        script.need(DETECTRON2.format("LRMultiplier"))
        if name == "lr_multiplier":
            child = curve.params["multiplier"][0]
            multiplier = _param_scheduler(get(child.kind), child.mapping, script)
            max_iter, note = literal(curve.params["max_iter"]), ""
        else:  # drawn alone: LRMultiplier over the curve's steps
            multiplier = _param_scheduler(kind, curve.params, script)
            max_iter, note = str(curve.scheduler_steps), "  # where = step / the run's steps"
        built = f"LRMultiplier(optimizer, multiplier={multiplier}, max_iter={max_iter}){note}"
    script.lines.append(f"scheduler = {built}")
    script.lines += _stepping_loop(curve)
