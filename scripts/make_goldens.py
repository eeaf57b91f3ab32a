"""Generate tests/golden/torch.json: lr series computed by real torch, for the parity tests.

Regenerate (needs torch 2.13, e.g. the dev virtualenv) from the repository root with:

    python scripts/make_goldens.py

Each case is stepped through torch by ``tests/torch_oracle.py`` (the same oracle the live parity
tests use). Runs of up to FULL_LIMIT steps store every value; longer runs store a subsample —
about SAMPLES evenly spaced steps (a prime stride, so periodic schedules are not sampled in
phase), the first and last few steps, and each case's ``extra`` steps — with the step indices.
Floats are written with ``repr``, which round-trips float64 exactly.

Adding a kind: add its entry to ``TORCH_KINDS`` in tests/torch_oracle.py and its cases to
``CASES`` below, then rerun the command above.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import torch  # noqa: E402

from torch_oracle import (GOLDEN_PATH, LOOP_GOLDEN_PATH, SERIES_GOLDEN_PATH,  # noqa: E402
                          TORCH_KINDS, dump_goldens, subsample, torch_loop_lrs, torch_lrs,
                          torch_series)

FULL_LIMIT = 2000
SAMPLES = 1000
EDGE = 8  # first and last steps always kept in a subsample

LONG = 100_000


def case(steps: int, base_lr: float = 0.1, extra: tuple[int, ...] = (), **params: Any) -> dict:
    """One golden case: ``lrplot.schedule(kind, steps=steps, base_lr=base_lr, **params)``.

    ``extra`` lists steps that a subsample of a long run must include (minima, milestones...).
    """
    return {"steps": steps, "base_lr": base_lr, "params": params, "extra": extra}


def around(*steps: int) -> tuple[int, ...]:
    """Each step with its neighbours: around(100) -> (99, 100, 101)."""
    return tuple(t + d for t in steps for d in (-1, 0, 1))


LINEAR_WARMUP = {"type": "linear", "start_factor": 0.1, "total_iters": 10}
COSINE_90 = {"type": "cosine", "T_max": 90}

CASES: dict[str, list[dict]] = {
    "exponential": [
        case(1, gamma=0.9),
        case(2, gamma=0.5),
        case(100, gamma=0.95),
        case(100, base_lr=1.0, gamma=0.9),
        case(300, base_lr=3e-4, gamma=0.98),
        case(200, gamma=1.0),
        case(60, gamma=1.5),
        case(500, gamma=0.001),  # small gamma: underflows through subnormals to 0
        case(1000, base_lr=2.5, gamma=0.1),
        case(LONG, gamma=0.99999),
        case(LONG, base_lr=1.0, gamma=0.9999),
        case(LONG, gamma=0.99),  # goes subnormal around t = 70,000, then 0
    ],
    "step": [
        case(1, step_size=1, gamma=0.5),
        case(60, step_size=1, gamma=0.5),
        case(100, step_size=30),  # gamma default 0.1
        case(100, step_size=30, gamma=0.1),
        case(50, step_size=100, gamma=0.5),  # no decay within the run
        case(200, base_lr=1.0, step_size=7, gamma=0.9),
        case(80, step_size=3, gamma=2.0),
        case(1500, step_size=1, gamma=0.3),  # underflows to 0
        case(LONG, base_lr=0.05, step_size=7, gamma=0.99999),
        case(LONG, step_size=1, gamma=0.9999),
        case(LONG, step_size=1000, gamma=0.5, extra=around(1000, 50000, 99000)),
    ],
    "multistep": [
        case(1, milestones=[0], gamma=0.5),
        case(100, milestones=[30, 80]),  # gamma default 0.1
        case(100, milestones=[30, 80], gamma=0.1),
        case(100, milestones=[80, 30, 50], gamma=0.5),  # unsorted
        case(100, milestones=[20, 20, 50, 20], gamma=0.5),  # duplicates compound
        case(50, milestones=[0, 10], gamma=0.1),  # 0 applies at construction
        case(50, milestones=[0, 0, 25], gamma=0.5),
        case(50, milestones=[5, 500], gamma=0.5),  # beyond the horizon
        case(50, milestones=[50, 51, 1000], gamma=0.5),  # all beyond the horizon
        case(20, milestones=[], gamma=0.5),
        case(400, milestones=[200, 300, 320, 340, 200], gamma=0.8),
        case(300, base_lr=1.0, milestones=[1, 2, 3, 4, 5, 100, 100, 100], gamma=0.99999),
        case(200, milestones=[10, 20, 30], gamma=3.0),
        case(2000, milestones=list(range(0, 2000, 3)), gamma=0.999),
        case(LONG, milestones=[99999, 1000, 30000, 30000, 60000, 100000, 200000], gamma=0.5,
             extra=around(1000, 30000, 60000)),
        case(LONG, base_lr=0.02, milestones=list(range(0, LONG, 997)), gamma=0.99),
    ],
    "cosine": [
        case(1, T_max=3),
        case(10, T_max=1),
        case(10, T_max=1, eta_min=0.05),
        case(50, T_max=7),
        case(50, T_max=7, eta_min=0.05),
        case(30, T_max=2, eta_min=0.01),
        case(500, T_max=100),
        case(500, base_lr=1.0, T_max=100, eta_min=0.01),
        case(100, T_max=5000),  # far from the first minimum
        case(50, T_max=10, eta_min=0.5),  # eta_min > base_lr: the curve is inverted
        case(30, T_max=5, eta_min=0.1),  # eta_min == base_lr: constant
        case(400, base_lr=3e-4, T_max=37, eta_min=1e-6),
        case(2000, T_max=1000),
        case(3000, T_max=1000, eta_min=0.05, extra=around(1000, 2000)),
        # Long runs: torch's recursion and the closed form drift apart by ~5e-11 here.
        case(LONG, T_max=1, extra=around(99997)),
        case(LONG, T_max=7, extra=around(7, 99995)),
        case(LONG, T_max=7, eta_min=0.05, extra=around(7, 99995)),
        case(LONG, T_max=100, extra=around(100, 200, 99900)),
        case(LONG, T_max=100, eta_min=0.05, extra=around(100, 200, 99900)),
        case(LONG, T_max=1000, extra=around(1000, 2000, 99000)),
        case(LONG, T_max=1000, eta_min=0.05, extra=around(1000, 2000, 99000)),
        case(LONG, base_lr=1.0, T_max=1000, eta_min=1e-3, extra=around(1000, 99000)),
        case(LONG, T_max=LONG, extra=(LONG - 1,)),
        case(LONG, T_max=LONG - 1, extra=(LONG - 1,)),  # ends exactly at the minimum
        case(LONG, T_max=333, eta_min=0.2, extra=around(333, 99567)),  # eta_min > base_lr
    ],
    "constant": [
        case(1, factor=0.5, total_iters=3),
        case(20),  # defaults: factor 1/3, total_iters 5
        case(50, factor=0.3, total_iters=7),
        case(30, factor=1.0, total_iters=4),
        case(30, factor=1e-3, total_iters=1),
        case(40, base_lr=3e-4, factor=0.7, total_iters=39),
        case(100, factor=0.5, total_iters=200),  # never restored within the run
    ],
    "linear": [
        case(1, start_factor=0.5),
        case(20),  # defaults: 1/3 -> 1.0 over 5
        case(300, start_factor=0.01, end_factor=1.0, total_iters=100),
        case(300, start_factor=1.0, end_factor=0.0, total_iters=250),  # decay to exactly 0
        case(300, start_factor=0.9, end_factor=0.1, total_iters=1),
        case(100, start_factor=1.0, end_factor=1.0, total_iters=10),
        case(LONG, start_factor=0.001, end_factor=0.7, total_iters=99999, extra=(99998,)),
        case(LONG, base_lr=1.0, start_factor=0.25, end_factor=0.75, total_iters=50000,
             extra=around(50000)),
    ],
    "polynomial": [
        case(1, total_iters=3),
        case(20),  # defaults: total_iters 5, power 1
        case(300, total_iters=200, power=2.0),
        case(300, total_iters=200, power=0.5),
        case(50, total_iters=20, power=0.0),
        case(30, total_iters=1, power=3.0),
        case(LONG, total_iters=90000, power=0.9, extra=around(90000)),
    ],
    "cosine-restarts": [
        case(1, T_0=1),
        case(30, T_0=1),
        case(100, T_0=10),
        case(1000, T_0=10, T_mult=2, eta_min=0.001),
        case(500, T_0=7, T_mult=3, eta_min=0.05),
        case(200, base_lr=1.0, T_0=50, eta_min=0.5),
        case(LONG, T_0=3, T_mult=3, eta_min=0.01, extra=around(3, 12, 39, 120, 363)),
        case(LONG, T_0=1000, extra=around(1000, 50000)),
    ],
    "lambda": [
        case(1, lr_lambda="0.95 ** epoch"),
        case(300, lr_lambda="0.95 ** epoch"),
        case(100, lr_lambda="min(1.0, (epoch + 1) / 10)"),
        case(100, lr_lambda="epoch // 10 + 1"),
        case(100, lr_lambda="1 / (epoch + 1) if epoch < 50 else 0.5 * cos(pi * epoch / 100)"),
        case(200, lr_lambda="max(0.0, 1 - epoch / 150) ** 0.9"),
        case(100, lr_lambda="exp(-epoch / 20) + sqrt(epoch) / 100 + log(epoch + 1) / 50"),
        case(100, lr_lambda="(epoch % 7 - 3.5) // 2 * 0.1 + floor(epoch / 3) - ceil(epoch / 4)"),
        case(LONG, base_lr=1.0, lr_lambda="0.99999 ** epoch"),
    ],
    "multiplicative": [
        case(1, lr_lambda="0.95"),
        case(300, lr_lambda="0.95"),
        case(300, lr_lambda="1 / epoch"),  # f(0) is never called
        case(3000, lr_lambda="0.99 if epoch % 3 else 1.01"),
        case(200, lr_lambda="1 - 1 / (epoch + 10)"),
        case(LONG, lr_lambda="0.99999 + (epoch % 2) * 1e-6"),
    ],
    "cyclic": [
        case(1, max_lr=1.0),
        case(200, max_lr=1.0, step_size_up=20),
        case(500, base_lr=0.001, max_lr=0.1, step_size_up=20, step_size_down=33,
             mode="triangular2"),
        case(1000, max_lr=0.5, step_size_up=17, mode="exp_range", gamma=0.999),
        case(300, max_lr=0.5, step_size_up=17, step_size_down=0),  # sawtooth
        case(300, max_lr=0.05, step_size_up=10),  # max_lr < base_lr: inverted
        case(500, max_lr=0.5, step_size_up=17, scale_fn="0.5 ** (x - 1)"),
        case(500, max_lr=0.5, step_size_up=17, scale_fn="1 / (1 + x / 100)",
             scale_mode="iterations"),
        case(200, max_lr=0.5, step_size_up=7, mode="exp_range", gamma=0.98,
             scale_fn="1.0", scale_mode="cycle"),  # a scale_fn overrides mode
        case(300, max_lr=1.0, step_size_up=25, cycle_momentum=False),
        case(LONG, base_lr=1e-4, max_lr=1e-2, step_size_up=2000, mode="triangular2"),
    ],
    "onecycle": [
        case(1, max_lr=1.0, total_steps=1),
        case(2, max_lr=1.0, total_steps=1),
        case(1001, max_lr=1.0, total_steps=1000),
        case(1001, max_lr=0.3, total_steps=1000, anneal_strategy="linear", three_phase=True),
        case(101, max_lr=0.3, epochs=10, steps_per_epoch=10, pct_start=0.25, div_factor=10.0,
             final_div_factor=100.0),
        case(5, max_lr=0.3, total_steps=5, pct_start=0.6, three_phase=True),
        case(11, max_lr=0.3, total_steps=10, pct_start=0.9, three_phase=True),  # past T-1
        case(100, max_lr=0.1, total_steps=100, pct_start=1.0),
        case(101, max_lr=0.1, total_steps=100, pct_start=0.0),
        case(51, max_lr=2.0, total_steps=50, pct_start=0.01),  # pct_start * T < 1
        case(LONG, max_lr=0.01, total_steps=LONG, extra=around(30000)),
    ],
    "sequential": [
        case(1, schedulers=[LINEAR_WARMUP, COSINE_90], milestones=[10]),
        case(200, schedulers=[LINEAR_WARMUP, COSINE_90], milestones=[10]),
        case(200, schedulers=[LINEAR_WARMUP, {"type": "cosine", "T_max": 90, "eta_min": 0.01}],
             milestones=[10]),
        # MultiplicativeLR continues from the lr the previous schedule left
        case(200, schedulers=[LINEAR_WARMUP, {"type": "multiplicative", "lr_lambda": "0.97"}],
             milestones=[10]),
        case(200, schedulers=[{"type": "constant", "factor": 0.5, "total_iters": 20},
                              {"type": "exponential", "gamma": 0.98},
                              {"type": "multistep", "milestones": [0, 5, 5, 30], "gamma": 0.5}],
             milestones=[10, 60]),
        # constructor side effects survive: CyclicLR's lr, OneCycleLR's initial_lr
        case(200, schedulers=[{"type": "cyclic", "max_lr": 0.5, "step_size_up": 5},
                              {"type": "onecycle", "max_lr": 1.0, "total_steps": 100},
                              {"type": "lambda", "lr_lambda": "0.9 ** epoch"}],
             milestones=[30, 100]),
        case(200, schedulers=[{"type": "onecycle", "max_lr": 1.0, "total_steps": 100},
                              LINEAR_WARMUP, COSINE_90], milestones=[50, 90]),
        case(200, schedulers=[{"type": "cosine-restarts", "T_0": 7, "T_mult": 2},
                              {"type": "polynomial", "total_iters": 50, "power": 2.0},
                              {"type": "step", "step_size": 7, "gamma": 0.5}],
             milestones=[50, 120]),
        case(100, schedulers=[LINEAR_WARMUP, COSINE_90, {"type": "exponential", "gamma": 0.9}],
             milestones=[10, 10]),  # equal milestones skip the middle schedule
        # a chained first child steps without the initial guard: an extra factor at lr[0]
        case(100, schedulers=[{"type": "chained", "schedulers": [
            LINEAR_WARMUP, {"type": "cosine", "T_max": 4}]}, {"type": "exponential", "gamma": 0.9}],
            milestones=[200]),
        case(100, schedulers=[{"type": "sequential", "schedulers": [
            LINEAR_WARMUP, {"type": "cosine", "T_max": 30}], "milestones": [10]},
            {"type": "exponential", "gamma": 0.9}], milestones=[200]),
        # the cosine takes over at eta_min + (base_lr - eta_min) = 0.30000000000000004, not 0.3
        case(120, base_lr=0.3, schedulers=[LINEAR_WARMUP, {"type": "cosine", "T_max": 50,
                                                          "eta_min": 0.03}], milestones=[10]),
        case(100, schedulers=[{"type": "cosine-restarts", "T_0": 7}, {"type": "lambda",
                              "lr_lambda": "0.9 ** epoch"}, {"type": "multistep",
                              "milestones": [0, 3], "gamma": 0.5}], milestones=[20, 40]),
        case(20000, schedulers=[{"type": "linear", "start_factor": 0.001, "total_iters": 500},
                                {"type": "cosine", "T_max": 19500, "eta_min": 1e-5}],
             milestones=[500], extra=around(500)),
    ],
    "chained": [
        case(1, schedulers=[LINEAR_WARMUP, COSINE_90]),
        case(200, schedulers=[LINEAR_WARMUP, COSINE_90]),
        case(200, schedulers=[{"type": "constant", "factor": 0.5, "total_iters": 20},
                              {"type": "exponential", "gamma": 0.98}]),
        case(200, schedulers=[{"type": "cosine", "T_max": 20, "eta_min": 0.001},
                              {"type": "lambda", "lr_lambda": "0.99 ** epoch"},
                              {"type": "multiplicative", "lr_lambda": "0.999"}]),
        case(200, schedulers=[{"type": "cyclic", "max_lr": 0.5, "step_size_up": 5},
                              {"type": "exponential", "gamma": 0.99}]),
        case(200, schedulers=[{"type": "sequential", "schedulers": [LINEAR_WARMUP, COSINE_90],
                               "milestones": [10]}, {"type": "step", "step_size": 30,
                                                     "gamma": 0.5}]),
        case(200, schedulers=[{"type": "chained", "schedulers": [LINEAR_WARMUP, COSINE_90]},
                              {"type": "onecycle", "max_lr": 1.0, "total_steps": 300}]),
    ],
    "plateau": [
        case(1, metric="1 / epoch"),
        case(200, metric="1 / epoch ** 0.5 + 0.2 + 0.05 * sin(epoch)", patience=4),
        case(200, metric="1 - 1 / epoch ** 0.5 + 0.05 * sin(epoch)", mode="max", patience=4),
        case(200, metric="1 - 1 / epoch ** 0.5 + 0.05 * sin(epoch)", mode="max",
             threshold_mode="abs", threshold=0.001, patience=0),
        case(200, metric="0.5 + 0.3 * cos(epoch / 7)", patience=2, cooldown=5, factor=0.5,
             min_lr=0.003),
        case(300, metric="2.0 if epoch < 100 else 1.0", patience=10, eps=0.005),
        # rel mode with a negative best: a worse value can count as an improvement
        case(200, metric="-10 + 0.5 * sin(epoch / 3)", patience=3, threshold=0.1),
        case(150, metric="epoch % 17", patience=5, threshold=0.0, factor=0.9),
    ],
}


SERIES_CASES: list[dict] = [
    # several parameter groups (base_lr a list): every group's lr, and the momentum that
    # CyclicLR / OneCycleLR write into SGD's momentum or Adam's betas[0]
    {"kind": kind, "steps": steps, "base_lr": base_lr, "optimizer": optimizer, "params": params}
    for kind, steps, base_lr, params in [
        ("cosine", 300, [0.1, 0.01, 3e-4], {"T_max": 100, "eta_min": 1e-5}),
        ("linear", 50, [1.0, 0.5], {"start_factor": 0.1, "total_iters": 20}),
        ("cosine-restarts", 200, [0.1, 0.05], {"T_0": 10, "T_mult": 2, "eta_min": 0.001}),
        ("lambda", 100, [0.1, 0.02], {"lr_lambda": "0.95 ** epoch"}),
        ("plateau", 150, [0.1, 0.01], {"metric": "0.5 + 0.3 * cos(epoch / 7)", "patience": 2,
                                       "min_lr": 0.003}),
        ("cyclic", 300, [0.001, 0.01], {"max_lr": 0.1, "step_size_up": 20,
                                        "mode": "triangular2"}),
        ("cyclic", 300, [0.001], {"max_lr": 0.1, "step_size_up": 25, "step_size_down": 10,
                                  "mode": "exp_range", "gamma": 0.995, "base_momentum": 0.7,
                                  "max_momentum": 0.95}),
        ("onecycle", 1001, [0.1], {"max_lr": 0.5, "total_steps": 1000}),
        ("onecycle", 501, [0.1, 0.2], {"max_lr": 0.5, "total_steps": 500, "three_phase": True,
                                       "anneal_strategy": "linear"}),
        ("sequential", 200, [0.1, 0.01], {"schedulers": [
            {"type": "linear", "start_factor": 0.1, "total_iters": 10},
            {"type": "onecycle", "max_lr": 1.0, "total_steps": 200}], "milestones": [10]}),
        ("chained", 200, [0.1], {"schedulers": [
            {"type": "cyclic", "max_lr": 0.5, "step_size_up": 5},
            {"type": "exponential", "gamma": 0.99}]}),
    ]
    for optimizer in ("sgd", "adam")
]


MMDET_1X = "open-mmlab/mmdetection configs/_base_/schedules/schedule_1x.py @ " \
    "178134968e460a4c16a21c6681d03c70d6357e1c"
"""param_scheduler = [LinearLR(start_factor=0.001, by_epoch=False, end=500), MultiStepLR(
by_epoch=True, milestones=[8, 11], gamma=0.1)] over 12 epochs with SGD lr=0.02: a warm-up
stepped every iteration, then MultiStepLR every epoch (COCO's 117,266 images at 16 per batch:
7,330 iterations per epoch)."""

LOOP_CASES: list[dict] = [
    {"source": MMDET_1X, "steps_per_epoch": 7330, "steps": 12 * 7330, "base_lr": 0.02,
     "extra": (*around(500), *around(8 * 7330, 11 * 7330)),
     "schedulers": [{"type": "linear", "start_factor": 0.001, "total_iters": 500,
                     "interval": "step"},
                    {"type": "multistep", "milestones": [8, 11], "gamma": 0.1,
                     "interval": "epoch"}]},
    # the epoch scheduler first: at an epoch's end the iteration schedulers still step first
    {"source": "", "steps_per_epoch": 7, "steps": 400, "base_lr": 0.1, "extra": (),
     "schedulers": [{"type": "multistep", "milestones": [3, 5], "gamma": 0.5,
                     "interval": "epoch"},
                    {"type": "cosine", "T_max": 150, "eta_min": 0.001, "interval": "step"}]},
    # a child without interval is stepped every iteration; cosine per epoch recurses on the lr
    {"source": "", "steps_per_epoch": 13, "steps": 500, "base_lr": 0.1, "extra": (),
     "schedulers": [{"type": "exponential", "gamma": 0.9, "interval": "epoch"},
                    {"type": "linear", "start_factor": 0.01, "total_iters": 40},
                    {"type": "cosine", "T_max": 20, "interval": "epoch"}]},
    # CyclicLR stepped per iteration sets the lr outright; ExponentialLR per epoch scales it
    {"source": "", "steps_per_epoch": 9, "steps": 300, "base_lr": 0.1, "extra": (),
     "schedulers": [{"type": "cyclic", "max_lr": 1.0, "step_size_up": 40, "interval": "step"},
                    {"type": "exponential", "gamma": 0.8, "interval": "epoch"}]},
]
"""Separate schedulers on one optimizer stepped by the training loop at their own intervals:
lrplot's chained schedule whose children have an interval."""


def loop_goldens() -> list[dict]:
    out = []
    for c in LOOP_CASES:
        lr = torch_loop_lrs(c["schedulers"], c["steps"], c["steps_per_epoch"], c["base_lr"])
        indices = subsample(c["steps"], c["extra"], full_limit=FULL_LIMIT, samples=SAMPLES,
                            edge=EDGE)
        values = lr if indices is None else lr[indices]
        out.append({**{k: v for k, v in c.items() if k != "extra"}, "indices": indices,
                    "lr": [float(v) for v in values]})
    return out


def series_goldens() -> list[dict]:
    out = []
    for c in SERIES_CASES:
        values = torch_series(c["kind"], c["steps"], c["base_lr"], c["optimizer"], **c["params"])
        out.append({**c, "lr": values["lr"].tolist(), "momentum": values["momentum"].tolist()})
    return out


def case_id(kind: str, c: dict) -> str:
    params = ",".join(f"{k}={_short(v)}" for k, v in c["params"].items())
    return f"{kind}[n={c['steps']},base_lr={c['base_lr']!r},{params}]"


def _short(value: Any) -> str:
    if isinstance(value, list) and len(value) > 8:
        return f"[{value[0]},{value[1]},...({len(value)} items)]"
    return repr(value).replace(" ", "")


def main() -> None:
    missing = set(CASES) - set(TORCH_KINDS)
    if missing:
        sys.exit(f"no torch oracle entry for {sorted(missing)}: add it to tests/torch_oracle.py")
    cases = []
    seen = set()
    for kind, kind_cases in CASES.items():
        for c in kind_cases:
            ident = case_id(kind, c)
            if ident in seen:
                sys.exit(f"duplicate golden case {ident}")
            seen.add(ident)
            lr = torch_lrs(kind, c["steps"], c["base_lr"], **c["params"])
            indices = subsample(c["steps"], c["extra"], full_limit=FULL_LIMIT, samples=SAMPLES,
                                edge=EDGE)
            values = lr if indices is None else lr[indices]
            cases.append({
                "id": ident,
                "kind": kind,
                "steps": c["steps"],
                "base_lr": c["base_lr"],
                "params": c["params"],
                "indices": indices,
                "lr": [float(v) for v in values],
            })
    dump_goldens({
        "torch_version": torch.__version__,
        "generator": "python scripts/make_goldens.py",
        "convention": "lr[0] = optimizer lr after constructing the scheduler; lr[i] after i "
                      "scheduler.step() calls; 'indices' lists the stored steps of a "
                      "subsampled run (null: every step is stored)",
        "cases": cases,
    })
    series = series_goldens()
    dump_goldens({"torch_version": torch.__version__,
                  "generator": "python scripts/make_goldens.py",
                  "convention": "per parameter group (base_lr a list): lr[g][i] and "
                                "momentum[g][i] (SGD momentum or Adam betas[0]) after i "
                                "scheduler.step() calls",
                  "cases": series}, SERIES_GOLDEN_PATH)
    dump_goldens({"torch_version": torch.__version__,
                  "generator": "python scripts/make_goldens.py",
                  "convention": "separate schedulers on one SGD optimizer (lr = base_lr), built "
                                "in order; after every iteration the loop steps those with "
                                "interval step, then at the end of every epoch of "
                                "steps_per_epoch iterations those with interval epoch; lr[i] "
                                "is the lr of optimizer step i; 'indices' as in torch.json",
                  "cases": loop_goldens()}, LOOP_GOLDEN_PATH)
    size = GOLDEN_PATH.stat().st_size
    print(f"wrote {len(cases)} cases from torch {torch.__version__} to "
          f"{GOLDEN_PATH.relative_to(ROOT)} ({size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
