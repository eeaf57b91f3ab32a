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

from torch_oracle import GOLDEN_PATH, TORCH_KINDS, dump_goldens, torch_lrs  # noqa: E402

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
}


def subsample(steps: int, extra: tuple[int, ...]) -> list[int] | None:
    """The stored step indices of a run, or None when every value is stored."""
    if steps <= FULL_LIMIT:
        return None
    stride = _prime_at_least(steps // SAMPLES)
    keep = set(range(0, steps, stride)) | set(range(EDGE)) | set(range(steps - EDGE, steps))
    keep |= {t for t in extra if 0 <= t < steps}
    return sorted(keep)


def _prime_at_least(n: int) -> int:
    n = max(n, 2)
    while any(n % d == 0 for d in range(2, int(n**0.5) + 1)):
        n += 1
    return n


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
            indices = subsample(c["steps"], c["extra"])
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
    size = GOLDEN_PATH.stat().st_size
    print(f"wrote {len(cases)} cases from torch {torch.__version__} to "
          f"{GOLDEN_PATH.relative_to(ROOT)} ({size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
