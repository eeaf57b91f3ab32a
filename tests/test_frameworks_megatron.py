"""megatron.param_scheduler against Megatron-core's OptimizerParamScheduler stepped live (random
valid parameters; the weight-decay series too), and its refusals. Skipped without megatron-core.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrplot
from lrplot import compute, schedules
from lrplot.problems import SpecError
from frameworks_oracle import RTOL_FLOAT64, assert_lr_close, megatron_series

PINNED = "0.16.1"
"""The megatron-core version of .ci/run and tests/golden/megatron.json."""

KIND = "megatron.param_scheduler"


@st.composite
def megatron_params(draw: Any) -> dict[str, Any]:
    increment = draw(st.sampled_from([1, 1, 8, 512]))
    decay_iters = draw(st.integers(1, 200))
    decay = decay_iters * increment
    if draw(st.booleans()):
        warm: float = draw(st.floats(0, 0.9)) * decay
    else:
        warm = draw(st.integers(0, decay_iters - 1)) * increment
    max_lr = draw(st.floats(1e-5, 1.0))
    start_wd = draw(st.floats(0, 0.1))
    style = draw(st.sampled_from(["constant", "linear", "cosine", "inverse-square-root", "WSD"]))
    wd_style = draw(st.sampled_from(["constant", "linear", "cosine"]))
    return {
        "increment": increment, "lr_decay_steps": decay, "lr_warmup_steps": warm,
        "max_lr": max_lr, "min_lr": draw(st.floats(0, 1)) * max_lr,
        "init_lr": draw(st.floats(0, 1)) * max_lr, "lr_decay_style": style,
        "wsd_decay_steps": draw(st.integers(0, decay_iters)) * increment
        if style == "WSD" else None,
        "lr_wsd_decay_style": draw(st.sampled_from(["linear", "cosine", "exponential",
                                                    "minus_sqrt"])),
        "start_wd": start_wd,
        "end_wd": start_wd if wd_style == "constant" else start_wd + draw(st.floats(0, 0.1)),
        "wd_incr_style": wd_style,
        "wd_incr_steps": draw(st.none() | st.integers(1, 300 * increment)),
    }


@pytest.fixture(scope="module", autouse=True)
def _megatron():
    core = pytest.importorskip("megatron.core")
    if core.__version__ != PINNED:
        pytest.skip(f"megatron-core {core.__version__} is not the pinned {PINNED}")


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(params=megatron_params(), steps=st.integers(1, 260))
def test_matches_megatron_live(params, steps):
    expected = megatron_series(KIND, steps, 0.01, params)
    lr = lrplot.schedule(KIND, steps=steps, base_lr=0.01, **params)
    assert_lr_close(lr, expected["lr"], rtol=RTOL_FLOAT64, context=str(params))
    kind = schedules.get(KIND)
    wd = compute.kernel_values(kind, steps, 0.01, {**kind.defaults(), **params},
                              series="weight_decay")
    assert_lr_close(wd, expected["weight_decay"], rtol=RTOL_FLOAT64, context=str(params))


@pytest.mark.parametrize("params,flag", [
    ({"lr_decay_steps": 10, "lr_warmup_steps": 10}, "lr_warmup_steps"),
    ({"lr_decay_steps": 10, "lr_decay_style": "WSD"}, "wsd_decay_steps"),
    ({"lr_decay_steps": 10, "max_lr": 0.1, "min_lr": 0.2}, "max_lr"),
    ({"lr_decay_steps": 10, "start_wd": 0.0, "end_wd": 0.1}, "wd_incr_style"),
    ({"lr_decay_steps": 0}, "lr_decay_steps"),
])
def test_refuses_what_megatron_asserts(params, flag):
    with pytest.raises(SpecError, match=flag):
        lrplot.schedule(KIND, steps=10, base_lr=0.1, **params)
