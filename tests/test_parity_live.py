"""lrplot against torch stepped live: random valid parameters (hypothesis) and fixed long runs.

Skipped without torch. Adding a kind: one entry in PARAMS (a strategy for its parameters) and,
if torch needs it, one in tests/torch_oracle.py's TORCH_KINDS.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

import lrplot  # noqa: E402
from lrplot import schedules  # noqa: E402
from lrplot.spec import SpecError  # noqa: E402
from torch_oracle import TORCH_KINDS, assert_lr_close, load_goldens, torch_lrs  # noqa: E402

MAX_STEPS = 3000
EXAMPLES = 300  # per kind

steps_st = st.one_of(st.integers(1, 20), st.integers(1, MAX_STEPS))
base_lr_st = st.one_of(st.sampled_from([0.1, 1.0, 3e-4]), st.floats(1e-6, 10.0))
gamma_st = st.one_of(
    st.sampled_from([0.1, 0.5, 0.9, 0.99, 0.99999, 1.0]),
    st.floats(0.0, 1.0, exclude_min=True),  # includes tiny and subnormal gammas
    st.floats(0.99, 1.0),
    st.floats(1.0, 2.0),  # growth, up to overflow to inf
)


_number = st.sampled_from(["0.5", "0.9", "0.95", "0.99", "0.999", "2", "10", "3.5", "100"])
expression_st = st.one_of(
    st.builds("{} ** epoch".format, st.sampled_from(["0.5", "0.9", "0.95", "0.99", "0.999"])),
    st.builds("min(1.0, (epoch + 1) / {})".format, _number),
    st.builds("1 / (epoch // {} + 1)".format, st.integers(1, 50)),
    st.builds("0.5 * (1 + cos(pi * epoch / {}))".format, st.integers(1, 500)),
    st.builds("{} if epoch < {} else {}".format, _number, st.integers(0, 100), _number),
    st.builds("exp(-epoch / {}) + sqrt(epoch) / {}".format, _number, _number),
)
"""Expressions of the step for lambda factors (lrplot.expr; the oracle evals the same text)."""

factor_expression_st = st.one_of(
    st.sampled_from(["0.95", "0.99", "1.0", "0.999", "1 - 1 / (epoch + 10)", "1 / epoch"]),
    st.builds("{} if epoch % {} == 0 else 1.0".format, st.sampled_from(["0.5", "0.9", "0.1"]),
              st.integers(1, 50)),
)


def _valid(kind: str, steps: int, params: dict[str, Any]) -> bool:
    """lrplot accepts these parameters for this many steps (its refusals are tested apart)."""
    from lrplot.spec import SpecError

    try:  # some failures (an expression dividing by zero at a hand-over) show when evaluated
        lrplot.schedule(kind, steps=steps, **params)
    except SpecError:
        return False
    return True


CHILD_KINDS = ["exponential", "step", "multistep", "cosine", "constant", "linear", "polynomial",
               "cosine-restarts", "lambda", "multiplicative", "cyclic", "onecycle"]


@st.composite
def _child(draw: Any, steps: int, base_lr: float, depth: int = 0) -> dict[str, Any]:
    kinds = CHILD_KINDS + (["sequential", "chained"] if depth == 0 else [])
    kind = draw(st.sampled_from(kinds))
    params = draw(PARAMS[kind](steps, base_lr)) if kind not in ("sequential", "chained") \
        else draw(_composite(kind, steps, base_lr, depth + 1))
    if kind == "onecycle":  # as a child it may run any number of steps up to the total
        params["total_steps"] = draw(st.integers(steps, steps + 50))
    return {"type": kind, **params}


@st.composite
def _composite(draw: Any, kind: str, steps: int, base_lr: float, depth: int = 0
               ) -> dict[str, Any]:
    """2-3 random children (a composite child only first, where torch can run it)."""
    count = draw(st.integers(2, 3))
    children = [draw(_child(steps, base_lr, depth))]
    for _ in range(count - 1):
        child = draw(_child(steps, base_lr, 1))
        children.append(child)
    if kind == "chained":
        return {"schedulers": children}
    milestones = sorted(draw(st.lists(st.integers(1, steps + 5), min_size=count - 1,
                                      max_size=count - 1)))
    return {"schedulers": children, "milestones": milestones}


def _eta_min(base_lr: float) -> st.SearchStrategy[float]:
    return st.one_of(st.just(0.0), st.just(base_lr), st.floats(0.0, base_lr),
                     st.floats(0.0, 10.0))  # eta_min > base_lr is allowed (inverted curve)


PARAMS: dict[str, Callable[[int, float], st.SearchStrategy[dict[str, Any]]]] = {
    "exponential": lambda steps, base_lr: st.fixed_dictionaries({"gamma": gamma_st}),
    "step": lambda steps, base_lr: st.fixed_dictionaries({
        "step_size": st.one_of(st.integers(1, 5), st.integers(1, steps + 10)),
        "gamma": gamma_st,
    }),
    "multistep": lambda steps, base_lr: st.fixed_dictionaries({
        # unsorted; duplicates (often, from the small range); 0; beyond the horizon
        "milestones": st.lists(st.one_of(st.integers(0, 5), st.integers(0, steps + 20)),
                               max_size=12),
        "gamma": gamma_st,
    }),
    "cosine": lambda steps, base_lr: st.fixed_dictionaries({
        "T_max": st.one_of(st.integers(1, 10), st.integers(1, steps + 10)),
        "eta_min": _eta_min(base_lr),
    }),
    "constant": lambda steps, base_lr: st.fixed_dictionaries({
        "factor": st.one_of(st.just(1.0 / 3), st.floats(0.0, 1.0, exclude_min=True)),
        "total_iters": st.one_of(st.integers(1, 10), st.integers(1, steps + 10)),
    }),
    "linear": lambda steps, base_lr: st.fixed_dictionaries({
        "start_factor": st.one_of(st.just(1.0 / 3), st.floats(0.0, 1.0, exclude_min=True)),
        "end_factor": st.one_of(st.just(1.0), st.just(0.0), st.floats(0.0, 1.0)),
        "total_iters": st.one_of(st.integers(1, 10), st.integers(1, steps + 10)),
    }),
    "polynomial": lambda steps, base_lr: st.fixed_dictionaries({
        "total_iters": st.one_of(st.integers(1, 10), st.integers(1, steps + 10)),
        "power": st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0.0, 5.0)),
    }),
    "cosine-restarts": lambda steps, base_lr: st.fixed_dictionaries({
        "T_0": st.one_of(st.integers(1, 10), st.integers(1, steps + 10)),
        "T_mult": st.integers(1, 4),
        "eta_min": _eta_min(base_lr),
    }),
    "lambda": lambda steps, base_lr: st.fixed_dictionaries({"lr_lambda": expression_st}),
    "multiplicative": lambda steps, base_lr: st.fixed_dictionaries({
        "lr_lambda": factor_expression_st}),
    "cyclic": lambda steps, base_lr: st.fixed_dictionaries({
        "max_lr": st.floats(1e-6, 10.0),
        "step_size_up": st.one_of(st.integers(1, 10), st.integers(1, steps + 10)),
        "step_size_down": st.one_of(st.none(), st.integers(0, 10), st.integers(0, steps + 10)),
        "mode": st.sampled_from(["triangular", "triangular2", "exp_range"]),
        "gamma": st.one_of(st.just(1.0), st.floats(0.9, 1.0)),
        "scale_fn": st.one_of(st.none(), st.sampled_from(
            ["1.0", "0.5 ** (x - 1)", "1 / (1 + x / 100)", "0.999 ** x", "1 / x"])),
        "scale_mode": st.sampled_from(["cycle", "iterations"]),
    }).filter(lambda p: not (p["scale_fn"] == "1 / x" and p["scale_mode"] == "iterations")),
    "onecycle": lambda steps, base_lr: st.fixed_dictionaries({
        "max_lr": st.floats(1e-6, 10.0),
        "total_steps": st.integers(max(1, steps - 1), steps + 50),
        "pct_start": st.one_of(st.sampled_from([0.0, 0.25, 0.3, 0.5, 1.0]), st.floats(0.0, 1.0)),
        "anneal_strategy": st.sampled_from(["cos", "linear"]),
        "div_factor": st.one_of(st.just(25.0), st.floats(1.0, 1e4)),
        "final_div_factor": st.one_of(st.just(1e4), st.floats(1.0, 1e5)),
        "three_phase": st.booleans(),
    }).filter(lambda p: _valid("onecycle", steps, p)),
    "plateau": lambda steps, base_lr: st.fixed_dictionaries({
        "mode": st.sampled_from(["min", "max"]),
        "factor": st.one_of(st.just(0.1), st.floats(0.0, 1.0, exclude_min=True,
                                                     exclude_max=True)),
        "patience": st.integers(0, 20),
        "threshold": st.one_of(st.just(1e-4), st.just(0.0), st.floats(0.0, 0.5)),
        "threshold_mode": st.sampled_from(["rel", "abs"]),
        "cooldown": st.integers(0, 10),
        "min_lr": st.one_of(st.just(0.0), st.floats(0.0, base_lr)),
        "eps": st.one_of(st.just(1e-8), st.floats(0.0, 1e-3)),
        "metric": st.builds("{} + {} * sin(epoch / {}) + {} / epoch".format,
                            st.sampled_from(["0.5", "-2", "10"]), st.sampled_from(["0.1", "1"]),
                            st.integers(1, 20), st.sampled_from(["0", "1", "-3"])),
    }),
    "sequential": lambda steps, base_lr: _composite("sequential", steps, base_lr).filter(
        lambda p: _valid("sequential", steps, p)),
    "chained": lambda steps, base_lr: _composite("chained", steps, base_lr).filter(
        lambda p: _valid("chained", steps, p)),
}
"""For each kind: (steps, base_lr) -> a strategy for valid parameters, within lrplot's bounds."""


def test_live_torch_is_2_13():
    assert torch.__version__.startswith("2.13."), torch.__version__


def test_every_torch_kind_has_a_strategy():
    torch_kinds = {k.name for k in schedules.all_kinds() if k.framework == "torch"}
    assert torch_kinds - set(PARAMS) == set(), "add a parameter strategy to PARAMS"
    assert set(PARAMS) <= set(TORCH_KINDS)


@pytest.mark.parametrize("kind", sorted(PARAMS))
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_parameters_match_torch(kind, data):
    steps = data.draw(steps_st, label="steps")
    base_lr = data.draw(base_lr_st, label="base_lr")
    params = data.draw(PARAMS[kind](steps, base_lr), label="params")
    try:
        expected = torch_lrs(kind, steps, base_lr, **params)
    except OverflowError:  # torch crashes (triangular2's 2.0 ** (cycle - 1)): lrplot refuses
        with pytest.raises(SpecError, match="overflow"):
            lrplot.schedule(kind, steps=steps, base_lr=base_lr, **params)
        return
    try:
        actual = lrplot.schedule(kind, steps=steps, base_lr=base_lr, **params)
    except SpecError as exc:
        # lrplot refuses a series that overflows to inf or NaN (lrplot.limits); torch computes
        # it silently. Refusing anything torch computes finitely would be a parity failure.
        assert not np.isfinite(expected).all(), f"refused what torch computes: {exc}"
        return
    assert actual.dtype == np.float64
    assert_lr_close(actual, expected,
                    context=f"{kind}(steps={steps}, base_lr={base_lr!r}, {params})")


LONG = 100_000

LONG_RUNS = [
    ("cosine", 0.1, {"T_max": 7, "eta_min": 0.0}),
    ("cosine", 0.1, {"T_max": 1000, "eta_min": 0.0}),
    ("cosine", 0.1, {"T_max": 100, "eta_min": 0.05}),
    ("cosine", 1.0, {"T_max": 1000, "eta_min": 0.05}),
    ("exponential", 0.1, {"gamma": 0.99999}),
    ("step", 0.1, {"step_size": 3, "gamma": 0.9999}),
]


@pytest.mark.parametrize("kind, base_lr, params", LONG_RUNS,
                         ids=[f"{k}-{p}" for k, _, p in LONG_RUNS])
def test_long_runs_match_torch(kind, base_lr, params):
    """100k steps: a closed form would drift ~5e-11 from torch's recursion here."""
    expected = torch_lrs(kind, LONG, base_lr, **params)
    actual = lrplot.schedule(kind, steps=LONG, base_lr=base_lr, **params)
    assert_lr_close(actual, expected, context=f"{kind}({params})")


def test_short_goldens_are_current():
    """The stored fixture still agrees with the installed torch (regenerate if not)."""
    for case in load_goldens()["cases"]:
        if case["indices"] is None:
            lr = torch_lrs(case["kind"], case["steps"], case["base_lr"], **case["params"])
            assert lr.tolist() == case["lr"], (
                f"{case['id']}: tests/golden/torch.json is stale; "
                "run python scripts/make_goldens.py")


def test_where_torch_overflows_lrplot_refuses():
    """The draw the random test can make: triangular2 over more than 1024 cycles."""
    params = {"max_lr": 1.0, "step_size_up": 1, "step_size_down": 0, "mode": "triangular2"}
    with pytest.raises(OverflowError):
        torch_lrs("cyclic", 1500, 0.1, **params)
    with pytest.raises(SpecError, match="overflow"):
        lrplot.schedule("cyclic", steps=1500, base_lr=0.1, **params)
