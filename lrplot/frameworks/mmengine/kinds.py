"""mmengine's parameter schedulers as ``mmengine.<name>`` kinds (also ``mmengine.<ClassName>``).
Declarations only; the stepping is lrplot.frameworks.mmengine.kernels.

Sources: mmengine 0.10.7 ``mmengine/optim/scheduler/{param_scheduler,lr_scheduler,
momentum_scheduler}.py`` and mmdetection's ``mmdet/engine/schedulers/quadratic_warmup.py``.
Parameter names and defaults are the classes'; ``begin``/``end`` (end exclusive, INF = 10**9 by
default), ``by_epoch`` and ``convert_to_iter_based`` are those of every scheduler config.

What ``lr[i]`` means. mmengine's runner (ParamSchedulerHook) steps iteration-based schedulers
after every iteration and ``by_epoch`` schedulers after every epoch, in list order. With
``steps_per_epoch`` the series counts iterations: ``lr[i]`` is the lr of iteration ``i``.
Without it the series counts the schedulers' own steps (``lr[i]`` after ``i`` calls of
``step()``), which needs every scheduler to step in the same unit. The momentum twins
(``mmengine.<name>_momentum``) schedule the optimizer's momentum (SGD's momentum, Adam's beta1),
the ``momentum`` series; their lr is the optimizer's, unchanged.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from lrplot.frameworks.mmengine import events
from lrplot.logcsv import metric_problem, metric_values
from lrplot.frameworks.mmengine.phases import INF, onecycle_phase_ends, onecycle_total
from lrplot.params import Param, format_value
from lrplot.schedules import Kind, register

KERNELS = "lrplot.frameworks.mmengine.kernels"

OWN_STEPS = ("by_epoch says when each scheduler steps, and with steps_per_epoch the series "
             "counts iterations; leave interval at step")


def _window() -> tuple[Param, ...]:
    """The parameters every mmengine scheduler config has, and the run's epoch length."""
    return (
        Param("begin", "int", "the scheduler's first step (in epochs with by_epoch, else "
              "iterations)", default=0, min=0),
        Param("end", "int", "the step at which the scheduler stops: exclusive, end=500 "
              "changes the lr 499 times (10**9: mmengine's INF, no end)", default=INF, min=1),
        Param("by_epoch", "bool", "step after every epoch (else after every iteration)",
              default=True),
        Param("convert_to_iter_based", "bool", "turn an epoch-based config into an "
              "iteration-based scheduler (begin, end and periods times steps_per_epoch)",
              default=False),
        Param("steps_per_epoch", "int", "iterations per epoch: the series counts iterations, "
              "by_epoch schedulers stepping after each epoch (null: the scheduler's own steps)",
              default=None, min=1),
    )


def _momentum() -> Param:
    return Param("initial_momentum", "float", "the optimizer's momentum (SGD) or beta1 (Adam) "
                 "that the momentum schedulers start from", default=0.9, min=0, max=1)


def _eta_min_pair(default_help: str) -> tuple[Param, ...]:
    return (
        Param("eta_min", "float", f"the minimum value ({default_help})", default=None),
        Param("eta_min_ratio", "float", "the minimum as a fraction of the initial value "
              "(instead of eta_min)", default=None),
    )


def _window_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems = []
    if p["end"] <= p["begin"]:
        problems.append(("end", f"must be larger than begin ({p['begin']}): mmengine raises "
                                "ValueError"))
    if p["convert_to_iter_based"] and not p["by_epoch"]:
        problems.append(("convert_to_iter_based", "only a by_epoch scheduler can be converted "
                                                  "to iteration-based (mmengine asserts)"))
    return problems


def _window_horizon(p: Mapping[str, Any], own: int | None = None) -> tuple[int, str]:
    """The window's end (or ``own`` steps past begin) and a tenth more, in the series' unit."""
    scale = p["steps_per_epoch"] if p["steps_per_epoch"] and p["by_epoch"] else 1
    end = p["end"] if p["end"] < INF else p["begin"] + (own or 100)
    end *= scale
    return end + max(2, end // 10), "10% past end"


def _xor_eta_min(p: Mapping[str, Any], required: bool) -> list[tuple[str, str]]:
    both = p["eta_min"] is not None and p["eta_min_ratio"] is not None
    neither = p["eta_min"] is None and p["eta_min_ratio"] is None
    if both or (required and neither):
        return [("eta_min", "give eta_min or eta_min_ratio, one of them (mmengine asserts)")]
    return []


def _cosine_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    return _xor_eta_min(p, required=False)


def _restart_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems = _xor_eta_min(p, required=True)
    if len(p["periods"]) != len(p["restart_weights"]):
        problems.append(("restart_weights", f"give one weight per period: {len(p['periods'])} "
                                            f"periods, {len(p['restart_weights'])} weights"))
    return problems


def _onecycle_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    ends = onecycle_phase_ends(p, onecycle_total(p))
    starts = [0.0, *ends[:-1]]
    if any(e == s for s, e in zip(starts, ends)):
        return [("pct_start", "makes a phase zero steps long: mmengine divides by zero there; "
                              "choose another pct_start")]
    return []


def _quadratic_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    if p["end"] >= INF:
        return [("end", "QuadraticWarmupLR needs a finite end (the warm-up's end); mmdet "
                        "raises ValueError")]
    return []


def _plateau_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    if not p["by_epoch"]:
        return [("by_epoch", "ReduceOnPlateauLR steps after validation epochs only "
                             "(mmengine asserts by_epoch=True)")]
    if p["convert_to_iter_based"]:
        return [("convert_to_iter_based", "ReduceOnPlateauLR cannot be converted to "
                                          "iteration-based (it has no build_iter_from_epoch)")]
    if (p["metric"] is None) == (p["metric_file"] is None):
        return [("metric", "the plateau scheduler needs the metric it monitors: metric (an "
                           "expression of epoch) or metric_file (a CSV file), not both")]
    if p["metric_file"] is None and p["metric_column"] is not None:
        return [("metric_column", "metric_column goes with metric_file")]
    if p["metric_file"] is not None:
        try:
            problem = metric_problem(p["metric_file"], p["metric_column"])
        except (OSError, ValueError) as exc:
            return [("metric_file", str(exc))]
        if problem:
            return [("metric_file", problem)]
    return []


def _plateau_check_steps(p: Mapping[str, Any], steps: int) -> str | None:
    if p["metric_file"] is None:
        return None
    count = len(metric_values(p["metric_file"], p["metric_column"]))
    epochs = -(-steps // p["steps_per_epoch"]) if p["steps_per_epoch"] else steps
    if epochs > count + 1:
        return (f"needs {epochs - 1} validation metrics and metric_file has {count}; use fewer "
                "steps")
    return None


def _onecycle_check_steps(p: Mapping[str, Any], steps: int) -> str | None:
    spe, total, begin, end = p["steps_per_epoch"], onecycle_total(p), p["begin"], p["end"]
    own = steps  # global steps 0 .. own - 1 happen within the run
    if spe and p["convert_to_iter_based"]:
        total = p["total_steps"] * spe if p["total_steps"] is not None else None
        begin, end = int(begin * spe), (int(end * spe) if end != INF else end)
        total = total if total is not None else end - begin
    elif spe and p["by_epoch"]:
        own = -(-steps // spe)
    last = min(own, end) - 1 - begin
    if last > total:
        return (f"steps OneCycleLR {last + 1} times, past its total_steps = {total} (mmengine "
                "raises ValueError); use fewer steps or a larger total_steps")
    return None


def _floor_of(p: Mapping[str, Any], name: str) -> tuple[str, int, str] | None:
    """A decay's floor, reached at ``end - 1`` when the window is finite and the series
    counts the scheduler's own steps."""
    if p["end"] >= INF or p["steps_per_epoch"] is not None:
        return None
    return "end", p["end"] - 1, name


DECAY = {
    "eta_min": lambda p: _floor_of(p, f"eta_min={format_value(p['eta_min'] or 0.0)}")
    if p.get("eta_min_ratio") is None else None,
}


# name, class, summary, own params, example, check, horizon steps, momentum twin, extra options
SCHEDULERS: tuple[tuple[Any, ...], ...] = (
    ("linear", "LinearLR", "multiply the initial value by a factor going linearly from "
     "start_factor to end_factor over the window [begin, end)",
     (Param("start_factor", "float", "the factor at begin (mmengine divides by it: > 0)",
            default=1.0 / 3, min=0, max=1, min_exclusive=True),
      Param("end_factor", "float", "the factor at end - 1", default=1.0, min=0, max=1)),
     "--start-factor 0.001 --by-epoch false --end 500", None, None, True, {}),
    ("constant", "ConstantLR", "multiply by factor over [begin, end), then restore",
     (Param("factor", "float", "the factor inside the window (mmengine divides by it: > 0)",
            default=1.0 / 3, min=0, max=1, min_exclusive=True),),
     "--factor 0.5 --end 10", None, None, True, {}),
    ("step", "StepLR", "multiply by gamma every step_size steps",
     (Param("step_size", "int", "steps between decays", min=1),
      Param("gamma", "float", "the decay factor", default=0.1, min=0, min_exclusive=True)),
     "--step-size 30", None, lambda p: 5 * p["step_size"], True, {}),
    ("multistep", "MultiStepLR", "multiply by gamma at each milestone (repeated milestones "
     "compound)",
     (Param("milestones", "int_list", "the steps (from begin) of the decays", min=0),
      Param("gamma", "float", "the decay factor", default=0.1, min=0, min_exclusive=True)),
     "--milestones 8,11 --end 12", None,
     lambda p: (max(p["milestones"]) * 5 // 4 + 2) if p["milestones"] else 100, True, {}),
    ("exponential", "ExponentialLR", "multiply by gamma every step",
     (Param("gamma", "float", "the decay factor", min=0, min_exclusive=True),),
     "--gamma 0.95", None, lambda p: 100, True, {}),
    ("cosine", "CosineAnnealingLR", "cosine from the initial value to eta_min over T_max "
     "steps (default: end - begin), in mmengine's recursive form",
     (Param("T_max", "int", "the half period (null or 0: end - begin)", default=None, min=0),
      *_eta_min_pair("default 0")),
     "--t-max 100 --end 100 --eta-min 0.001", _cosine_check,
     lambda p: p["T_max"] or 100, True, {"floor": DECAY["eta_min"]}),
    ("poly", "PolyLR", "polynomial decay to eta_min at end - 1",
     (Param("eta_min", "float", "the value at the end of the window", default=0.0),
      Param("power", "float", "the polynomial's power", default=1.0, min=0)),
     "--eta-min 0.0001 --power 0.9 --end 1000 --by-epoch false", None, None, True,
     {"floor": lambda p: _floor_of(p, f"eta_min={format_value(p['eta_min'])}")}),
    ("onecycle", "OneCycleLR", "the 1cycle policy from eta_max/div_factor up to eta_max and "
     "down to eta_max/div_factor/final_div_factor (no momentum cycling)",
     (Param("eta_max", "float", "the peak lr (the optimizer's lr is not used)", default=0.0,
            min=0),
      Param("total_steps", "int", "steps in the cycle (null: end - begin)", default=None, min=1),
      Param("pct_start", "float", "the fraction of the cycle spent rising", default=0.3, min=0,
            max=1),
      Param("anneal_strategy", "choice", "the annealing shape", default="cos",
            choices=("cos", "linear")),
      Param("div_factor", "float", "initial lr = eta_max / div_factor", default=25.0, min=0,
            min_exclusive=True),
      Param("final_div_factor", "float", "minimum lr = initial lr / final_div_factor",
            default=1e4, min=0, min_exclusive=True),
      Param("three_phase", "bool", "a third phase anneals to the minimum", default=False)),
     "--eta-max 0.1 --total-steps 1000 --by-epoch false", _onecycle_check,
     lambda p: onecycle_total(p) if onecycle_total(p) < INF else 100, False,
     {"check_steps": _onecycle_check_steps, "uses_base_lr": False}),
    ("cosine_restart", "CosineRestartLR", "cosine annealing restarted after each period, from "
     "the initial value times its restart weight",
     (Param("periods", "int_list", "the length of each cosine cycle", min=1),
      Param("restart_weights", "float_list", "the peak of each cycle as a fraction of the "
            "initial value", default=(1.0,)),
      *_eta_min_pair("give it or eta_min_ratio")),
     "--periods 100,200 --restart-weights 1,0.5 --eta-min 0", _restart_check,
     lambda p: sum(p["periods"]), True, {}),
    ("plateau", "ReduceOnPlateauLR", "multiply by factor when the monitored metric stops "
     "improving for patience validation epochs",
     (Param("monitor", "text", "the metric's name in the validation results", default="loss"),
      Param("rule", "choice", "less: the metric should fall; greater: rise", default="less",
            choices=("less", "greater")),
      Param("factor", "float", "the reduction factor", default=0.1, min=0, max=1,
            max_exclusive=True),
      Param("patience", "int", "validation epochs without improvement before a reduction",
            default=10, min=0),
      Param("threshold", "float", "how much better counts as an improvement", default=1e-4,
            min=0),
      Param("threshold_rule", "choice", "rel or abs improvement", default="rel",
            choices=("rel", "abs")),
      Param("cooldown", "int", "epochs to wait after a reduction", default=0, min=0),
      Param("min_value", "float", "the value never goes below this", default=0.0, min=0),
      Param("eps", "float", "reductions smaller than eps are skipped", default=1e-8, min=0),
      Param("metric", "expr", "the metric of each validation, an expression of epoch (1 for "
            "the first)", default=None),
      Param("metric_file", "path", "the metric from a CSV file, one row per validation epoch",
            default=None),
      Param("metric_column", "text", "the column of metric_file holding the metric",
            default=None)),
     "--metric '1 / epoch + 0.1' --patience 2", _plateau_check, None, True,
     {"check_steps": _plateau_check_steps, "refused_as_child": None, "metric": True}),
    ("quadratic_warmup", "QuadraticWarmupLR", "mmdetection's quadratic warm-up: the "
     "initial value times ((s + 1) / (end - begin))**2, added up step by step",
     (), "--end 5 --by-epoch false", _quadratic_check, None, True, {}),
)


def _combine(*checks: Callable[[Mapping[str, Any]], list] | None
             ) -> Callable[[Mapping[str, Any]], list[tuple[str, str]]]:
    def check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        for one in checks:
            if one is not None and not problems:
                problems.extend(one(p))
        return problems
    return check


def _register(name: str, cls: str, summary: str, own: tuple[Param, ...], example: str,
              check: Any, own_horizon: Any, options: dict[str, Any], momentum: bool) -> Kind:
    options = dict(options)
    metric = options.pop("metric", False)
    options.pop("refused_as_child", None)
    extras = ("momentum",) if momentum else ()
    if metric:
        extras += ("metric",)
    params = own + _window() + ((_momentum(),) if momentum else ())
    if momentum:
        options.pop("floor", None)
        summary = summary.replace("lr", "momentum").replace("the initial value",
                                                            "the initial momentum")
        options["uses_base_lr"] = False

    def horizon(p: Mapping[str, Any]) -> tuple[int, str]:
        if name == "onecycle" and onecycle_total(p) < INF - p["begin"]:
            # no step past total_steps: mmengine raises there
            scale = p["steps_per_epoch"] if p["steps_per_epoch"] and p["by_epoch"] else 1
            return (p["begin"] + onecycle_total(p)) * scale + 1, "total_steps"
        return _window_horizon(p, own_horizon(p) if own_horizon else None)

    series = extras
    return register(Kind(
        name=f"mmengine.{name}{'_momentum' if momentum else ''}",
        framework_class=cls.replace("LR", "Momentum") if momentum else cls,
        summary=summary, params=params,
        kernel=f"{KERNELS}:{name}{'_momentum' if momentum else ''}",
        horizon=horizon, check=_combine(_window_check, check), example=example,
        framework="mmengine", extras=lambda p, s=series: s, extra_series=series,
        steps_itself=OWN_STEPS, events=events.events, **options))


for _spec in SCHEDULERS:
    _name, _cls, _summary, _own, _example, _check, _horizon, _twin, _options = _spec
    _register(_name, _cls, _summary, _own, _example, _check, _horizon, _options, False)
    if _twin:
        _register(_name, _cls, _summary, _own, _example.replace("--eta-min 0.001", "")
                  .replace("--eta-min 0.0001 ", ""), _check, _horizon, _options, True)


# -- the list of a config's param_scheduler -----------------------------------------------------

def _children(p: Mapping[str, Any]) -> list[tuple[Kind, dict[str, Any]]]:
    from lrplot.schedules import get

    return [(get(c.kind), c.mapping) for c in p["schedulers"]]


def _list_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    children = _children(p)
    for i, (kind, child) in enumerate(children):
        if kind.name == "mmengine.param_scheduler":
            return [("schedulers", f"schedulers[{i}] is a list itself: give its schedulers")]
        spe = child.get("steps_per_epoch")
        if spe is not None and spe != p["steps_per_epoch"]:
            return [("schedulers", f"schedulers[{i}] has steps_per_epoch {spe}: give "
                                   "steps_per_epoch once, on the list")]
        if child.get("convert_to_iter_based") and p["steps_per_epoch"] is None:
            return [("steps_per_epoch", f"schedulers[{i}] converts to iteration-based: give "
                                        "steps_per_epoch (mmengine's epoch_length)")]
    units = {child["by_epoch"] and not child["convert_to_iter_based"] for _, child in children}
    if len(units) > 1 and p["steps_per_epoch"] is None:
        return [("steps_per_epoch", "the schedulers step by epoch and by iteration: give "
                                    "steps_per_epoch (iterations per epoch) to place them")]
    return []


def _list_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    longest = 0
    for kind, child in _children(p):
        steps, _ = kind.horizon({**child, "steps_per_epoch": p["steps_per_epoch"]})
        longest = max(longest, steps)
    return longest, "the longest scheduler's horizon"


def _list_extras(p: Mapping[str, Any]) -> tuple[str, ...]:
    names: tuple[str, ...] = ()
    for kind, child in _children(p):
        for name in kind.extras(child):
            if name not in names:
                names += (name,)
    return names


def _list_check_steps(p: Mapping[str, Any], steps: int) -> str | None:
    for i, (kind, child) in enumerate(_children(p)):
        problem = kind.check_steps({**child, "steps_per_epoch": p["steps_per_epoch"]}, steps)
        if problem:
            return f"(schedulers[{i}] {kind.name}: {steps} {problem})"
    return None


PARAM_SCHEDULER = register(Kind(
    name="mmengine.param_scheduler",
    framework_class="param_scheduler",
    summary="a config's param_scheduler list: every scheduler steps the same optimizer, "
            "iteration-based ones after each iteration, by_epoch ones after each epoch",
    params=(
        Param("schedulers", "schedulers", "the schedulers, each a mapping with its type and "
              "parameters, e.g. [{type: mmengine.linear, start_factor: 0.001, by_epoch: false, "
              "end: 500}, {type: mmengine.multistep, milestones: [8, 11], end: 12}]",
              child_kinds="mmengine"),
        Param("steps_per_epoch", "int", "iterations per epoch (mmengine's epoch_length): "
              "the series counts iterations", default=None, min=1),
        _momentum(),
    ),
    kernel=f"{KERNELS}:param_scheduler",
    example="--schedulers '[{type: mmengine.linear, start_factor: 0.001, by_epoch: false, "
            "end: 50}, {type: mmengine.multistep, milestones: [8, 11], end: 12}]' "
            "--steps-per-epoch 20",
    horizon=_list_horizon,
    check=_list_check,
    check_steps=_list_check_steps,
    extras=_list_extras,
    extra_series=("momentum", "metric"),
    composite=True,
    framework="mmengine",
    steps_itself=OWN_STEPS,
    events=events.list_events,
))
