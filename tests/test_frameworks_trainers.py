"""torchtitan.wsd and nanogpt.cosine against the trainers' own code, live (the golden files
cover the same kinds without it): random cases over their parameters, tolerance 1e-12 relative
(both compute in Python floats; lrplot is bit for bit in practice)."""

from __future__ import annotations

import random

import numpy as np
import pytest

import lrplot
import trainers_oracle as oracle
from frameworks_oracle import RTOL_FLOAT64, assert_lr_close
from lrplot import compute, schedules


def _torchtitan_cases(count: int) -> list[dict]:
    rng = random.Random(17)
    cases = []
    for _ in range(count):
        total = rng.randint(1, 300)
        params = {"training_steps": total, "warmup_steps": rng.randint(0, total + 5),
                  "decay_type": rng.choice(["linear", "sqrt", "cosine"]),
                  "min_lr_factor": rng.choice([0.0, 0.1, rng.random()])}
        if rng.random() < 0.7:
            params["decay_ratio"] = rng.choice([0.1, 0.2, 0.5, 1.0, rng.random()])
        if rng.random() < 0.2:
            params["total_steps"] = rng.randint(total, total + 50)
        cases.append(params)
    return cases


@pytest.mark.parametrize("params", _torchtitan_cases(40))
def test_torchtitan_live(params):
    pytest.importorskip("torch")
    try:
        oracle.torchtitan_module()
    except ImportError:
        pytest.skip("torchtitan is not installed")
    steps = params["training_steps"]
    expected = oracle.torchtitan_lrs("torchtitan.wsd", steps, 3e-4, params)
    actual = lrplot.schedule("torchtitan.wsd", steps=steps, base_lr=3e-4, **params)
    assert_lr_close(actual, expected, rtol=RTOL_FLOAT64, context=str(params))


@pytest.mark.parametrize("params", _torchtitan_cases(40)[:25])
def test_torchtitan_2025_03_against_its_verbatim_lambda(params):
    pytest.importorskip("torch")
    params = {k: v for k, v in params.items() if k != "total_steps"}
    params["warmup_steps"] = min(params["warmup_steps"], params["training_steps"])
    params["formula"] = "2025-03"
    steps = params["training_steps"] + 1
    expected = oracle.torchtitan_lrs("torchtitan.wsd", steps, 3e-4, params)
    actual = lrplot.schedule("torchtitan.wsd", steps=steps, base_lr=3e-4, **params)
    np.testing.assert_array_equal(actual, expected)


@pytest.mark.parametrize("seed", range(30))
def test_nanogpt_against_verbatim_get_lr(seed):
    rng = random.Random(seed)
    params = {"warmup_iters": rng.randint(0, 200), "lr_decay_iters": rng.randint(0, 2000),
              "min_lr": rng.choice([0.0, 6e-5, rng.random() * 1e-4]),
              "decay_lr": rng.random() < 0.9}
    if params["decay_lr"] and params["warmup_iters"] == params["lr_decay_iters"]:
        params["lr_decay_iters"] += 1
    steps = rng.randint(1, 2500)
    base_lr = rng.choice([6e-4, 1e-3, rng.random()])
    expected = oracle.nanogpt_lrs("nanogpt.cosine", steps, base_lr, params)
    actual = lrplot.schedule("nanogpt.cosine", steps=steps, base_lr=base_lr, **params)
    np.testing.assert_array_equal(actual, expected)  # bit for bit


def test_defaults_are_the_sources():
    nanogpt = schedules.get("nanogpt.cosine").defaults()
    assert nanogpt == oracle.NANOGPT_DEFAULTS
    titan = schedules.get("torchtitan.wsd").defaults()
    assert titan == {"warmup_steps": 200, "total_steps": None, "decay_ratio": None,
                     "decay_type": "linear", "min_lr_factor": 0.0, "formula": "2025-06"}


def test_torchtitan_defaults_live():
    try:
        module = oracle.torchtitan_module()
    except ImportError:
        pytest.skip("torchtitan is not installed")
    config = module.LRSchedulersContainer.Config()
    titan = schedules.get("torchtitan.wsd").defaults()
    for name, value in titan.items():
        if name != "formula":  # lrplot's choice between torchtitan's two formulas
            assert getattr(config, name) == value, name


def test_refuses_steps_the_source_cannot_take():
    with pytest.raises(Exception, match="divides by zero"):
        lrplot.schedule("nanogpt.cosine", steps=20, warmup_iters=10, lr_decay_iters=10)
    with pytest.raises(Exception, match="no decay steps"):
        lrplot.schedule("torchtitan.wsd", steps=30, training_steps=20, warmup_steps=5,
                        decay_ratio=0.0)


CODE_CURVES = [
    {"type": "torchtitan.wsd", "training_steps": 120, "warmup_steps": 10, "decay_ratio": 0.3,
     "decay_type": "sqrt", "min_lr_factor": 0.1, "steps": 121},
    {"type": "torchtitan.wsd", "training_steps": 80, "warmup_steps": 0, "decay_type": "cosine",
     "steps": 81},
    {"type": "torchtitan.wsd", "training_steps": 50, "steps": 51},  # warm-up capped at 50
    {"type": "torchtitan.wsd", "training_steps": 100, "warmup_steps": 10, "decay_ratio": 0.2,
     "decay_type": "cosine", "formula": "2025-03", "steps": 101},
    {"type": "nanogpt.cosine", "warmup_iters": 20, "lr_decay_iters": 150, "min_lr": 1e-5,
     "steps": 201, "base_lr": 1e-3},
    {"type": "nanogpt.cosine", "decay_lr": False, "steps": 30},
]


@pytest.mark.parametrize("mapping", CODE_CURVES, ids=lambda m: m["type"])
def test_emitted_code_reproduces_the_series(mapping):
    """``lrplot code``: torchtitan's factor in torch's LambdaLR, nanoGPT's get_lr loop; run,
    they give lrplot's series bit for bit."""
    import warnings

    from lrplot import codegen

    if mapping["type"].startswith("torchtitan"):
        pytest.importorskip("torch")
    (curve,) = lrplot.load({"curves": [mapping]}).curves
    code = codegen.curve_code(curve)
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "<lrplot code>", "exec"), namespace)  # noqa: S102
    np.testing.assert_array_equal(np.array(namespace["lrs"]), compute.values(curve), err_msg=code)
