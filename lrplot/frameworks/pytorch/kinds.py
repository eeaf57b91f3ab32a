"""PyTorch's ``torch.optim.lr_scheduler`` kinds: declarations only (kernels in
lrplot.frameworks.pytorch.kernels, the step-by-step port of composites in .stepping).

Bounds refuse what torch accepts but cannot mean: T_max = 0 (torch divides by zero), a zero or
fractional step_size, a NaN, infinite, zero or negative gamma.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from lrplot.frameworks.pytorch import events, onecycle
from lrplot.logcsv import metric_problem, metric_values
from lrplot.params import REQUIRED, Param, format_value
from lrplot.schedules import Kind, register

KERNELS = "lrplot.frameworks.pytorch.kernels"

GAMMA_HELP = "multiplicative factor of learning-rate decay"


def _gamma(default: Any = 0.1, help: str = GAMMA_HELP) -> Param:
    return Param("gamma", "float", help, default=default, min=0, min_exclusive=True)


def _decay_horizon(gamma: float) -> int:
    """Steps until an exponential decay reaches 1% of its start (100 if it never does)."""
    if gamma >= 1:
        return 100
    return max(10, math.ceil(math.log(0.01) / math.log(gamma)) + 1)


def _exponential_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    gamma = p["gamma"]
    if gamma >= 1:
        return 100, "gamma >= 1 never decays"
    return _decay_horizon(gamma), "until lr falls to 1% of base_lr"


def _step_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    return 5 * p["step_size"], "five decays"


def _multistep_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    milestones = p["milestones"]
    if not milestones:
        return 100, "no milestones"
    last = max(milestones)
    return last + max(10, math.ceil(last * 0.25)), "25% past the last milestone"


def _cosine_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    return 2 * p["T_max"] + 1, "one full period, 2*T_max, to show the rise after T_max"


def _linear_floor(p: Mapping[str, Any]) -> tuple[str, int, str] | None:
    if p["end_factor"] >= p["start_factor"]:
        return None  # a warm-up: it ends high
    return "total_iters", p["total_iters"], f"end_factor={format_value(p['end_factor'])}"


EXPONENTIAL = register(Kind(
    name="exponential",
    framework_class="ExponentialLR",
    summary="multiply the lr by gamma every step: lr = base_lr * gamma**t",
    params=(_gamma(default=REQUIRED),),
    kernel=f"{KERNELS}:exponential",
    example="--gamma 0.9,0.95,0.98",
    horizon=_exponential_horizon,
))

STEP = register(Kind(
    name="step",
    framework_class="StepLR",
    summary="multiply the lr by gamma every step_size steps",
    params=(
        Param("step_size", "int", "period of learning-rate decay, in steps", min=1),
        _gamma(),
    ),
    kernel=f"{KERNELS}:step",
    example="--step-size 50 --gamma 0.5,0.65,0.8",
    horizon=_step_horizon,
    events=events.step,
))

MULTISTEP = register(Kind(
    name="multistep",
    framework_class="MultiStepLR",
    summary="multiply the lr by gamma at each milestone (a repeated milestone applies gamma again)",
    params=(
        Param("milestones", "int_list", "steps at which to decay; order does not matter, "
              "duplicates compound", min=0),
        _gamma(),
    ),
    kernel=f"{KERNELS}:multistep",
    example="--milestones 200,300,320,340 --gamma 0.8",
    horizon=_multistep_horizon,
    events=events.multistep,
))

COSINE = register(Kind(
    name="cosine",
    framework_class="CosineAnnealingLR",
    summary="cosine from base_lr down to eta_min over T_max steps, then back up (period 2*T_max)",
    params=(
        Param("T_max", "int", "half period: steps from base_lr down to eta_min", min=1),
        Param("eta_min", "float", "minimum learning rate", default=0.0, min=0),
    ),
    kernel=f"{KERNELS}:cosine",
    example="--t-max 50,100,150",
    horizon=_cosine_horizon,
    events=events.cosine,
    floor=lambda p: ("T_max", p["T_max"], f"eta_min={format_value(p['eta_min'])}"),
))


# -- warm-up and decay by factor -----------------------------------------------------------------

TOTAL_ITERS_HELP = "steps over which the factor applies"


def _total_iters(help: str = TOTAL_ITERS_HELP) -> Param:
    # torch accepts 0 and negatives, then never restores the lr (or divides by zero).
    return Param("total_iters", "int", help, default=5, min=1)


def _warmup_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    return max(20, 2 * p["total_iters"]), "twice total_iters"


CONSTANT = register(Kind(
    name="constant",
    framework_class="ConstantLR",
    summary="base_lr * factor for the first total_iters steps, then base_lr",
    params=(
        # factor 0 would make torch divide by zero at total_iters.
        Param("factor", "float", "the multiplicative factor before total_iters",
              default=1.0 / 3, min=0, max=1, min_exclusive=True),
        _total_iters("steps at the reduced lr"),
    ),
    kernel=f"{KERNELS}:constant",
    example="--factor 0.25,0.5 --total-iters 10",
    horizon=_warmup_horizon,
    events=events.warmup,
))

LINEAR = register(Kind(
    name="linear",
    framework_class="LinearLR",
    summary="ramp the factor linearly from start_factor to end_factor over total_iters steps",
    params=(
        Param("start_factor", "float", "factor of base_lr at step 0", default=1.0 / 3,
              min=0, max=1, min_exclusive=True),
        Param("end_factor", "float", "factor of base_lr from total_iters on", default=1.0,
              min=0, max=1),
        _total_iters("steps of the ramp"),
    ),
    kernel=f"{KERNELS}:linear",
    example="--start-factor 0.1 --total-iters 10,20",
    horizon=_warmup_horizon,
    events=events.warmup,
    floor=_linear_floor,
))


def _polynomial_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    T = p["total_iters"]
    return T + max(10, math.ceil(T * 0.25)), "25% past total_iters"


POLYNOMIAL = register(Kind(
    name="polynomial",
    framework_class="PolynomialLR",
    summary="decay to 0 over total_iters steps: base_lr * (1 - t/total_iters) ** power",
    params=(
        _total_iters("steps until the lr reaches 0"),
        # a negative power makes torch raise ZeroDivisionError at total_iters
        Param("power", "float", "the power of the polynomial", default=1.0, min=0),
    ),
    kernel=f"{KERNELS}:polynomial",
    example="--total-iters 100 --power 0.5,1,2",
    horizon=_polynomial_horizon,
    events=events.warmup,
    floor=lambda p: ("total_iters", p["total_iters"], "0"),
))


def _restarts_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    T_0, T_mult = p["T_0"], p["T_mult"]
    return T_0 * (1 + T_mult + T_mult**2) + 1, "three cycles"


COSINE_RESTARTS = register(Kind(
    name="cosine-restarts",
    framework_class="CosineAnnealingWarmRestarts",
    summary="SGDR: cosine from base_lr to eta_min, restarting every T_i steps "
            "(T_i = T_0, then times T_mult)",
    params=(
        Param("T_0", "int", "steps of the first cycle", min=1),
        Param("T_mult", "int", "factor by which each cycle is longer than the previous one",
              default=1, min=1),
        Param("eta_min", "float", "minimum learning rate", default=0.0, min=0),
    ),
    kernel=f"{KERNELS}:cosine_restarts",
    example="--t-0 50 --t-mult 1,2",
    horizon=_restarts_horizon,
    events=events.restarts,
))


# -- a factor given as an expression of the step -------------------------------------------------

LAMBDA_HELP = ("the factor as an expression of epoch (the step; also step or x), e.g. "
               "'0.95 ** epoch' or 'min(1.0, (epoch + 1) / 10)'")


def _expression_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    return 100, "a default horizon"


LAMBDA = register(Kind(
    name="lambda",
    framework_class="LambdaLR",
    summary="lr = base_lr * f(epoch), f an expression of the step",
    params=(Param("lr_lambda", "expr", LAMBDA_HELP),),
    kernel=f"{KERNELS}:lambda_",
    example="--lr-lambda 'min(1.0, (epoch + 1) / 10)'",
    horizon=_expression_horizon,
))

MULTIPLICATIVE = register(Kind(
    name="multiplicative",
    framework_class="MultiplicativeLR",
    summary="lr = lr * f(epoch) every step, f an expression of the step",
    params=(Param("lr_lambda", "expr", LAMBDA_HELP.replace("0.95 ** epoch", "0.95")
                  .replace("min(1.0, (epoch + 1) / 10)", "0.9 if epoch % 10 == 0 else 1.0")),),
    kernel=f"{KERNELS}:multiplicative",
    example="--lr-lambda 0.95",
    horizon=_expression_horizon,
))


# -- cycles --------------------------------------------------------------------------------------


def _momentum_param(name: str, default: float, help: str) -> Param:
    return Param(name, "float", help, default=default, min=0, max=1)


CYCLE_MOMENTUM = Param("cycle_momentum", "bool", "cycle the optimizer's momentum (SGD) or "
                       "beta1 (Adam) inversely to the lr", default=True)


def _momentum_extras(p: Mapping[str, Any]) -> tuple[str, ...]:
    return ("momentum",) if p.get("cycle_momentum") else ()


def _cyclic_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    up = p["step_size_up"]
    down = up if p["step_size_down"] is None else p["step_size_down"]
    return 3 * (up + down) + 1, "three cycles"


def _cyclic_check_steps(p: Mapping[str, Any], steps: int) -> str | None:
    """torch computes triangular2's ``2.0 ** (cycle - 1)`` and exp_range's ``gamma ** t`` in
    Python floats, which raise OverflowError past 1.8e308."""
    if p["scale_fn"] is not None or p["mode"] == "triangular":
        return None
    up = float(p["step_size_up"])
    total = up + (up if p["step_size_down"] is None else float(p["step_size_down"]))
    last = steps - 1
    try:
        if p["mode"] == "triangular2":
            2.0 ** (math.floor(1 + last / total) - 1)
        else:
            p["gamma"] ** last
    except OverflowError:
        what = "2.0 ** (cycle - 1) for triangular2" if p["mode"] == "triangular2" else \
            f"gamma ** step = {p['gamma']} ** {last} for exp_range"
        return (f"is too many: torch's {what} overflows (OverflowError); use fewer "
                "steps or longer cycles")
    return None


CYCLIC = register(Kind(
    name="cyclic",
    framework_class="CyclicLR",
    summary="cycle between base_lr and max_lr (triangular, triangular2, exp_range or a custom "
            "scale), momentum in antiphase",
    params=(
        Param("max_lr", "float", "upper lr boundary of the cycle", min=0, min_exclusive=True),
        # step sizes: 0 up makes torch divide by zero; torch floats them, so ints lose nothing
        Param("step_size_up", "int", "steps in the increasing half of a cycle", default=2000,
              min=1),
        Param("step_size_down", "int", "steps in the decreasing half (null: step_size_up)",
              default=None, min=0),
        Param("mode", "choice", "the amplitude policy (ignored with scale_fn)",
              default="triangular", choices=("triangular", "triangular2", "exp_range")),
        Param("gamma", "float", "exp_range: the amplitude shrinks by gamma ** iterations",
              default=1.0, min=0, min_exclusive=True),
        Param("scale_fn", "expr", "a custom amplitude scale as an expression of x (the cycle "
              "number or the iteration, see scale_mode), e.g. '0.5 ** (x - 1)'; overrides mode",
              default=None),
        Param("scale_mode", "choice", "what scale_fn's x is: the cycle number or the "
              "iteration (only with scale_fn)", default="cycle", choices=("cycle", "iterations")),
        CYCLE_MOMENTUM,
        _momentum_param("base_momentum", 0.8, "lower momentum boundary (at the lr peak)"),
        _momentum_param("max_momentum", 0.9, "upper momentum boundary (at base_lr)"),
    ),
    kernel=f"{KERNELS}:cyclic",
    example="--max-lr 1.0 --step-size-up 20 --mode triangular,triangular2",
    horizon=_cyclic_horizon,
    check_steps=_cyclic_check_steps,
    extras=_momentum_extras,
    extra_series=("momentum",),
    own_base_lr=True,
    events=events.cyclic,
))


def _onecycle_total(p: Mapping[str, Any]) -> int | None:
    return onecycle.total(p["total_steps"], p["epochs"], p["steps_per_epoch"])


def _onecycle_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    total = _onecycle_total(p)
    if total is None:
        missing = "steps_per_epoch" if p["epochs"] is not None else "epochs" \
            if p["steps_per_epoch"] is not None else "total_steps"
        return [(missing, "onecycle needs total_steps, or epochs and steps_per_epoch")]
    problems = []
    if p["total_steps"] is not None and p["epochs"] is not None:
        if p["steps_per_epoch"] is None or p["epochs"] * p["steps_per_epoch"] != total:
            problems.append(("total_steps", "give total_steps or epochs and steps_per_epoch, "
                                            "not both: torch ignores epochs and steps_per_epoch "
                                            "when total_steps is given"))
    if float(p["pct_start"] * total) - 1 == 0:
        problems.append(("pct_start", f"pct_start * total_steps = 1 makes the warm-up zero steps "
                                      f"long and torch divide by zero; choose another pct_start "
                                      f"(total_steps = {total})"))
    return problems


def _onecycle_check_steps(p: Mapping[str, Any], steps: int) -> str | None:
    total = _onecycle_total(p)
    if total is None:
        return None
    if steps > total + 1:
        return (f"exceeds total_steps + 1 = {total + 1} (torch raises ValueError when stepped "
                f"past total_steps); use steps <= {total + 1} or a larger total_steps")
    phases = onecycle.phases(total, p["pct_start"], p["three_phase"])
    if steps == total + 1 and phases[-2][0] == total - 1:
        return (f"reaches step {total}, where torch divides by zero (with these pct_start and "
                f"three_phase the last phase is zero steps long); use steps <= {total}")
    return None


def _onecycle_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    return _onecycle_total(p), "total_steps"


ONECYCLE = register(Kind(
    name="onecycle",
    framework_class="OneCycleLR",
    summary="the 1cycle policy: warm up from max_lr/div_factor to max_lr, anneal far below; "
            "momentum in antiphase",
    params=(
        Param("max_lr", "float", "the peak learning rate (the optimizer's lr is ignored)",
              min=0, min_exclusive=True),
        Param("total_steps", "int", "steps in the cycle (or give epochs and steps_per_epoch)",
              default=None, min=1),
        Param("epochs", "int", "epochs to train (with steps_per_epoch)", default=None, min=1),
        Param("steps_per_epoch", "int", "steps per epoch (with epochs)", default=None, min=1),
        Param("pct_start", "float", "fraction of the cycle spent increasing the lr",
              default=0.3, min=0, max=1),
        Param("anneal_strategy", "choice", "annealing shape", default="cos",
              choices=("cos", "linear")),
        CYCLE_MOMENTUM,
        _momentum_param("base_momentum", 0.85, "lower momentum boundary (at the lr peak)"),
        _momentum_param("max_momentum", 0.95, "upper momentum boundary (at the start and end)"),
        Param("div_factor", "float", "initial lr = max_lr / div_factor", default=25.0, min=0,
              min_exclusive=True),
        Param("final_div_factor", "float", "minimum lr = initial lr / final_div_factor",
              default=1e4, min=0, min_exclusive=True),
        Param("three_phase", "bool", "a third phase anneals to the minimum after a symmetric "
              "cycle (fast.ai style)", default=False),
    ),
    kernel=f"{KERNELS}:onecycle",
    example="--max-lr 0.1 --total-steps 1000 --anneal-strategy cos,linear",
    horizon=_onecycle_horizon,
    check=_onecycle_check,
    check_steps=_onecycle_check_steps,
    extras=_momentum_extras,
    extra_series=("momentum",),
    uses_base_lr=False,
    events=events.onecycle,
))


# -- composites ----------------------------------------------------------------------------------

SIM = "lrplot.frameworks.pytorch.stepping"


def _child_kind(child: Any) -> Kind:
    from lrplot.schedules import get

    return get(child.kind)


def _children_extras(p: Mapping[str, Any]) -> tuple[str, ...]:
    extras: tuple[str, ...] = ()
    for child in p["schedulers"]:
        for name in _child_kind(child).extras(child.mapping):
            if name not in extras:
                extras += (name,)
    return extras


def _sequential_segments(p: Mapping[str, Any], steps: int) -> list[int]:
    """How many values each child contributes to ``steps`` values (hand-over at milestones)."""
    bounds = [0, *p["milestones"], steps]
    return [max(0, min(steps, bounds[i + 1]) - min(steps, bounds[i]))
            for i in range(len(p["schedulers"]))]


def _sequential_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    children, milestones = p["schedulers"], list(p["milestones"])
    if len(milestones) != len(children) - 1:
        return [("milestones", f"give one milestone fewer than schedulers: {len(children)} "
                               f"schedulers need {len(children) - 1} milestone"
                               f"{'s' * (len(children) != 2)}, got {len(milestones)}")]
    if milestones != sorted(milestones):
        return [("milestones", f"milestones must not decrease, got {list(milestones)} (torch "
                               "bisects the list as given and switches at the wrong steps)")]
    return []


def _sequential_check_steps(p: Mapping[str, Any], steps: int) -> str | None:
    for i, (child, count) in enumerate(zip(p["schedulers"], _sequential_segments(p, steps))):
        kind = _child_kind(child)
        if i > 0 and count > 0 and kind.composite:
            return (f"reaches milestone {p['milestones'][i - 1]}, where torch cannot hand over to "
                    f"schedulers[{i}] ({kind.name}): SequentialLR raises NotImplementedError. "
                    "A sequential or chained schedule can only come first")
        if count > 0:
            problem = kind.check_steps(child.mapping, count)
            if problem:
                return f"(schedulers[{i}] {kind.name} runs {count} steps: {count} {problem})"
    return None


def _sequential_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    last = p["schedulers"][-1]
    tail, _ = _child_kind(last).horizon(last.mapping)
    return p["milestones"][-1] + tail if p["milestones"] else tail, \
        "the last milestone plus the last schedule's horizon"


SCHEDULERS_HELP = ("the child schedules, each a mapping with its type and parameters, e.g. "
                   "[{type: linear, start_factor: 0.1, total_iters: 5}, {type: cosine, T_max: 95}]")

SEQUENTIAL = register(Kind(
    name="sequential",
    framework_class="SequentialLR",
    summary="schedules one after another, each restarting at its milestone "
            "(e.g. linear warm-up, then cosine)",
    params=(
        Param("schedulers", "schedulers", SCHEDULERS_HELP),
        Param("milestones", "int_list", "the steps at which the next schedule takes over "
              "(one fewer than schedulers)", min=1),
    ),
    kernel=f"{SIM}:sequential",
    example="--schedulers '[{type: linear, start_factor: 0.1, total_iters: 5}, "
            "{type: cosine, T_max: 95}]' --milestones 5",
    horizon=_sequential_horizon,
    check=_sequential_check,
    check_steps=_sequential_check_steps,
    extras=_children_extras,
    extra_series=("momentum",),
    composite=True,
    events=events.sequential,
))


def _chained_check_steps(p: Mapping[str, Any], steps: int) -> str | None:
    for i, child in enumerate(p["schedulers"]):
        kind = _child_kind(child)
        count = -(-steps // child.every)  # values of a child stepped once per epoch: epochs
        problem = kind.check_steps(child.mapping, count)
        if problem:
            per_epoch = f" per epoch, {count} values" if child.every > 1 else ""
            return f"(schedulers[{i}] {kind.name}{per_epoch}: {count} {problem})"
    return None


def _chained_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    return max(_child_kind(c).horizon(c.mapping)[0] * c.every for c in p["schedulers"]), \
        "the longest child horizon"


CHAINED = register(Kind(
    name="chained",
    framework_class="ChainedScheduler",
    summary="several schedules stepped together on the same lr, each on what the others left",
    params=(Param("schedulers", "schedulers", SCHEDULERS_HELP.replace(
        "{type: cosine, T_max: 95}", "{type: exponential, gamma: 0.9}")),),
    kernel=f"{SIM}:chained",
    example="--schedulers '[{type: constant, factor: 0.5, total_iters: 10}, "
            "{type: exponential, gamma: 0.95}]'",
    horizon=_chained_horizon,
    check_steps=_chained_check_steps,
    events=events.chained,
    extras=_children_extras,
    extra_series=("momentum",),
    composite=True,
    child_intervals=True,
))


# -- ReduceLROnPlateau ---------------------------------------------------------------------------


def _plateau_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    if (p["metric"] is None) == (p["metric_file"] is None):
        return [("metric", "plateau needs the metric it watches: metric (an expression of "
                           "epoch) or metric_file (a CSV file), not both")]
    if p["metric_file"] is None and p["metric_column"] is not None:
        return [("metric_column", "metric_column goes with metric_file")]
    if p["metric_file"] is not None:
        try:
            problem = metric_problem(p["metric_file"], p["metric_column"])
            if problem:
                return [("metric_file", problem)]
        except (OSError, ValueError) as exc:
            key = "metric_column" if "column" in str(exc) and p["metric_column"] else "metric_file"
            return [(key, str(exc))]
    return []


def _plateau_check_steps(p: Mapping[str, Any], steps: int) -> str | None:
    if p["metric_file"] is None:
        return None
    count = len(metric_values(p["metric_file"], p["metric_column"]))
    if steps > count + 1:
        return (f"exceeds the {count} metric values + 1 (the lr after each of them and the "
                f"initial one); use steps <= {count + 1}")
    return None


def _plateau_horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    if p["metric_file"] is not None:
        return len(metric_values(p["metric_file"], p["metric_column"])) + 1, \
            "one step per metric value"
    return 100, "a default horizon"


PLATEAU = register(Kind(
    name="plateau",
    framework_class="ReduceLROnPlateau",
    summary="multiply the lr by factor when the metric stops improving for patience steps",
    params=(
        Param("mode", "choice", "min: the metric should fall (a loss); max: rise (accuracy)",
              default="min", choices=("min", "max")),
        # factor 0 drops straight to min_lr, >= 1 is refused by torch
        Param("factor", "float", "multiplies the lr at each reduction", default=0.1, min=0,
              max=1, min_exclusive=True, max_exclusive=True),
        # a negative patience reduces at every step, cooldown or not
        Param("patience", "int", "steps without improvement before a reduction", default=10,
              min=0),
        Param("threshold", "float", "how much better counts as an improvement", default=1e-4,
              min=0),
        Param("threshold_mode", "choice", "rel: better than best * (1 -/+ threshold); abs: "
              "better than best -/+ threshold", default="rel", choices=("rel", "abs")),
        Param("cooldown", "int", "steps to wait after a reduction before counting again",
              default=0, min=0),
        Param("min_lr", "float", "the lr never goes below this", default=0.0, min=0),
        Param("eps", "float", "reductions smaller than eps are skipped", default=1e-8, min=0),
        Param("metric", "expr", "the metric passed to step(), as an expression of epoch "
              "(1 for the first step), e.g. '1 / epoch ** 0.5 + 0.2'", default=None),
        Param("metric_file", "path", "the metric from a CSV file: one row per step(), under a "
              "header row (relative to the config file)", default=None),
        Param("metric_column", "text", "the column of metric_file holding the metric (default: "
              "its only column besides step/epoch)", default=None),
    ),
    kernel="lrplot.frameworks.pytorch.plateau:plateau",
    example="--metric-file configs/sample-val-loss.csv --patience 5,10",
    horizon=_plateau_horizon,
    check=_plateau_check,
    check_steps=_plateau_check_steps,
    extras=lambda p: ("metric",),
    extra_series=("metric",),
    refused_as_child="ReduceLROnPlateau needs a metric at every step (torch refuses it too)",
))
