"""timm.* kinds against timm's scheduler classes stepped live (random valid parameters, noise
included), and their refusals. timm is loaded without its package __init__ (which needs
torchvision): see frameworks_oracle.timm_scheduler_module. Skipped without timm or torch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrplot
from lrplot import schedules
from lrplot.spec import SpecError
from frameworks_oracle import RTOL_FLOAT64, assert_lr_close, timm_lrs

PINNED = "1.0.31"
"""The timm version of .ci/run and tests/golden/timm.json."""

TIMM_KINDS = sorted(k.name for k in schedules.all_kinds() if k.framework == "timm")

small_st = st.one_of(st.integers(0, 5), st.integers(0, 60))


@st.composite
def timm_params(draw: Any, kind: str) -> dict[str, Any]:
    name = kind.split(".", 1)[1]
    p: dict[str, Any] = {
        "warmup_t": draw(small_st), "warmup_lr_init": draw(st.sampled_from([0.0, 1e-4])
                                                            | st.floats(0, 0.2)),
        "warmup_prefix": draw(st.booleans()), "t_in_epochs": draw(st.booleans()),
        "updates_per_epoch": draw(st.sampled_from([1, 1, 3, 10])),
    }
    if draw(st.integers(0, 3)) == 0:
        lo = draw(st.integers(0, 80))
        p["noise_range_t"] = draw(st.sampled_from([[lo], [lo, lo + draw(st.integers(0, 80))]]))
        p["noise_pct"] = draw(st.sampled_from([0.67, 0.1]) | st.floats(0.01, 2.0))
        p["noise_std"] = draw(st.sampled_from([1.0, 0.5]) | st.floats(0, 2.0))
        p["noise_seed"] = draw(st.integers(0, 2 ** 33))
    if name in ("cosine", "tanh", "poly"):
        p.update({
            "t_initial": draw(st.integers(1, 80)),
            "lr_min": draw(st.sampled_from([0.0, 1e-5]) | st.floats(0, 0.05)),
            "cycle_mul": draw(st.sampled_from([1.0, 1.0, 2.0, 1.5]) | st.floats(1.0, 3.0)),
            "cycle_decay": draw(st.sampled_from([1.0, 0.5]) | st.floats(0, 1.5)),
            "cycle_limit": draw(st.integers(0, 6)),
        })
    if name in ("cosine", "poly"):
        p["k_decay"] = draw(st.sampled_from([1.0, 0.5, 2.0]) | st.floats(0.1, 3.0))
    if name == "poly":
        p["power"] = draw(st.sampled_from([0.5, 1.0, 2.0]) | st.floats(0, 3.0))
    if name == "tanh":
        lb = draw(st.floats(-10, 5))
        p.update({"lb": lb, "ub": lb + draw(st.floats(0.1, 10))})
    if name == "step":
        p.update({"decay_t": draw(st.integers(1, 40) | st.floats(0.5, 40)),
                  "decay_rate": draw(st.sampled_from([0.1, 0.5, 1.0]) | st.floats(0, 1.5))})
    if name == "multistep":
        p.update({"decay_t": sorted(draw(st.lists(st.integers(0, 100), max_size=6))),
                  "decay_rate": draw(st.sampled_from([0.1, 0.5]) | st.floats(0, 1.5))})
    return p


def _timm() -> None:
    pytest.importorskip("torch")
    try:
        from frameworks_oracle import timm_scheduler_module
        timm_scheduler_module("scheduler")
    except ImportError:
        pytest.skip("timm is not installed")


def test_timm_kinds_are_all_there():
    assert {schedules.get(k).framework_class for k in TIMM_KINDS} == {
        "CosineLRScheduler", "TanhLRScheduler", "PolyLRScheduler", "StepLRScheduler",
        "MultiStepLRScheduler"}


@pytest.mark.parametrize("kind", TIMM_KINDS)
def test_live_matches_timm(kind):
    _timm()

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data(), steps=st.integers(1, 300),
           base_lr=st.sampled_from([0.1, 1.0, 5e-4]) | st.floats(1e-5, 5.0))
    def check(data, steps, base_lr):
        params = data.draw(timm_params(kind))
        try:
            expected = timm_lrs(kind, steps, base_lr, params)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            # timm crashes (a complex power, a log of a negative number...): lrplot refuses
            with pytest.raises(ValueError):
                lrplot.schedule(kind, steps=steps, base_lr=base_lr, **params)
            return
        actual = lrplot.schedule(kind, steps=steps, base_lr=base_lr, **params)
        assert_lr_close(actual, expected, rtol=RTOL_FLOAT64, context=f"{kind} {params}")

    check()


def test_live_timm_is_pinned_version():
    _timm()
    from frameworks_oracle import timm_version

    assert timm_version() == PINNED


def test_multistep_is_a_step_ahead_of_torch():
    timm = lrplot.schedule("timm.multistep", steps=12, decay_t=[10], decay_rate=0.5)
    torch_like = lrplot.schedule("multistep", steps=12, milestones=[10], gamma=0.5)
    assert timm[9] == 0.05 and torch_like[9] == 0.1 and torch_like[10] == 0.05


def test_t_in_epochs_holds_the_lr_within_an_epoch():
    lr = lrplot.schedule("timm.cosine", steps=40, t_initial=4, updates_per_epoch=10)
    assert len(set(lr[:10])) == 1 and len(set(lr[10:20])) == 1 and lr[10] < lr[9]


REFUSALS = [
    ("timm.cosine", {"t_initial": 0}, "t_initial"),
    ("timm.cosine", {"t_initial": 10, "cycle_mul": 0.5}, "cycle_mul"),
    ("timm.cosine", {"t_initial": 10, "lr_min": -1.0}, "lr_min"),
    ("timm.cosine", {"t_initial": 10, "noise_range_t": [1, 2, 3]}, "noise_range_t"),
    ("timm.cosine", {"t_initial": 10, "noise_range_t": [1], "noise_pct": 0.0}, "noise_pct"),
    ("timm.cosine", {"t_initial": 10, "updates_per_epoch": 0}, "updates_per_epoch"),
    ("timm.tanh", {"t_initial": 10, "lb": 3.0, "ub": 3.0}, "ub"),
    ("timm.step", {"decay_t": 0}, "decay_t"),
    ("timm.multistep", {"decay_t": [20, 10]}, "decay_t"),
    ("timm.poly", {"t_initial": 10, "k_decay": 0.0}, "k_decay"),
]


@pytest.mark.parametrize("kind,params,culprit", REFUSALS)
def test_refused(kind, params, culprit):
    with pytest.raises(SpecError) as info:
        lrplot.schedule(kind, steps=20, **params)
    assert culprit in str(info.value)


def test_noise_without_torch_matches_recorded_draws():
    """torch.randn(1) after manual_seed(42 + t), recorded from torch 2.13 (first draw)."""
    from lrplot.frameworks.timm.kernels import _randn_float32

    assert _randn_float32(42, 1)[0] == pytest.approx(0.33669036626815796, abs=0)
    np.testing.assert_array_equal(_randn_float32(0, 2)[:1], [1.5409960746765137])
