"""The trainer kernels computed block by block (lrplot.kernel_tools.blockwise, CACHE_BLOCK steps
at a time, in place, with reused work arrays) give the per-step reference's values bit for bit
over runs of several blocks, whatever the chunking, with phase boundaries inside blocks and on
their edges; and Megatron's inverse square root (sqrt where it provably equals C pow) equals
C pow on every value. The references are the real libraries stepped one step at a time (skipped
when not installed) and nanoGPT's verbatim get_lr.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import frameworks_oracle
import trainers_oracle
from lrplot import compute, schedules
from lrplot.kernel_tools import CACHE_BLOCK, Scratch, sqrt_python

B = CACHE_BLOCK
N = 2 * B + 777
"""Steps per case: two whole blocks and part of a third."""

CHUNKS = (B + 7, 1 << 20)
"""A chunk that ends inside a block (so its last block is short), and one chunk for all."""


def _blocked(kind_name: str, base_lr: float, params: dict[str, Any], chunk: int,
             series: str = "lr") -> np.ndarray:
    kind = schedules.get(kind_name)
    values = {**kind.defaults(), **params}
    pieces = list(compute.kernel_chunks(kind, N, base_lr, values, chunk, series=series))
    assert all(len(p) <= chunk for p in pieces)
    return np.concatenate(pieces)


def _compare(kind: str, base_lr: float, params: dict[str, Any], expected: np.ndarray,
             series: str = "lr") -> None:
    assert len(expected) == N
    for chunk in CHUNKS:
        np.testing.assert_array_equal(_blocked(kind, base_lr, params, chunk, series), expected,
                                      err_msg=f"{kind} {params} chunk {chunk}")


# -- nanoGPT: the verbatim get_lr, always ------------------------------------------------------

@pytest.mark.parametrize("params", [
    {"warmup_iters": B - 1, "lr_decay_iters": 2 * B, "min_lr": 6e-5},  # edges of blocks
    {"warmup_iters": 1000, "lr_decay_iters": N - 100, "min_lr": 0.0},  # inside blocks
    {"warmup_iters": 0, "lr_decay_iters": 10 * N, "min_lr": 1e-5},  # decaying throughout
    {"warmup_iters": 2 * B + 3, "lr_decay_iters": 2 * B + 4, "min_lr": 1e-4},
])
def test_nanogpt_blocks_equal_get_lr(params):
    params = {**params, "decay_lr": True}
    expected = trainers_oracle.nanogpt_lrs("nanogpt.cosine", N, 6e-4, params)
    _compare("nanogpt.cosine", 6e-4, params, expected)


# -- DeepSpeed, stepped live -------------------------------------------------------------------

DEEPSPEED = [
    ("deepspeed.warmup_cosine", {"total_num_steps": 2 * B, "warmup_num_steps": B - 1}),
    ("deepspeed.warmup_cosine", {"total_num_steps": N + 5000, "warmup_num_steps": 100,
                                 "cos_min_ratio": 0.1, "warmup_type": "linear"}),
    ("deepspeed.warmup_cosine", {"total_num_steps": B + 10, "warmup_num_steps": 3000,
                                 "warmup_min_ratio": 0.05}),
    ("deepspeed.warmup_decay", {"total_num_steps": 2 * B + 1, "warmup_num_steps": B}),
    ("deepspeed.warmup", {"warmup_num_steps": B + 1}),
    ("deepspeed.one_cycle", {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3,
                             "cycle_first_step_size": B // 2, "decay_step_size": 1000,
                             "decay_lr_rate": 0.01}),
    ("deepspeed.range_test", {"lr_range_test_step_size": 1000,
                              "lr_range_test_staircase": True}),
]


@pytest.mark.parametrize("kind, params", DEEPSPEED, ids=[k for k, _ in DEEPSPEED])
def test_deepspeed_blocks_equal_stepping_deepspeed(kind, params):
    pytest.importorskip("deepspeed")
    expected = frameworks_oracle.deepspeed_lrs(kind, N, 1e-3, params)
    _compare(kind, 1e-3, params, expected)


# -- Megatron-core, stepped live ---------------------------------------------------------------

MEGATRON = [
    {"lr_decay_style": "inverse-square-root", "lr_decay_steps": 2 * N, "lr_warmup_steps": 500},
    {"lr_decay_style": "inverse-square-root", "lr_decay_steps": 512 * (N - 9),
     "lr_warmup_steps": 0, "increment": 512, "min_lr": 2e-4},
    {"lr_decay_style": "cosine", "lr_decay_steps": 2 * B, "lr_warmup_steps": B - 1,
     "min_lr": 1e-5},
    {"lr_decay_style": "linear", "lr_decay_steps": N - 50, "lr_warmup_steps": 0.01 * N,
     "init_lr": 1e-5},
    {"lr_decay_style": "constant", "lr_decay_steps": N, "lr_warmup_steps": B},
] + [{"lr_decay_style": "WSD", "lr_decay_steps": 2 * B + 100, "lr_warmup_steps": 1000,
      "wsd_decay_steps": B, "lr_wsd_decay_style": style, "min_lr": 1e-5}
     for style in ("linear", "cosine", "exponential", "minus_sqrt")]


@pytest.mark.parametrize("params", MEGATRON,
                         ids=[p.get("lr_wsd_decay_style", p["lr_decay_style"]) for p in MEGATRON])
def test_megatron_blocks_equal_stepping_megatron(params):
    pytest.importorskip("megatron.core")
    expected = frameworks_oracle.megatron_series("megatron.param_scheduler", N, 1e-3, params)
    _compare("megatron.param_scheduler", 1e-3, params, expected["lr"])


def test_megatron_weight_decay_blocks_equal_stepping_megatron():
    pytest.importorskip("megatron.core")
    params = {"lr_decay_steps": N, "start_wd": 0.0, "end_wd": 0.1, "wd_incr_steps": B + 3,
              "wd_incr_style": "cosine"}
    expected = frameworks_oracle.megatron_series("megatron.param_scheduler", N, 1e-3, params)
    _compare("megatron.param_scheduler", 1e-3, params, expected["weight_decay"],
             series="weight_decay")


# -- the square root that is C pow -------------------------------------------------------------

def _increasing_blocks() -> list[np.ndarray]:
    rng = np.random.default_rng(29)
    runs = [np.arange(1.0, 3 * B + 1),  # the first blocks cross many powers of two
            np.arange(1.0, N) * 512,  # Megatron's samples
            np.arange(2.0 ** 32 - B, 2.0 ** 32 + B),  # a power of two inside a block
            np.arange(2.0 ** 20 - 300, 2.0 ** 20 + 300) ** 2,  # perfect squares and neighbours
            np.sort(rng.integers(1, 2 ** 52, B)).astype(np.float64),
            np.sort(rng.uniform(1.0, 1e12, B))]
    return [run[start:start + size] for run in runs
            for start, size in ((0, B), (B, B), (2 * B, 5), (0, 1))]


def test_megatron_root_equals_c_pow_on_every_value():
    work = Scratch()  # reused from block to block, as the kernel reuses it
    for x in _increasing_blocks():
        if not len(x):
            continue
        expected = [math.pow(v, 0.5) for v in x.tolist()]
        assert sqrt_python(x.copy(), work=work).tolist() == expected


def test_the_root_test_is_not_vacuous():
    """sqrt differs from C pow on some of these values: the comparison above can fail."""
    x = np.arange(1.0, 3 * B + 1)
    assert np.sqrt(x).tolist() != [math.pow(v, 0.5) for v in x.tolist()]


# -- detectron2: fvcore's param schedulers through LRMultiplier, stepped live -------------------

DETECTRON2 = [
    ("detectron2.cosine", {"start_value": 1.0, "end_value": 0.01}),
    ("detectron2.exponential", {"start_value": 1.0, "decay": 0.02}),
    ("detectron2.polynomial", {"base_value": 1.0, "power": 0.9}),
    ("detectron2.multistep", {"values": [1.0, 0.1, 0.01], "milestones": [B - 1, 2 * B],
                              "num_updates": N}),
    ("detectron2.warmup_cosine", {"max_iters": N + 3, "warmup_iters": B + 1}),
]


@pytest.mark.parametrize("kind, params", DETECTRON2, ids=[k for k, _ in DETECTRON2])
def test_detectron2_blocks_equal_stepping_fvcore(kind, params):
    pytest.importorskip("fvcore")
    import detectron2_port

    _compare(kind, 0.02, params, detectron2_port.detectron2_lrs(kind, N, 0.02, params))


def test_detectron2_raises_at_its_step_in_a_later_block():
    """What fvcore raises is named at its step, which lies in the second block here."""
    from lrplot.frameworks.detectron2 import kernels

    chunks = kernels.lr_multiplier(N, 0.02, [schedules.Child(
        "detectron2.constant", (("value", 0.5),))], max_iter=B + 10, chunk=N)
    with pytest.raises(schedules.ScheduleError, match=f"at step {B + 10} "):
        list(chunks)
