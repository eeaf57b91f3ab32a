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
    expected = torch_lrs(kind, steps, base_lr, **params)
    actual = lrplot.schedule(kind, steps=steps, base_lr=base_lr, **params)
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
