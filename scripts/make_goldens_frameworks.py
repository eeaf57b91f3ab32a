"""Generate tests/golden/<framework>.json: lr series computed by the real transformers, timm,
Keras and Optax, for the golden parity tests (tests/test_frameworks_*.py).

From the repository root, with the framework installed in the running Python:

    python scripts/make_goldens_frameworks.py transformers      # the dev venv (torch + transformers)
    KERAS_BACKEND=torch python scripts/make_goldens_frameworks.py keras
    python scripts/make_goldens_frameworks.py timm    # timm installed with --no-deps (no torchvision)
    python scripts/make_goldens_frameworks.py deepspeed   # deepspeed 0.19.8 (CPU accelerator)
    python scripts/make_goldens_frameworks.py megatron    # megatron-core 0.16.1
    python scripts/make_goldens_frameworks.py torchtitan  # torchtitan==0.3.0 with --no-deps
    python scripts/make_goldens_frameworks.py nanogpt     # a verbatim copy of get_lr
    python scripts/make_goldens_frameworks.py mmengine    # mmengine 0.10.7 (--no-deps)
    python scripts/make_goldens_frameworks.py detectron2  # fvcore 0.1.5.post20221221 + torch,
        # detectron2's scheduler code ported in tests/detectron2_port.py (commit recorded)
    python scripts/make_goldens_frameworks.py ultralytics # 8.4.190 --no-deps; YOLOv5 ported
    python scripts/make_goldens_frameworks.py nemo    # nemo_toolkit==3.0.0 --no-deps (its
        # lr_scheduler module loaded alone: tests/frameworks_oracle.py nemo_lr_scheduler)
    /tmp/optax-venv/bin/python scripts/make_goldens_frameworks.py optax   # a throwaway venv:
        # python3 -m venv /tmp/optax-venv && /tmp/optax-venv/bin/pip install optax jax numpy

The oracles live in tests/frameworks_oracle.py (the live parity tests use the same ones) and
need neither lrplot nor torch at import time, so the Optax goldens come from a venv with only
jax, optax and numpy. Each file records the library versions it came from. Cases give only the
parameters a user would set, so the framework's own defaults are checked too. Runs longer than
FULL_LIMIT steps store a subsample (a prime stride plus the first and last steps and each
case's ``extra`` steps) with the step indices; floats are written with ``repr`` (exact).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import frameworks_oracle as oracle  # noqa: E402
import detectron2_port  # noqa: E402
import mmengine_oracle as mmengine  # noqa: E402
import trainers_oracle as trainers  # noqa: E402
import ultralytics_oracle as ultralytics  # noqa: E402
from torch_oracle import subsample  # noqa: E402

FULL_LIMIT = 400
SAMPLES = 250
EDGE = 4
LONG = 20_000


def case(kind: str, steps: int, base_lr: float = 0.1, extra: tuple[int, ...] = (),
         **params: Any) -> dict:
    return {"kind": kind, "steps": steps, "base_lr": base_lr, "params": params, "extra": extra}


def around(*steps: int) -> tuple[int, ...]:
    return tuple(t + d for t in steps for d in (-1, 0, 1))


W, T = "num_warmup_steps", "num_training_steps"


def hf_cases() -> list[dict]:
    def wt(w: int, t: int) -> dict:
        return {W: w, T: t}

    return [
        case("hf.constant", 20),
        case("hf.constant", 20, base_lr=3e-4),
        case("hf.constant_with_warmup", 60, **{W: 10}),
        case("hf.constant_with_warmup", 20, **{W: 0}),
        case("hf.constant_with_warmup", 30, base_lr=5e-5, **{W: 1}),
        case("hf.linear", 130, **wt(10, 100)),
        case("hf.linear", 30, **wt(0, 20)),
        case("hf.linear", 30, **wt(10, 10)),  # no decay phase
        case("hf.linear", 30, **wt(20, 10)),  # training shorter than warmup
        case("hf.linear", LONG, base_lr=2e-5, extra=around(500), **wt(500, 15_000)),
        case("hf.cosine", 130, **wt(10, 100)),  # rises again after num_training_steps
        case("hf.cosine", 130, **wt(0, 100), num_cycles=2.0),
        case("hf.cosine", 130, base_lr=1e-3, **wt(7, 93), num_cycles=0.3),
        case("hf.cosine", 40, **wt(10, 10)),
        case("hf.cosine", LONG, base_lr=3e-4, extra=around(1000, 19_000), **wt(1000, 19_000)),
        case("hf.cosine_with_restarts", 130, **wt(10, 100)),
        case("hf.cosine_with_restarts", 130, **wt(10, 100), num_cycles=3),
        case("hf.cosine_with_restarts", 130, **wt(0, 100), num_cycles=2.5),
        case("hf.cosine_with_restarts", LONG, extra=around(5000, 10_000, 15_000),
             **wt(100, 19_900), num_cycles=4),
        case("hf.polynomial", 130, **wt(10, 100)),  # lr_end 1e-7, power 1
        case("hf.polynomial", 130, **wt(10, 100), lr_end=1e-3, power=2.0),
        case("hf.polynomial", 130, base_lr=1.5, **wt(0, 100), lr_end=0.0, power=0.5),
        case("hf.polynomial", 40, **wt(20, 10), lr_end=0.01),  # training shorter than warmup
        case("hf.polynomial", LONG, base_lr=5e-4, **wt(300, 18_000), lr_end=1e-6, power=3.0),
        case("hf.inverse_sqrt", 200, **{W: 10}),
        case("hf.inverse_sqrt", 200, **{W: 0}),  # timescale 10000
        case("hf.inverse_sqrt", 200, **{W: 10}, timescale=37),
        case("hf.inverse_sqrt", LONG, base_lr=1e-3, **{W: 4000}),
        case("hf.cosine_with_min_lr", 130, **wt(10, 100), min_lr=1e-3),
        case("hf.cosine_with_min_lr", 130, **wt(10, 100), min_lr_rate=0.1),
        case("hf.cosine_with_min_lr", 130, base_lr=3e-4, **wt(0, 100), num_cycles=1.0,
             min_lr_rate=0.05),
        case("hf.cosine_with_min_lr", LONG, base_lr=3e-4, **wt(2000, 18_000), min_lr=3e-5),
        case("hf.cosine_warmup_with_min_lr", 130, **wt(10, 100), min_lr_rate=0.1),
        case("hf.cosine_warmup_with_min_lr", 130, **wt(10, 100), min_lr=1e-3,
             warmup_lr_rate=0.05),
        case("hf.cosine_warmup_with_min_lr", 130, **wt(1, 100), min_lr_rate=0.0),
        case("hf.cosine_warmup_with_min_lr", 130, **wt(0, 100), min_lr_rate=0.2,
             warmup_lr_rate=0.5),
        case("hf.cosine_warmup_with_min_lr", LONG, base_lr=1e-4, **wt(500, 19_000),
             min_lr_rate=0.1),
        *wsd_cases(),
    ]


def wsd_cases() -> list[dict]:
    wsd = "hf.warmup_stable_decay"
    cases = []
    for warmup_type in ("linear", "cosine", "1-sqrt"):
        for decay_type in ("linear", "cosine", "1-sqrt"):
            cases.append(case(wsd, 130, **{W: 10, T: 100}, num_decay_steps=30,
                              warmup_type=warmup_type, decay_type=decay_type))
            cases.append(case(wsd, 130, base_lr=3e-4, **{W: 10}, num_stable_steps=50,
                              num_decay_steps=40, warmup_type=warmup_type,
                              decay_type=decay_type, min_lr_ratio=0.1))
    return cases + [
        case(wsd, 130, **{W: 10, T: 100}, num_decay_steps=30),  # defaults: linear, cosine
        case(wsd, 130, **{W: 10, T: 100}, num_stable_steps=20, num_decay_steps=30),  # both
        case(wsd, 130, **{W: 10, T: 100}, num_decay_steps=30, num_cycles=1.0),
        case(wsd, 60, **{W: 0, T: 50}, num_decay_steps=50, decay_type="linear"),
        case(wsd, 60, **{W: 10, T: 40}, num_decay_steps=0),
        case(wsd, LONG, base_lr=1e-3, extra=around(1000, 16_000), **{W: 1000, T: 19_000},
             num_decay_steps=3000, warmup_type="cosine", decay_type="1-sqrt",
             min_lr_ratio=0.01),
    ]


def keras_cases() -> list[dict]:
    k = "keras."
    return [
        case(k + "exponential_decay", 120, decay_steps=10, decay_rate=0.9),
        case(k + "exponential_decay", 120, decay_steps=7, decay_rate=0.5, staircase=True),
        case(k + "exponential_decay", 120, base_lr=3e-4, decay_steps=2.5, decay_rate=0.96),
        case(k + "exponential_decay", 60, decay_steps=10, decay_rate=1.5),
        case(k + "exponential_decay", LONG, base_lr=1.0, decay_steps=1000, decay_rate=0.96,
             staircase=True, extra=around(1000, 10_000)),
        case(k + "piecewise_constant_decay", 60, boundaries=[10, 25], values=[0.1, 0.05, 0.001]),
        case(k + "piecewise_constant_decay", 30, boundaries=[0], values=[1.0, 0.3]),
        case(k + "piecewise_constant_decay", LONG, boundaries=[5000, 10_000, 15_000],
             values=[0.1, 0.01, 0.001, 0.0001], extra=around(5000, 10_000, 15_000)),
        case(k + "polynomial_decay", 80, decay_steps=50),
        case(k + "polynomial_decay", 80, decay_steps=50, end_learning_rate=0.0, power=2.0),
        case(k + "polynomial_decay", 200, decay_steps=30, power=0.5, cycle=True,
             end_learning_rate=0.01),
        case(k + "polynomial_decay", 100, initial_learning_rate=0.0, decay_steps=40,
             end_learning_rate=0.1, power=3.0),
        case(k + "polynomial_decay", LONG, base_lr=1e-3, decay_steps=7000, cycle=True,
             power=1.5, extra=around(7000, 14_000)),
        case(k + "inverse_time_decay", 100, decay_steps=10, decay_rate=0.5),
        case(k + "inverse_time_decay", 100, decay_steps=10, decay_rate=0.5, staircase=True),
        case(k + "inverse_time_decay", LONG, base_lr=1.0, decay_steps=1.0, decay_rate=0.5),
        case(k + "cosine_decay", 130, decay_steps=100),
        case(k + "cosine_decay", 130, decay_steps=100, alpha=0.1),
        case(k + "cosine_decay", 130, initial_learning_rate=0.0, decay_steps=90,
             warmup_target=0.1, warmup_steps=10),
        case(k + "cosine_decay", 130, decay_steps=90, warmup_target=0.5, warmup_steps=10,
             alpha=0.2),
        case(k + "cosine_decay", 30, decay_steps=10, warmup_target=0.5),  # warmup_steps 0
        case(k + "cosine_decay", LONG, initial_learning_rate=0.0, decay_steps=18_000,
             warmup_target=3e-4, warmup_steps=1000, extra=around(1000, 19_000)),
        case(k + "cosine_decay_restarts", 200, first_decay_steps=10),
        case(k + "cosine_decay_restarts", 200, first_decay_steps=10, t_mul=1.0, m_mul=0.7,
             alpha=0.05),
        case(k + "cosine_decay_restarts", 300, first_decay_steps=13, t_mul=1.5, m_mul=0.9),
        case(k + "cosine_decay_restarts", 300, first_decay_steps=10, t_mul=3.0, m_mul=0.5,
             alpha=0.1),
        case(k + "cosine_decay_restarts", LONG, first_decay_steps=100, t_mul=2.0,
             extra=around(100, 300, 700, 1500, 3100, 6300, 12_700)),
    ]


def timm_cases() -> list[dict]:
    c, tanh, poly = "timm.cosine", "timm.tanh", "timm.poly"
    step, multi = "timm.step", "timm.multistep"
    return [
        case(c, 40, t_initial=30),
        case(c, 40, t_initial=30, warmup_t=5, warmup_lr_init=1e-4),  # warmup overlays
        case(c, 45, t_initial=30, warmup_t=5, warmup_lr_init=1e-4, warmup_prefix=True),
        case(c, 120, t_initial=20, cycle_limit=4, cycle_decay=0.5, lr_min=1e-3),
        case(c, 200, t_initial=10, cycle_mul=2.0, cycle_limit=4, k_decay=1.5),
        case(c, 200, t_initial=10, cycle_mul=1.5, cycle_limit=10, cycle_decay=0.8),
        case(c, 60, t_initial=50, noise_range_t=[10, 40]),
        case(c, 60, t_initial=50, noise_range_t=[5], noise_pct=0.1, noise_std=0.5,
             noise_seed=7),
        case(c, 300, t_initial=20, warmup_t=2, updates_per_epoch=10),
        case(c, 300, t_initial=250, warmup_t=20, t_in_epochs=False, updates_per_epoch=10),
        case(c, LONG, base_lr=5e-4, t_initial=19_000, warmup_t=1000, warmup_lr_init=1e-6,
             warmup_prefix=True, t_in_epochs=False, extra=around(1000, 20_000)),
        case(tanh, 40, t_initial=30),
        case(tanh, 40, t_initial=30, warmup_t=5, warmup_lr_init=1e-4),
        case(tanh, 45, t_initial=30, warmup_t=5, warmup_prefix=True, lb=-6.0, ub=4.0),
        case(tanh, 150, t_initial=10, cycle_mul=1.5, cycle_limit=5, lr_min=1e-3),
        case(tanh, 60, t_initial=50, noise_range_t=[0, 60], noise_seed=123),
        case(poly, 40, t_initial=30),
        case(poly, 60, t_initial=20, power=2.0, warmup_t=3, cycle_limit=2, k_decay=0.7),
        case(poly, 100, t_initial=10, power=1.0, cycle_mul=2.0, cycle_limit=3, lr_min=1e-4),
        case(step, 100, decay_t=30, decay_rate=0.1),
        case(step, 60, decay_t=2.5, decay_rate=0.5, warmup_t=3),
        case(step, 60, decay_t=7, decay_rate=0.5, warmup_t=3, warmup_prefix=False,
             warmup_lr_init=0.01),
        case(step, 100, decay_t=30),  # decay_rate default 1: flat
        case(multi, 100, decay_t=[30, 60, 80], decay_rate=0.1),  # a step before torch's
        case(multi, 60, decay_t=[5, 10, 10, 20], decay_rate=0.5),
        case(multi, 60, decay_t=[5, 10], decay_rate=0.1, warmup_t=4, warmup_lr_init=1e-3),
        case(multi, 300, decay_t=[10, 20], decay_rate=0.5, updates_per_epoch=10),
    ]


def optax_cases() -> list[dict]:
    o = "optax."
    bs = "boundaries_and_scales"
    return [
        case(o + "constant", 10),
        case(o + "constant", 10, value=3e-4),
        case(o + "linear", 120, end_value=0.001, transition_steps=100),
        case(o + "linear", 120, init_value=0.0, end_value=0.1, transition_steps=50,
             transition_begin=20),
        case(o + "linear", LONG, base_lr=1e-3, end_value=0.0, transition_steps=15_000,
             transition_begin=1000, extra=around(1000, 16_000)),
        case(o + "polynomial", 120, end_value=0.001, power=2.0, transition_steps=100),
        case(o + "polynomial", 120, end_value=0.0, power=0.5, transition_steps=100,
             transition_begin=10),
        case(o + "exponential_decay", 120, transition_steps=10, decay_rate=0.9),
        case(o + "exponential_decay", 120, transition_steps=7, decay_rate=0.5, staircase=True,
             transition_begin=15),
        case(o + "exponential_decay", 120, transition_steps=10, decay_rate=0.5,
             end_value=0.01),
        case(o + "exponential_decay", 60, transition_steps=10, decay_rate=1.5, end_value=0.5),
        case(o + "exponential_decay", LONG, base_lr=1.0, transition_steps=1000,
             decay_rate=0.96, staircase=True, extra=around(1000, 10_000)),
        case(o + "cosine_decay", 130, decay_steps=100),
        case(o + "cosine_decay", 130, decay_steps=100, alpha=0.1, exponent=2.0),
        case(o + "cosine_decay", 130, base_lr=3e-4, decay_steps=77, exponent=0.5),
        case(o + "cosine_decay", LONG, base_lr=3e-4, decay_steps=19_000, extra=around(19_000)),
        case(o + "warmup_cosine_decay", 130, init_value=0.0, warmup_steps=10, decay_steps=100),
        case(o + "warmup_cosine_decay", 130, init_value=0.01, warmup_steps=10,
             decay_steps=100, end_value=0.001, exponent=2.0),
        case(o + "warmup_cosine_decay", 130, init_value=0.0, warmup_steps=0, decay_steps=100),
        case(o + "warmup_cosine_decay", LONG, base_lr=3e-4, init_value=0.0, warmup_steps=1000,
             decay_steps=19_000, end_value=3e-5, extra=around(1000, 19_000)),
        case(o + "warmup_exponential_decay", 130, init_value=0.0, warmup_steps=10,
             transition_steps=10, decay_rate=0.8),
        case(o + "warmup_exponential_decay", 130, init_value=0.001, warmup_steps=20,
             transition_steps=5, decay_rate=0.5, transition_begin=10, staircase=True,
             end_value=0.005),
        case(o + "piecewise_constant", 60, **{bs: [[10, 0.5], [30, 0.1]]}),
        case(o + "piecewise_constant", 60, base_lr=3e-4, **{bs: [[30, 0.1], [0, 2.0]]}),
        case(o + "piecewise_constant", 20),  # no boundaries: the Python number
        case(o + "piecewise_constant", LONG, **{bs: [[5000, 0.1], [10_000, 0.1],
                                                     [15_000, 0.1]]},
             extra=around(5000, 10_000, 15_000)),
        case(o + "piecewise_interpolate", 120, interpolate_type="linear",
             **{bs: [[20, 10.0], [80, 0.01]]}),
        case(o + "piecewise_interpolate", 120, interpolate_type="cosine",
             **{bs: [[20, 10.0], [80, 0.01]]}),
        case(o + "piecewise_interpolate", 120, interpolate_type="cosine", init_value=0.0,
             **{bs: [[0, 1.0], [50, 0.5]]}),
        case(o + "piecewise_interpolate", 30, interpolate_type="linear"),
        case(o + "linear_onecycle", 130, transition_steps=100),
        case(o + "linear_onecycle", 130, transition_steps=100, pct_start=0.25, pct_final=0.9,
             div_factor=10.0, final_div_factor=100.0),
        case(o + "linear_onecycle", 30, transition_steps=3),  # boundaries collide
        case(o + "cosine_onecycle", 130, transition_steps=100),
        case(o + "cosine_onecycle", 130, base_lr=3e-3, transition_steps=100, pct_start=0.1,
             div_factor=5.0, final_div_factor=50.0),
        case(o + "cosine_onecycle", LONG, transition_steps=19_000, extra=around(5700, 19_000)),
        case(o + "join_schedules", 130, schedules=[
            {"type": "optax.linear", "init_value": 0.0, "end_value": 0.1, "transition_steps": 10},
            {"type": "optax.cosine_decay", "decay_steps": 90}], boundaries=[10]),
        case(o + "join_schedules", 130, schedules=[
            {"type": "optax.constant", "value": 0.01},
            {"type": "optax.exponential_decay", "transition_steps": 10, "decay_rate": 0.5},
            {"type": "optax.join_schedules", "boundaries": [5], "schedules": [
                {"type": "optax.constant", "value": 0.05},
                {"type": "optax.linear", "init_value": 0.05, "end_value": 0.0,
                 "transition_steps": 40}]}], boundaries=[20, 60]),
        case(o + "sgdr", 250, cosine_kwargs=[
            {"init_value": 0.0, "warmup_steps": 10, "decay_steps": 50},
            {"init_value": 0.0, "peak_value": 0.05, "warmup_steps": 10, "decay_steps": 80},
            {"init_value": 0.01, "peak_value": 0.02, "warmup_steps": 0, "decay_steps": 100,
             "end_value": 0.001}]),
    ]


def deepspeed_cases() -> list[dict]:
    d = "deepspeed."
    return [
        case(d + "warmup", 60, warmup_num_steps=40),  # log, the default: lr[0] = lr[1] = 0
        case(d + "warmup", 60, warmup_num_steps=40, warmup_type="linear"),
        case(d + "warmup", 30, warmup_min_lr=0.01, warmup_max_lr=0.5, warmup_num_steps=1),
        case(d + "warmup", 1500),  # every default: warmup_max_lr from the optimizer
        case(d + "warmup_decay", 300, total_num_steps=250, warmup_num_steps=50),
        case(d + "warmup_decay", 300, total_num_steps=250, warmup_num_steps=50,
             warmup_type="linear", warmup_min_lr=1e-5, warmup_max_lr=3e-4),
        case(d + "warmup_decay", 120, total_num_steps=30, warmup_num_steps=50),  # total < warm
        case(d + "warmup_decay", LONG, total_num_steps=18_000, warmup_max_lr=6e-4,
             extra=around(1000, 18_000)),
        case(d + "warmup_cosine", 300, total_num_steps=250, warmup_num_steps=50),
        case(d + "warmup_cosine", 300, total_num_steps=250, warmup_num_steps=50,
             warmup_type="linear", warmup_min_ratio=0.1, cos_min_ratio=0.0),
        case(d + "warmup_cosine", 100, total_num_steps=20, warmup_num_steps=40),
        case(d + "warmup_cosine", LONG, 3e-4, total_num_steps=19_000,
             extra=around(1000, 19_000)),
        case(d + "one_cycle", 300, cycle_min_lr=0.001, cycle_max_lr=0.01,
             cycle_first_step_size=100),
        case(d + "one_cycle", 300, cycle_min_lr=0.001, cycle_max_lr=0.01,
             cycle_first_step_size=60, cycle_second_step_size=90, decay_step_size=20,
             decay_lr_rate=0.5, decay_mom_rate=0.01, cycle_min_mom=0.85, cycle_max_mom=0.95),
        case(d + "one_cycle", 300, cycle_min_lr=0.0, cycle_max_lr=0.1,
             cycle_first_step_size=100, cycle_first_stair_count=4),
        case(d + "one_cycle", 300, cycle_min_lr=0.0, cycle_max_lr=0.1,
             cycle_first_step_size=77, cycle_second_step_size=50, cycle_first_stair_count=5,
             cycle_second_stair_count=3, cycle_momentum=False),
        case(d + "one_cycle", 120, cycle_min_lr=0.02, cycle_max_lr=0.2,
             cycle_first_step_size=50, cycle_second_step_size=0),
        case(d + "one_cycle", LONG, cycle_min_lr=1e-5, cycle_max_lr=1e-3,
             cycle_first_step_size=3000, decay_step_size=1000, decay_lr_rate=0.001,
             extra=around(3000, 6000)),
        case(d + "range_test", 100),
        case(d + "range_test", 300, lr_range_test_min_lr=1e-4, lr_range_test_step_size=7,
             lr_range_test_step_rate=5.0),
        case(d + "range_test", 300, lr_range_test_min_lr=1e-4, lr_range_test_step_size=20,
             lr_range_test_step_rate=0.5, lr_range_test_staircase=True),
        case(d + "range_test", LONG, lr_range_test_step_size=1000, lr_range_test_step_rate=3.0,
             lr_range_test_staircase=True),
    ]


def megatron_cases() -> list[dict]:
    m = "megatron.param_scheduler"
    wsd = {"lr_decay_style": "WSD", "wsd_decay_steps": 60}
    return [
        case(m, 250, lr_decay_steps=200),  # linear, no warm-up, every default
        case(m, 250, lr_decay_steps=200, lr_warmup_steps=20, lr_decay_style="cosine",
             min_lr=0.01),
        case(m, 250, 3e-4, lr_decay_steps=200, lr_warmup_steps=20, init_lr=1e-5,
             lr_decay_style="constant"),
        case(m, 300, lr_decay_steps=250, lr_warmup_steps=20, lr_decay_style="inverse-square-root",
             min_lr=0.02),
        case(m, 300, lr_decay_steps=250, lr_decay_style="inverse-square-root"),
        *[case(m, 260, lr_decay_steps=200, lr_warmup_steps=10, min_lr=0.001,
               lr_wsd_decay_style=style, **wsd)
          for style in ("linear", "cosine", "exponential", "minus_sqrt")],
        # samples: Megatron steps by the global batch size; a warm-up fraction x samples
        case(m, 300, 6e-4, lr_decay_steps=250 * 512, lr_warmup_steps=0.01 * 250 * 512,
             increment=512, lr_decay_style="cosine", min_lr=6e-5),
        case(m, 300, 1e-3, lr_decay_steps=200 * 256, lr_warmup_steps=0.017 * 200 * 256,
             increment=256, lr_decay_style="WSD", wsd_decay_steps=40 * 256,
             lr_wsd_decay_style="cosine"),
        case(m, 250, lr_decay_steps=200, start_wd=0.0, end_wd=0.1, wd_incr_style="linear",
             wd_incr_steps=150),
        case(m, 250, lr_decay_steps=200, start_wd=0.01, end_wd=0.05, wd_incr_style="cosine"),
        case(m, LONG, 3e-4, lr_decay_steps=18_000, lr_warmup_steps=2000,
             lr_decay_style="cosine", min_lr=3e-5, extra=around(2000, 18_000)),
    ]


def torchtitan_cases() -> list[dict]:
    k = "torchtitan.wsd"
    return [
        case(k, 100, training_steps=100, warmup_steps=10),
        case(k, 100, training_steps=100),  # warm-up default 200, capped at 100
        case(k, 120, base_lr=3e-4, training_steps=100, warmup_steps=10, decay_ratio=0.2,
             extra=around(90, 100)),
        case(k, 100, training_steps=100, warmup_steps=5, decay_ratio=0.3, decay_type="sqrt",
             min_lr_factor=0.1),
        case(k, 110, training_steps=100, warmup_steps=0, decay_ratio=0.5, decay_type="cosine",
             min_lr_factor=0.05),
        case(k, 60, training_steps=50, warmup_steps=40, decay_ratio=0.5),  # decay capped
        case(k, 80, training_steps=60, warmup_steps=10, total_steps=80, decay_type="cosine"),
        case(k, 33, training_steps=33, warmup_steps=3, decay_ratio=0.25, decay_type="cosine"),
        case(k, LONG, base_lr=8e-4, training_steps=LONG, warmup_steps=2000, decay_ratio=0.1,
             decay_type="cosine", min_lr_factor=0.1, extra=around(2000, 18_000)),
        # the March-June 2025 formula (a verbatim copy of that torchtitan's lambda)
        case(k, 100, training_steps=100, warmup_steps=10, formula="2025-03"),
        case(k, 120, training_steps=100, warmup_steps=10, decay_ratio=0.2, decay_type="cosine",
             min_lr_factor=0.1, formula="2025-03"),
        case(k, 60, training_steps=50, warmup_steps=40, decay_ratio=0.5, decay_type="sqrt",
             formula="2025-03"),
        case(k, 40, training_steps=30, warmup_steps=5, decay_ratio=0.0, formula="2025-03"),
    ]


def nanogpt_cases() -> list[dict]:
    k = "nanogpt.cosine"
    return [
        case(k, 120, base_lr=6e-4, warmup_iters=10, lr_decay_iters=100),
        case(k, 5001, base_lr=1e-3, warmup_iters=100, lr_decay_iters=5000, min_lr=1e-4,
             extra=around(100, 5000)),  # config/train_shakespeare_char.py
        case(k, 50, base_lr=3e-5, decay_lr=False),  # config/finetune_shakespeare.py
        case(k, 60, warmup_iters=0, lr_decay_iters=40, min_lr=0.0),
        case(k, 60, warmup_iters=30, lr_decay_iters=20),  # decay ends inside the warm-up
        case(k, LONG, base_lr=6e-4, extra=around(2000)),  # train.py's defaults
    ]


def detectron2_cases() -> list[dict]:
    d = "detectron2."
    cos = {"type": d + "cosine", "start_value": 1.0, "end_value": 0.0}
    multistep = {"type": d + "multistep", "values": [1.0, 0.1, 0.01],
                 "milestones": [60000, 80000], "num_updates": 90000}
    return [
        case(d + "constant", 50, value=0.5),
        case(d + "cosine", 100, start_value=1.0, end_value=0.01),
        case(d + "exponential", 100, start_value=2.0, decay=0.02),
        case(d + "linear", 100, start_value=0.0001, end_value=1.0),
        case(d + "multistep", 120, values=[1.0, 0.1, 0.01, 0.001], milestones=[30, 60, 80, 120]),
        case(d + "multistep", 90, values=[1.0, 0.1, 0.01], num_updates=90),
        case(d + "multistep", 100, values=[1.0, 0.1, 0.01], num_updates=90,
             milestones=[30, 60]),
        case(d + "polynomial", 100, base_value=0.1, power=0.9),
        case(d + "step", 120, num_updates=120, values=[0.1, 0.01, 0.001, 0.0001]),
        case(d + "step_fixed_gamma", 120, base_value=0.1, num_decays=3, gamma=0.1,
             num_updates=120),
        case(d + "composite", 100, schedulers=[
            {"type": d + "constant", "value": 0.42},
            {"type": d + "cosine", "start_value": 0.42, "end_value": 1e-4}],
            interval_scaling=["rescaled", "rescaled"], lengths=[0.3, 0.7]),
        case(d + "composite", 100, schedulers=[
            {"type": d + "linear", "start_value": 0.0, "end_value": 1.0}, cos, cos],
            interval_scaling=["rescaled", "fixed", "rescaled"], lengths=[0.1, 0.5, 0.4]),
        case(d + "warmup", 200, scheduler=[cos], warmup_factor=0.001, warmup_length=0.05),
        case(d + "warmup", 200, scheduler=[cos], warmup_factor=0.1, warmup_length=0.1,
             warmup_method="constant", rescale_interval=True),
        # configs/common/coco_schedule.py: default_X_scheduler(1) over 90k iterations
        case(d + "lr_multiplier", 10001, base_lr=0.02, extra=around(111, 6667, 8889), multiplier=[
            {"type": d + "warmup", "warmup_factor": 0.001, "warmup_length": 1000 / 9000,
             "scheduler": [{"type": d + "multistep", "values": [1.0, 0.1, 0.01],
                            "milestones": [6667, 8889], "num_updates": 10000}]}],
             max_iter=10000),
        case(d + "lr_multiplier", 301, base_lr=0.02, multiplier=[
            {"type": d + "warmup", "warmup_factor": 0.001, "warmup_length": 0.01,
             "scheduler": [multistep]}], max_iter=300),
        case(d + "warmup_multistep", 200, base_lr=0.02, milestones=[120, 160], warmup_iters=50),
        case(d + "warmup_multistep", 60, milestones=[20, 20, 40], gamma=0.5,
             warmup_method="constant", warmup_iters=10, warmup_factor=0.3),
        case(d + "warmup_cosine", 201, base_lr=0.02, max_iters=200, warmup_iters=20),
        case(d + "solver", 400, base_lr=0.02, max_iter=400, solver_steps=[300, 350],
             warmup_iters=40),  # Base-RCNN-FPN.yaml's shape, scaled down
        case(d + "solver", 300, base_lr=0.02, max_iter=300, solver_steps=[100, 200, 400],
             warmup_iters=10, gamma=0.5),  # a step past MAX_ITER is dropped
        case(d + "solver", 300, base_lr=0.01, lr_scheduler_name="WarmupCosineLR", max_iter=300,
             base_lr_end=1e-4, warmup_iters=30, warmup_method="constant"),
        case(d + "solver", 300, base_lr=0.01, lr_scheduler_name="WarmupCosineLR", max_iter=300,
             warmup_iters=30, rescale_interval=True),
        case(d + "solver", 240, base_lr=0.01, lr_scheduler_name="WarmupStepWithFixedGammaLR",
             max_iter=240, num_decays=3, gamma=0.5, warmup_iters=12),
        case(d + "solver", LONG, base_lr=0.02, max_iter=LONG, solver_steps=[12000, 16000],
             extra=around(1000, 12000, 16000)),
    ]


def ultralytics_cases() -> list[dict]:
    """Ultralytics 8.4.190's loop (its own source) and YOLOv5's train.py (ported at
    ultralytics_oracle.YOLOV5_SOURCE: YOLOv5 cannot be installed). Steps are optimizer steps,
    some past the run (the loop's arithmetic goes on; YOLOv5's linear lf only until it turns
    negative, which lrplot refuses)."""
    y, v5 = "ultralytics.yolo", "ultralytics.yolov5"
    return [
        case(y, 400, 0.01, nb=50, epochs=10),  # default.yaml, SGD: warm-up 150 iterations
        case(y, 400, 0.01, nb=50, epochs=10, param_group="bias"),  # warms down from 0.1
        case(y, 400, 0.01, nb=50, epochs=10, param_group="bn", cos_lr=True, lrf=0.1),
        case(y, 300, 0.01, nb=40, epochs=8, param_group="bias", batch=24),  # 64/24 -> 3
        case(y, 300, 0.002, nb=7, epochs=20, batch=128, warmup_epochs=2.5,
             param_group="bias", warmup_bias_lr=0.05),  # accumulate 1 throughout
        case(y, 300, 0.01, nb=33, epochs=12, nbs=100, batch=8, warmup_epochs=0.0),
        case(y, 200, 0.01, nb=30, epochs=3, warmup_epochs=5.0,
             param_group="bias"),  # warm-up capped at epochs - 1
        case(y, 60, 0.01, nb=30, epochs=1, param_group="bias"),  # one epoch: no warm-up
        case(y, 250, 0.001, nb=25, epochs=10, optimizer="AdamW", param_group="bias",
             warmup_bias_lr=0.0),  # auto's AdamW: beta1 not warmed
        case(y, 250, 0.01, nb=25, epochs=10, optimizer="RMSprop", momentum=0.9),
        case(y, 300, 0.01, nb=40, epochs=6, optimizer="MuSGD", param_group="muon",
             momentum=0.9),
        case(y, 300, 0.01, nb=40, epochs=6, optimizer="MuSGD", param_group="bias",
             momentum=0.9, warmup_bias_lr=0.0),
        case(y, 400, 0.01, nb=20, epochs=8, cos_lr=True, batch=32),  # steps past the run
        case(y, LONG, 0.01, nb=2000, epochs=40, batch=64, cos_lr=True, param_group="bias",
             extra=around(6000, 8000)),
        case(v5, 185, 0.01, nb=50, epochs=10),  # hyp.scratch-low.yaml, --batch-size 16
        case(v5, 185, 0.01, nb=50, epochs=10, group=0),  # biases warm down
        case(v5, 400, 0.01, nb=50, epochs=10, group=2, cos_lr=True, lrf=0.1),
        case(v5, 136, 0.01, nb=10, epochs=30, group=0, batch=24),  # 100-iteration floor
        case(v5, 61, 0.01, nb=30, epochs=3, group=1),  # never leaves the warm-up
        case(v5, 300, 0.001, nb=64, epochs=10, optimizer="Adam", group=0, batch=128),
        case(v5, 300, 0.01, nb=64, epochs=10, optimizer="AdamW", group=1, batch=40,
             warmup_epochs=0.0),
        case(v5, LONG, 0.01, nb=1500, epochs=30, batch=64, group=0,
             extra=around(4500, 6000)),
    ]


def nemo_cases() -> list[dict]:
    n = "nemo."
    return [
        case(n + "warmup_policy", 60, warmup_steps=10),  # no max_steps: no end
        case(n + "warmup_policy", 60, warmup_ratio=0.25, max_steps=40, min_lr=0.01),
        case(n + "warmup_hold_policy", 80, warmup_steps=10, hold_steps=20, max_steps=60),
        case(n + "warmup_hold_policy", 80, warmup_ratio=0.1, hold_ratio=0.3, max_steps=70,
             min_lr=0.001),
        case(n + "square_annealing", 130, max_steps=120, warmup_steps=10),  # min_lr 1e-5
        case(n + "square_annealing", 130, max_steps=120, min_lr=0.02),
        case(n + "square_root_annealing", 130, max_steps=120, warmup_steps=30),
        case(n + "square_root_annealing", 130, max_steps=120, min_lr=0.03),
        case(n + "cosine_annealing", 130, max_steps=120, warmup_steps=10, min_lr=0.001),
        case(n + "cosine_annealing", 130, max_steps=120, warmup_ratio=0.1),
        # constant_steps: Megatron's warm-up from 0 and the cosine over the remaining steps
        case(n + "cosine_annealing", 130, max_steps=120, warmup_steps=10, constant_steps=30,
             min_lr=0.01),
        case(n + "cosine_annealing", 130, max_steps=120, constant_ratio=0.2, min_lr=0.01),
        # examples/nlp/language_modeling/conf/megatron_gpt_config.yaml
        case(n + "cosine_annealing", 100_002, 2e-4, max_steps=100_000, warmup_steps=500,
             constant_steps=0, min_lr=2e-5, extra=around(500, 100_000)),
        case(n + "cosine_annealing", 100_002, 2e-4, max_steps=100_000, warmup_steps=500,
             constant_steps=50_000, min_lr=2e-5, extra=around(500, 50_000, 100_000)),
        case(n + "noam_annealing", 200, 2.0, d_model=256, warmup_steps=50, min_lr=1e-6),
        case(n + "noam_annealing", 200, d_model=144),  # no warm-up
        case(n + "noam_annealing", 200, d_model=176, warmup_ratio=0.1, max_steps=200,
             min_lr=0.01),
        case(n + "noam_annealing", LONG, 2.0, d_model=512, warmup_steps=10_000, min_lr=1e-6,
             extra=around(10_000)),
        case(n + "noam_hold_annealing", 200, 1e-3, max_steps=180, warmup_steps=20,
             hold_steps=40),
        case(n + "noam_hold_annealing", 200, 1e-3, max_steps=180, warmup_steps=20,
             hold_ratio=0.2, decay_rate=1.0, min_lr=1e-5),
        case(n + "noam_hold_annealing", 200, 1e-3, max_steps=180, warmup_steps=20),  # no hold
        case(n + "warmup_hold_anneal_one_minus_square_root", 130, max_steps=120,
             warmup_steps=10, hold_steps=30, min_lr=0.005),
        case(n + "warmup_hold_anneal_one_minus_square_root", 130, max_steps=120,
             warmup_steps=10),  # no hold: the anneal counts from step 0
        case(n + "warmup_hold_anneal_linear", 130, max_steps=120, warmup_steps=10,
             hold_steps=30, min_lr=0.005),
        case(n + "warmup_hold_anneal_linear", 130, max_steps=120, warmup_ratio=0.05,
             hold_ratio=0.5),
        case(n + "warmup_annealing", 130, max_steps=120, warmup_steps=10, min_lr=0.01),
        case(n + "warmup_annealing", 130, max_steps=120),
        case(n + "inverse_square_root_annealing", 130, max_steps=120, warmup_steps=10),
        case(n + "inverse_square_root_annealing", 130, max_steps=120, min_lr=0.01),
        case(n + "t5_inverse_square_root_annealing", 130, max_steps=120, constant_steps=10),
        case(n + "t5_inverse_square_root_annealing", LONG, max_steps=18_000,
             constant_steps=1000, min_lr=1e-4, extra=around(1000, 18_000)),
        case(n + "polynomial_decay_annealing", 130, max_steps=120, warmup_steps=10),
        case(n + "polynomial_decay_annealing", 130, max_steps=120, warmup_steps=10,
             power=2.0, cycle=True, min_lr=0.001),
        case(n + "polynomial_decay_annealing", 130, max_steps=120, power=0.5, min_lr=0.01),
        # examples/asr/conf/matchboxnet/matchboxnet_3x1x64_v2.yaml
        case(n + "polynomial_hold_decay_annealing", 220, 0.05, max_steps=200, power=2.0,
             warmup_ratio=0.05, hold_ratio=0.45, min_lr=0.001),
        case(n + "polynomial_hold_decay_annealing", 220, max_steps=200, warmup_steps=20),
        case(n + "polynomial_hold_decay_annealing", 220, max_steps=200, warmup_steps=20,
             cycle=True),  # no hold: the decay restarts
        case(n + "cosine_annealing", 60, max_steps=100, warmup_steps=10, last_epoch=40),
        case(n + "warmup_hold_anneal_linear", 60, max_steps=100, warmup_steps=10,
             hold_steps=10, last_epoch=5),
    ]


def mmengine_cases() -> list[dict]:
    m = "mmengine."
    lin = {"type": "mmengine.LinearLR", "start_factor": 0.001, "by_epoch": False, "end": 50}
    lst = m + "param_scheduler"
    singles = [
        case(m + "linear", 30, start_factor=0.1, end=20),  # end exclusive: 19 steps of ramp
        case(m + "linear", 40, start_factor=0.001, end_factor=0.5, begin=3, end=20),
        case(m + "linear", 60, start_factor=0.1, end=5, steps_per_epoch=4),
        case(m + "linear", 60, start_factor=0.1, end=5, steps_per_epoch=4,
             convert_to_iter_based=True),
        case(m + "linear", 30),  # every default: 1/3 to 1 over an INF window
        case(m + "constant", 30, factor=0.3, begin=2, end=10),
        case(m + "constant", 30),
        case(m + "step", 50, step_size=7, gamma=0.5),
        case(m + "step", 60, step_size=2, begin=1, end=9, steps_per_epoch=3,
             convert_to_iter_based=True),
        case(m + "multistep", 50, milestones=[8, 11, 11], end=40),  # a repeated milestone
        case(m + "multistep", 130, milestones=[8, 11], end=12, steps_per_epoch=10),
        case(m + "exponential", 500, gamma=0.99, begin=5, end=300),
        case(m + "cosine", 300, T_max=100, eta_min=0.001),  # rises again after T_max
        case(m + "cosine", 300, begin=10, end=100, eta_min_ratio=0.01),
        case(m + "cosine", 100, begin=1, end=8, T_max=7, eta_min=0.002, steps_per_epoch=7,
             convert_to_iter_based=True),
        case(m + "cosine", LONG, 2e-4, extra=around(15_000), end=15_000, eta_min=1e-6),
        case(m + "cosine", LONG, extra=around(12_000), end=12_000),
        case(m + "poly", 300, end=200, eta_min=1e-4, power=0.9),
        case(m + "poly", 300, end=200, power=2.0),
        case(m + "poly", LONG, 0.01, extra=around(16_000), end=16_000, eta_min=1e-4,
             power=0.9, by_epoch=False),
        case(m + "onecycle", 101, eta_max=0.1, total_steps=100),
        case(m + "onecycle", 101, eta_max=0.1, total_steps=100, three_phase=True,
             anneal_strategy="linear"),
        case(m + "onecycle", 50, eta_max=0.1, begin=3, end=40),
        case(m + "cosine_restart", 300, periods=[50, 100, 80], restart_weights=[1, 0.5, 0.25],
             eta_min=0.001),
        case(m + "cosine_restart", 300, periods=[50, 100], restart_weights=[1, 0.5],
             eta_min_ratio=0.1),
        case(m + "quadratic_warmup", 30, end=20),
        case(m + "quadratic_warmup", 40, begin=1, end=3, steps_per_epoch=6,
             convert_to_iter_based=True),
        case(m + "plateau", 40, metric="1 / epoch + 0.1 * (epoch > 10)", patience=2),
        case(m + "plateau", 40, metric="3 - 0 * epoch", patience=1, cooldown=2,
             rule="greater", begin=3, end=30),
        case(m + "plateau", 60, metric="2 - epoch / 100", threshold=0.05, threshold_rule="abs",
             patience=0, factor=0.5, min_value=0.02, steps_per_epoch=3),
    ]
    momenta = [case(c["kind"] + "_momentum", c["steps"], c["base_lr"], c["extra"],
                    **{k: v for k, v in c["params"].items() if k not in ("eta_min",)})
               for c in {c["kind"]: c for c in reversed(singles)}.values()  # each kind's first
               if not c["kind"].endswith(("onecycle", "restart"))]
    momenta.append(case(m + "cosine_momentum", 40, end=30, eta_min=0.85))
    momenta.append(case(m + "cosine_restart_momentum", 60, periods=[20, 30],
                          restart_weights=[1, 1], eta_min=0.8))
    lists = [
        # mmdetection's schedule_1x: warm-up by iteration, MultiStepLR by epoch
        case(lst, 130, schedulers=[lin, {"type": "mmengine.MultiStepLR", "milestones": [8, 11],
                                         "end": 12}], steps_per_epoch=10),
        # mmdetection's YOLOX: quadratic warm-up and cosine converted, then constant
        case(lst, 300, 0.01, schedulers=[
            {"type": "mmdet.QuadraticWarmupLR", "end": 3, "convert_to_iter_based": True},
            {"type": "mmengine.CosineAnnealingLR", "eta_min": 0.0005, "begin": 3, "T_max": 12,
             "end": 15, "convert_to_iter_based": True},
            {"type": "mmengine.ConstantLR", "factor": 1, "begin": 15, "end": 20}],
             steps_per_epoch=10),
        # mmseg: warm-up and PolyLR both by iteration, overlapping
        case(lst, 2000, 0.01, extra=around(1500), schedulers=[
            {"type": "mmengine.LinearLR", "start_factor": 1e-6, "by_epoch": False, "end": 1500},
            {"type": "mmengine.PolyLR", "eta_min": 0.0, "power": 1.0, "begin": 1500,
             "end": 2000, "by_epoch": False}]),
        case(lst, 300, schedulers=[
            {"type": "mmengine.LinearLR", "start_factor": 0.1, "by_epoch": False, "end": 100},
            {"type": "mmengine.PolyLR", "eta_min": 1e-4, "power": 0.9, "by_epoch": False,
             "end": 300},
            {"type": "mmengine.ExponentialLR", "gamma": 0.9}], steps_per_epoch=13),
        case(lst, 200, schedulers=[
            {"type": "mmengine.OneCycleLR", "eta_max": 0.5, "total_steps": 200,
             "by_epoch": False},
            {"type": "mmengine.CosineAnnealingLR", "eta_min_ratio": 0.1, "end": 20}],
             steps_per_epoch=10),
        case(lst, 100, schedulers=[
            {"type": "mmengine.LinearLR", "start_factor": 0.1, "by_epoch": False, "end": 12},
            {"type": "mmengine.ReduceOnPlateauLR", "metric": "1 + 0 * epoch", "patience": 1}],
             steps_per_epoch=5),
        case(lst, 60, schedulers=[
            {"type": "mmengine.StepLR", "step_size": 10, "gamma": 0.5},
            {"type": "mmengine.CosineRestartLR", "periods": [20, 40],
             "restart_weights": [1, 0.5], "eta_min": 0.0}]),
    ]
    return singles + momenta + lists


FRAMEWORKS = {
    "ultralytics": (ultralytics_cases, ultralytics.ultralytics_lrs, ("ultralytics", "yolov5",
                                                                     "torch")),
    "nemo": (nemo_cases, oracle.nemo_lrs, ("nemo", "torch")),
    "megatron": (megatron_cases, oracle.megatron_lrs, ("megatron", "torch")),
    "deepspeed": (deepspeed_cases, oracle.deepspeed_lrs, ("deepspeed", "torch")),
    "transformers": (hf_cases, oracle.hf_lrs, ("transformers", "torch")),
    "keras": (keras_cases, oracle.keras_lrs, ("keras", "torch")),
    "timm": (timm_cases, oracle.timm_lrs, ("timm", "torch")),
    "optax": (optax_cases, oracle.optax_lrs, ("optax", "jax", "jaxlib", "numpy")),
    "torchtitan": (torchtitan_cases, trainers.torchtitan_lrs,
                   ("torchtitan", "torchtitan-2025-03", "torch")),
    "nanogpt": (nanogpt_cases, trainers.nanogpt_lrs, ("nanogpt",)),
    "mmengine": (mmengine_cases, mmengine.lrs, ("mmengine", "torch")),
    "detectron2": (detectron2_cases, detectron2_port.detectron2_lrs,
                   ("detectron2", "fvcore", "torch", "yacs")),
}
"""framework -> (its cases, its oracle, the modules whose versions the file records)."""

SERIES = {"deepspeed": oracle.deepspeed_series, "megatron": oracle.megatron_series,
          "ultralytics": ultralytics.ultralytics_series, "mmengine": mmengine.momentum_series}
"""framework -> an oracle of every series it sets (lr, momentum): the others are stored too."""


def case_id(c: dict) -> str:
    params = ",".join(f"{k}={_short(v)}" for k, v in c["params"].items())
    return f"{c['kind']}[n={c['steps']},base_lr={c['base_lr']!r}{',' if params else ''}{params}]"


def _short(value: Any) -> str:
    if isinstance(value, list) and len(value) > 6:
        return f"[{_short(value[0])},...({len(value)} items)]"
    return repr(value).replace(" ", "")


def make(framework: str) -> None:
    make_cases, lrs, modules = FRAMEWORKS[framework]
    cases, seen = [], set()
    for c in make_cases():
        ident = case_id(c)
        if ident in seen:
            sys.exit(f"duplicate golden case {ident}")
        seen.add(ident)
        lr = lrs(c["kind"], c["steps"], c["base_lr"], c["params"])
        indices = subsample(c["steps"], c["extra"], full_limit=FULL_LIMIT, samples=SAMPLES,
                            edge=EDGE)
        values = lr if indices is None else lr[indices]
        entry = {"id": ident, "kind": c["kind"], "steps": c["steps"], "base_lr": c["base_lr"],
                 "params": c["params"], "indices": indices, "lr": [float(v) for v in values]}
        if framework in SERIES:  # the other series the framework sets (beta1), by name
            for name, series in SERIES[framework](c["kind"], c["steps"], c["base_lr"],
                                                  c["params"]).items():
                if name != "lr":
                    picked = series if indices is None else series[indices]
                    entry[name] = [float(v) for v in picked]
        cases.append(entry)
    oracle.dump_goldens({
        "framework": framework,
        "versions": oracle.versions_of(*modules),
        "generator": f"python scripts/make_goldens_frameworks.py {framework}",
        "convention": "lr[0] = the lr at construction (step 0); lr[i] after i scheduler steps "
                      "(functional schedules: schedule(i)); 'indices' lists the stored steps "
                      "of a subsampled run (null: every step is stored)",
        "cases": cases,
    }, framework)
    path = oracle.golden_path(framework)
    print(f"wrote {len(cases)} cases to {path.relative_to(ROOT)} "
          f"({path.stat().st_size / 1024:.0f} KiB) from {oracle.versions_of(*modules)}")


def main(argv: list[str]) -> None:
    unknown = [a for a in argv if a not in FRAMEWORKS]
    if not argv or unknown:
        sys.exit(f"usage: make_goldens_frameworks.py {{{','.join(FRAMEWORKS)}}}...")
    for framework in argv:
        make(framework)


if __name__ == "__main__":
    main(sys.argv[1:])
