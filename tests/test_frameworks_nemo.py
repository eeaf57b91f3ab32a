"""nemo.* kinds against NeMo's own schedulers (nemo/core/optim/lr_scheduler.py, loaded alone by
tests/frameworks_oracle.py) stepped live on random valid parameters, and their refusals.
Skipped without nemo_toolkit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrplot
from lrplot import schedules
from lrplot.compute import kernel_chunks
from lrplot.problems import SpecError
from frameworks_oracle import NEMO_PINNED, RTOL_FLOAT64, assert_lr_close, nemo_lrs

KINDS = [k.name for k in schedules.all_kinds() if k.framework == "nemo"]
HOLD = {"nemo.warmup_hold_policy", "nemo.noam_hold_annealing",
        "nemo.polynomial_hold_decay_annealing", "nemo.warmup_hold_anneal_one_minus_square_root",
        "nemo.warmup_hold_anneal_linear"}


@pytest.fixture(scope="module", autouse=True)
def _nemo():
    pytest.importorskip("torch")
    from frameworks_oracle import nemo_lr_scheduler, nemo_version

    try:
        nemo_lr_scheduler()
    except ImportError as exc:
        pytest.skip(f"NeMo's lr_scheduler module cannot be loaded: {exc}")
    if nemo_version() != NEMO_PINNED:
        pytest.skip(f"nemo_toolkit {nemo_version()} is not the pinned {NEMO_PINNED}")


def _count_or_ratio(draw: Any, steps_key: str, ratio_key: str, top: int) -> dict[str, Any]:
    choice = draw(st.sampled_from(["none", "steps", "steps", "ratio"]))
    if choice == "steps":
        return {steps_key: draw(st.integers(0, top))}
    if choice == "ratio":
        return {ratio_key: draw(st.floats(0, 0.6))}
    return {}


@st.composite
def nemo_case(draw: Any) -> tuple[str, dict[str, Any], float]:
    kind = draw(st.sampled_from(KINDS))
    max_steps = draw(st.integers(1, 300))
    base_lr = draw(st.floats(1e-4, 2.0))
    p: dict[str, Any] = {"max_steps": max_steps}
    if kind != "nemo.t5_inverse_square_root_annealing":
        p.update(_count_or_ratio(draw, "warmup_steps", "warmup_ratio", max_steps // 2))
    if kind in HOLD:
        p.update(_count_or_ratio(draw, "hold_steps", "hold_ratio", max_steps // 2))
    if kind == "nemo.cosine_annealing":
        p.update(_count_or_ratio(draw, "constant_steps", "constant_ratio", max_steps // 2))
    if kind == "nemo.t5_inverse_square_root_annealing":
        p["constant_steps"] = draw(st.integers(1, max_steps))
    if kind == "nemo.noam_annealing":
        p["d_model"] = draw(st.sampled_from([1, 144, 176, 256, 512]))
        if draw(st.booleans()):
            p.pop("max_steps")
            p.pop("warmup_ratio", None)
    if kind == "nemo.noam_hold_annealing":
        p.setdefault("warmup_steps", draw(st.integers(1, max_steps)))
        p.pop("warmup_ratio", None)
        p["decay_rate"] = draw(st.sampled_from([0.5, 1.0, 0.75, 2.0]))
    if kind.startswith("nemo.polynomial"):
        p["power"] = draw(st.sampled_from([1.0, 2.0, 0.5, 0.0, 1.7]))
        p["cycle"] = draw(st.booleans())
    floor = draw(st.sampled_from([0.0, 0.0, 1e-5, 0.3]))
    p["min_lr"] = floor * base_lr
    if draw(st.integers(0, 5)) == 0:
        p["last_epoch"] = draw(st.integers(0, max_steps))
    return kind, p, base_lr


def _nemo_or_error(kind: str, steps: int, base_lr: float, p: dict) -> Any:
    try:
        return nemo_lrs(kind, steps, base_lr, p)
    except (ZeroDivisionError, ValueError, AssertionError, TypeError) as exc:
        return exc


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=nemo_case(), steps=st.integers(1, 360))
def test_matches_nemo_live(case, steps):
    """Every kind, bit for bit where NeMo runs; where NeMo raises on the way, lrplot refuses."""
    kind, p, base_lr = case
    expected = _nemo_or_error(kind, steps, base_lr, p)
    if isinstance(expected, Exception):
        with pytest.raises(SpecError):
            lrplot.schedule(kind, steps=steps, base_lr=base_lr, **p)
        return
    lr = lrplot.schedule(kind, steps=steps, base_lr=base_lr, **p)
    assert_lr_close(lr, expected, rtol=RTOL_FLOAT64, context=f"{kind} {p} base_lr={base_lr}")


@pytest.mark.parametrize("kind,params,flag", [
    ("nemo.cosine_annealing", {"max_steps": 10, "warmup_steps": 2, "warmup_ratio": 0.1},
     "warmup_ratio"),
    ("nemo.warmup_hold_policy", {"max_steps": 10, "hold_steps": 2, "hold_ratio": 0.1},
     "hold_ratio"),
    ("nemo.warmup_policy", {"warmup_ratio": 0.1}, "warmup_ratio"),
    ("nemo.cosine_annealing", {"max_steps": 10, "constant_steps": 2, "constant_ratio": 0.1},
     "constant_ratio"),
    ("nemo.t5_inverse_square_root_annealing", {"max_steps": 10, "constant_ratio": 0.1},
     "constant_steps"),
    ("nemo.t5_inverse_square_root_annealing", {"max_steps": 10, "constant_steps": 0},
     "constant_steps"),
    ("nemo.noam_annealing", {"d_model": 0}, "d_model"),
    ("nemo.cosine_annealing", {}, "max_steps"),
])
def test_refuses_what_nemo_asserts(kind, params, flag):
    with pytest.raises(SpecError, match=flag):
        lrplot.schedule(kind, steps=10, base_lr=0.1, **params)


@pytest.mark.parametrize("kind,params,message", [
    ("nemo.cosine_annealing", {"max_steps": 10, "min_lr": 0.5}, "ValueError"),
    ("nemo.cosine_annealing", {"max_steps": 10, "constant_steps": 2, "min_lr": 0.1},
     "AssertionError"),
    ("nemo.noam_hold_annealing", {"max_steps": 10}, "without warmup steps"),
    ("nemo.warmup_annealing", {"max_steps": 0}, "ZeroDivisionError at step 0"),
    ("nemo.warmup_hold_policy", {"warmup_steps": 2}, "give max_steps"),
    ("nemo.polynomial_decay_annealing", {"max_steps": 5, "power": -1.0}, r"math.pow\(0.0"),
])
def test_refuses_where_nemo_raises_on_the_way(kind, params, message):
    """Refused with the step and NeMo's exception, as the real class raises there."""
    with pytest.raises(SpecError, match=message):
        lrplot.schedule(kind, steps=12, base_lr=0.1, **params)


FLOORED = [(k.name, p) for k in schedules.all_kinds() if k.framework == "nemo" and k.floor
           for p in ({"max_steps": 120, "warmup_steps": 10, "min_lr": 0.0},
                     {"max_steps": 120, "warmup_ratio": 0.1, "min_lr": 0.003, "last_epoch": 7})]


@pytest.mark.parametrize("kind,params", FLOORED)
def test_the_floor_hook_names_the_step_where_min_lr_is_reached(kind, params):
    """lint's floor-not-reached trusts it: lr[length] is min_lr, lr[length - 1] is above."""
    k = schedules.get(kind)
    full = {**k.defaults(), **{p: v for p, v in params.items() if k.param(p)}}
    if kind == "nemo.cosine_annealing":
        full["constant_steps"] = 30
    floor = k.floor(full)
    if floor is None:  # max(lr, min_lr): min_lr may come before max_steps
        assert full["min_lr"] > 0
        return
    length = floor[1]
    lr = lrplot.schedule(kind, steps=length + 1, base_lr=0.1, **{
        p: v for p, v in full.items() if v is not None})
    assert lr[length] == pytest.approx(full["min_lr"], rel=1e-12, abs=1e-18)
    assert lr[length - 1] > lr[length]


@pytest.mark.parametrize("kind", KINDS)
def test_chunks_and_blocks_change_nothing(kind):
    """The kernels fill phases slice by slice, block by block: tiny chunks give the same bits
    as one piece, resumed or not (every phase boundary falls inside some chunk)."""
    k = schedules.get(kind)
    params = {**k.defaults(), "max_steps": 90, "min_lr": 0.001}
    extra = {"warmup_steps": 7, "hold_steps": 20, "constant_steps": 11, "d_model": 64}
    params.update({p: v for p, v in extra.items() if k.param(p)})
    for last_epoch in (-1, 4):
        params["last_epoch"] = last_epoch
        whole = np.concatenate(list(kernel_chunks(k, 120, 0.1, params)))
        pieces = np.concatenate(list(kernel_chunks(k, 120, 0.1, params, chunk=7)))
        assert whole.tobytes() == pieces.tobytes()


@pytest.mark.parametrize("kind,params,expected", [
    ("nemo.cosine_annealing", {"max_steps": 1000, "warmup_steps": 100, "constant_steps": 300},
     [(100, "warm-up end 100"), (700, "constant min_lr from 700"), (1000, "max_steps 1000")]),
    ("nemo.polynomial_hold_decay_annealing", {"max_steps": 1000, "warmup_ratio": 0.05,
                                              "hold_ratio": 0.45},
     [(50, "warm-up end 50"), (500, "hold end 500"), (1000, "max_steps 1000")]),
    ("nemo.t5_inverse_square_root_annealing", {"max_steps": 1000, "constant_steps": 100},
     [(100, "constant end 100"), (1000, "max_steps 1000")]),
    ("nemo.warmup_annealing", {"max_steps": 1000, "warmup_steps": 100, "last_epoch": 49},
     [(50, "warm-up end 100"), (950, "max_steps 1000")]),
])
def test_events_mark_the_phases_in_the_series_steps(kind, params, expected):
    schedule = {"type": kind, **schedules.get(kind).defaults(), **params}
    assert schedules.events_of(schedule, 2000) == expected
