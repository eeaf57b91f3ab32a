"""deepspeed.* kinds against DeepSpeed's ``deepspeed.runtime.lr_schedules`` classes stepped live
(random valid parameters; OneCycle's beta1 too), and their refusals. Skipped without deepspeed.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrplot
from lrplot import compute, schedules
from lrplot.problems import SpecError
from frameworks_oracle import RTOL_FLOAT64, assert_lr_close, deepspeed_series

PINNED = "0.19.8"
"""The DeepSpeed version of .ci/run and tests/golden/deepspeed.json."""

KINDS = sorted(k.name for k in schedules.all_kinds() if k.framework == "deepspeed")

lr_st = st.sampled_from([0.0, 1e-4, 0.001]) | st.floats(0, 0.5)


@st.composite
def ds_params(draw: Any, kind: str) -> dict[str, Any]:
    name = kind.split(".", 1)[1]
    warm = {"warmup_num_steps": draw(st.integers(1, 80)),
            "warmup_type": draw(st.sampled_from(["log", "linear"]))}
    if name in ("warmup", "warmup_decay"):
        p = {**warm, "warmup_min_lr": draw(lr_st),
             "warmup_max_lr": draw(st.none() | lr_st) if name == "warmup" else draw(lr_st)}
        if name == "warmup_decay":
            p["total_num_steps"] = draw(st.integers(0, 200))
        return p
    if name == "warmup_cosine":
        return {**warm, "total_num_steps": draw(st.integers(0, 200)),
                "warmup_min_ratio": draw(st.floats(0, 1)),
                "cos_min_ratio": draw(st.sampled_from([0.0001, 0.0]) | st.floats(0, 1))}
    if name == "one_cycle":
        low = draw(lr_st)
        return {"cycle_min_lr": low, "cycle_max_lr": low + draw(lr_st),
                "cycle_first_step_size": draw(st.integers(1, 60)),
                "cycle_second_step_size": draw(st.none() | st.integers(0, 60)),
                "cycle_first_stair_count": draw(st.integers(0, 6)),
                "cycle_second_stair_count": draw(st.none() | st.integers(0, 6)),
                "decay_step_size": draw(st.integers(0, 30)),
                "decay_lr_rate": draw(st.sampled_from([0.0, 0.5]) | st.floats(0, 3)),
                "decay_mom_rate": draw(st.sampled_from([0.0, 0.01]) | st.floats(0, 0.1)),
                "cycle_momentum": draw(st.booleans()),
                "cycle_min_mom": draw(st.floats(0, 0.9)), "cycle_max_mom": 0.95}
    return {"lr_range_test_min_lr": draw(lr_st),
            "lr_range_test_step_size": draw(st.integers(1, 100)),
            "lr_range_test_step_rate": draw(st.floats(0, 10)),
            "lr_range_test_staircase": draw(st.booleans())}


@pytest.fixture(scope="module", autouse=True)
def _deepspeed():
    pytest.importorskip("torch")
    deepspeed = pytest.importorskip("deepspeed")
    if deepspeed.__version__ != PINNED:
        pytest.skip(f"deepspeed {deepspeed.__version__} is not the pinned {PINNED}")


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_matches_deepspeed_live(kind, data):
    params = data.draw(ds_params(kind))
    steps = data.draw(st.integers(1, 300))
    expected = deepspeed_series(kind, steps, 0.01, params)
    lr = lrplot.schedule(kind, steps=steps, base_lr=0.01, **params)
    assert_lr_close(lr, expected["lr"], rtol=RTOL_FLOAT64, context=f"{kind} {params}")
    if "momentum" in expected:
        k = schedules.get(kind)
        momentum = compute.kernel_values(k, steps, 0.01, {**k.defaults(), **params},
                                          series="momentum")
        assert_lr_close(momentum, expected["momentum"], rtol=RTOL_FLOAT64,
                        context=f"{kind} {params} momentum")


def test_log_warmup_first_two_lrs_are_the_minimum():
    lr = lrplot.schedule("ds.WarmupLR", steps=5, base_lr=0.1, warmup_num_steps=10)
    assert lr[0] == lr[1] == 0.0 and lr[2] > 0


@pytest.mark.parametrize("kind,params,flag", [
    ("deepspeed.warmup", {"warmup_num_steps": 0}, "warmup_num_steps"),
    ("deepspeed.warmup", {"warmup_type": "cosine"}, "warmup_type"),
    ("deepspeed.one_cycle", {"cycle_min_lr": 0.1, "cycle_max_lr": 0.01}, "cycle_max_lr"),
    ("deepspeed.one_cycle", {"cycle_min_lr": 0.1, "cycle_max_lr": 1,
                             "cycle_first_step_size": 0}, "cycle_first_step_size"),
])
def test_refuses_what_deepspeed_raises_on(kind, params, flag):
    with pytest.raises(SpecError, match=flag):
        lrplot.schedule(kind, steps=10, base_lr=0.1, **params)
