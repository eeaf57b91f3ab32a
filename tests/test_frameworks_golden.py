"""lrplot against lr series recorded from the real transformers, timm, Keras and Optax
(tests/golden/<framework>.json, made by scripts/make_goldens_frameworks.py). Needs none of them.

Tolerance: 1e-12 relative where the framework computes in Python floats (transformers, timm),
1e-6 where it computes in float32 (Keras, Optax on jax defaults): lrplot computes in float64,
and the framework's own rounding is the difference.
"""

from __future__ import annotations

import pytest

import lrplot
from lrplot import compute, schedules
from frameworks_oracle import (RTOL_FLOAT32, RTOL_FLOAT64, assert_lr_close, golden_path,
                               load_goldens)

FRAMEWORKS = {"transformers": RTOL_FLOAT64, "timm": RTOL_FLOAT64, "keras": RTOL_FLOAT32,
              "optax": RTOL_FLOAT32, "deepspeed": RTOL_FLOAT64,
              "megatron": RTOL_FLOAT64, "torchtitan": RTOL_FLOAT64, "nanogpt": RTOL_FLOAT64,
              "mmengine": RTOL_FLOAT64, "nemo": RTOL_FLOAT64, "detectron2": RTOL_FLOAT64,
              "ultralytics": RTOL_FLOAT64}
"""framework -> the tolerance of its golden comparison."""

PRESENT = [f for f in FRAMEWORKS if golden_path(f).exists()]
CASES = [(f, c) for f in PRESENT for c in load_goldens(f)["cases"]]


def test_goldens_exist_for_every_framework_with_kinds():
    with_kinds = {k.framework for k in schedules.all_kinds()} - {"torch"}
    assert with_kinds - set(PRESENT) == set()


@pytest.mark.parametrize("framework", PRESENT)
def test_every_kind_has_goldens(framework):
    covered = {c["kind"] for c in load_goldens(framework)["cases"]}
    kinds = {k.name for k in schedules.all_kinds() if k.framework == framework}
    assert kinds - covered == set(), "add cases to scripts/make_goldens_frameworks.py"


@pytest.mark.parametrize("framework", PRESENT)
def test_goldens_record_their_versions(framework):
    versions = load_goldens(framework)["versions"]
    assert versions.get(framework), versions


@pytest.mark.parametrize("framework,case", CASES, ids=[c["id"] for _, c in CASES])
def test_matches_framework(framework, case):
    lr = lrplot.schedule(case["kind"], steps=case["steps"], base_lr=case["base_lr"],
                         **case["params"])
    assert lr.shape == (case["steps"],)
    indices = case["indices"]
    actual = lr if indices is None else lr[indices]
    assert_lr_close(actual, case["lr"], rtol=FRAMEWORKS[framework], indices=indices,
                    context=case["id"])


SERIES_CASES = [(f, c, name) for f, c in CASES for name in ("momentum", "weight_decay")
                if name in c]


@pytest.mark.parametrize("framework,case,series", SERIES_CASES,
                         ids=[f"{c['id']}:{s}" for _, c, s in SERIES_CASES])
def test_other_series_match_framework(framework, case, series):
    """The other series a framework sets (DeepSpeed OneCycle's beta1) match it too."""
    kind = schedules.get(case["kind"])
    params = {**kind.defaults(), **case["params"]}
    values = compute.kernel_values(kind, case["steps"], case["base_lr"], params, series=series)
    indices = case["indices"]
    actual = values if indices is None else values[indices]
    assert_lr_close(actual, case[series], rtol=FRAMEWORKS[framework], indices=indices,
                    context=f"{case['id']} {series}")
