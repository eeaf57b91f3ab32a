"""ReduceLROnPlateau's block-wise kernel equals torch's step() replayed one step at a time.

The replay below is torch 2.13's algorithm as the reference sheet gives it (section 13), in
Python floats; the kernel finds improvements and reductions a block at a time
(lrplot.frameworks.pytorch.plateau). The live tests compare both with torch itself; these check the
corners the block-wise search has to get right: block boundaries, cooldowns running across
them, NaN, infinite and negative metrics, repeated values, thresholds above 1.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrplot.frameworks.pytorch import plateau as kernel


def replay(metrics: list[float], base_lr: float, mode: str, factor: float, patience: int,
           threshold: float, threshold_mode: str, cooldown: int, min_lr: float, eps: float
           ) -> list[float]:
    lr, best = base_lr, math.inf if mode == "min" else -math.inf
    num_bad = cooldown_counter = 0
    out = [lr]
    for current in metrics:
        if mode == "min" and threshold_mode == "rel":
            better = current < best * (1.0 - threshold)
        elif mode == "min":
            better = current < best - threshold
        elif threshold_mode == "rel":
            better = current > best * (threshold + 1.0)
        else:
            better = current > best + threshold
        if better:
            best, num_bad = current, 0
        else:
            num_bad += 1
        if cooldown_counter > 0:
            cooldown_counter -= 1
            num_bad = 0
        if num_bad > patience:
            old = float(lr)
            new = max(old * factor, min_lr)
            if old - new > eps:
                lr = new
            cooldown_counter, num_bad = cooldown, 0
        out.append(lr)
    return out


def run(metrics: list[float], chunk: int = kernel.CHUNK, **params) -> list[float]:
    path = params.pop("path")
    settings_ = dict(mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                     cooldown=0, min_lr=0.0, eps=1e-8)
    settings_.update(params)
    values = np.concatenate(list(kernel.plateau(
        len(metrics) + 1, 0.1, **settings_, metric=None, metric_file=str(path),
        metric_column="metric", chunk=chunk)))
    assert values.tolist() == replay(metrics, 0.1, **settings_), settings_
    return values.tolist()


def write(tmp_path, metrics: list[float]):
    path = tmp_path / "metric.csv"
    path.write_text("metric\n" + "".join(f"{v!r}\n" for v in metrics))
    return path


values_st = st.one_of(
    st.floats(-10, 10), st.sampled_from([0.0, -0.0, 1.0, math.nan, math.inf, -math.inf]),
    st.floats(0, 1e-3))


@st.composite
def metric_st(draw) -> list[float]:
    """Random walks that fall, rise and stall, with the odd NaN or infinity."""
    n = draw(st.integers(1, 400))
    start = draw(st.floats(-5, 5))
    scale = draw(st.sampled_from([1e-6, 1e-3, 0.1, 1.0]))
    drift = draw(st.sampled_from([-1.0, -0.3, 0.0, 0.3]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    walk = start + np.cumsum(scale * (drift + rng.standard_normal(n)))
    if draw(st.booleans()):
        walk = np.round(walk, draw(st.integers(0, 3)))  # stalls: repeated values
    if draw(st.booleans()):
        walk = np.abs(walk)  # a loss: never negative (the vectorized search's usual case)
    out = walk.tolist()
    for _ in range(draw(st.integers(0, 3))):
        out[draw(st.integers(0, n - 1))] = draw(values_st)
    return out


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(metrics=metric_st(), mode=st.sampled_from(["min", "max"]),
       threshold_mode=st.sampled_from(["rel", "abs"]),
       threshold=st.one_of(st.sampled_from([0.0, 1e-4, 0.01, 1.0, 1.5]), st.floats(0, 2)),
       patience=st.integers(0, 12), cooldown=st.integers(0, 15),
       factor=st.one_of(st.just(0.1), st.floats(0.0, 1.0, exclude_min=True, exclude_max=True)),
       min_lr=st.sampled_from([0.0, 1e-3]), eps=st.sampled_from([0.0, 1e-8, 1e-3]),
       block=st.sampled_from([1, 2, 3, 7, 64, kernel.BLOCK]), chunk=st.sampled_from([5, 1 << 20]))
def test_blocks_equal_the_step_by_step_replay(tmp_path, monkeypatch, metrics, mode,
                                              threshold_mode, threshold, patience, cooldown,
                                              factor, min_lr, eps, block, chunk):
    monkeypatch.setattr(kernel, "BLOCK", block)
    run(metrics, chunk, path=write(tmp_path, metrics), mode=mode,
        threshold_mode=threshold_mode, threshold=threshold, patience=patience,
        cooldown=cooldown, factor=factor, min_lr=min_lr, eps=eps)


@pytest.mark.parametrize("block", [3, 1000, kernel.BLOCK])
def test_a_long_falling_loss_settles_as_step_by_step(tmp_path, monkeypatch, block):
    """The benchmark's shape: improvements every step at first, then ever rarer, reductions
    once the gaps exceed the patience, until eps stops them."""
    monkeypatch.setattr(kernel, "BLOCK", block)
    metrics = [1 / (epoch + 1) for epoch in range(1, 150_001)]
    lr = run(metrics, path=write(tmp_path, metrics))
    assert len(set(lr)) == 8  # 0.1 and seven reductions


def test_cooldown_carries_across_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(kernel, "BLOCK", 4)
    metrics = [1.0] * 60  # never better again: a reduction every patience + 1 + cooldown steps
    lr = run(metrics, path=write(tmp_path, metrics), patience=2, cooldown=5, eps=0.0)
    drops = [t for t in range(1, len(lr)) if lr[t] != lr[t - 1]]
    assert drops == [4, 12, 20, 28, 36, 44, 52, 60]  # step 1 improves on inf


def test_the_metric_series_is_nan_then_the_metrics(tmp_path):
    metrics = [3.0, 2.0, 1.0]
    pieces = kernel.plateau(4, 0.1, "min", 0.1, 10, 1e-4, "rel", 0, 0.0, 1e-8, None,
                            str(write(tmp_path, metrics)), "metric", chunk=2, series="metric")
    values = np.concatenate(list(pieces))
    assert math.isnan(values[0]) and values[1:].tolist() == metrics
