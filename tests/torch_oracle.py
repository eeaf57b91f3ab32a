"""Parity helpers shared by scripts/make_goldens.py and the parity tests.

- :func:`torch_lrs` steps a real ``torch.optim.lr_scheduler`` and records the lr series, with
  lrplot's convention: ``lr[0]`` right after construction, ``lr[i]`` after ``i`` calls of
  ``scheduler.step()``. It is the only place that drives torch.
- :func:`assert_lr_close` is the comparison every parity test uses.
- :func:`load_goldens` / :func:`dump_goldens` read and write ``tests/golden/torch.json``.

torch is imported lazily, so the golden tests can import this module without torch installed.

Adding a kind: add one entry to :data:`TORCH_KINDS` — the torch class name when lrplot's
parameters are torch's constructor arguments, or a builder ``f(optimizer, params) -> scheduler``
when they need translating (a lambda given as text, child schedulers, ...).
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any, Callable, Mapping, Union

import numpy as np

Builder = Callable[[Any, Mapping[str, Any]], Any]

TORCH_KINDS: dict[str, Union[str, Builder]] = {
    "exponential": "ExponentialLR",
    "step": "StepLR",
    "multistep": "MultiStepLR",
    "cosine": "CosineAnnealingLR",
}
"""lrplot kind name -> torch scheduler class name, or a builder for kinds that need one."""

GOLDEN_PATH = Path(__file__).parent / "golden" / "torch.json"

RTOL = 1e-12
"""Relative tolerance of every parity comparison."""

TINY = 1e-300
"""Absolute slack, so that an exact 0 (lr == eta_min == 0 at T_max) or an underflowed value
is matched by 0 or by something negligibly small; far below any normal float64 lr."""


def _torch_arg(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def build_scheduler(kind: str, optimizer: Any, params: Mapping[str, Any]) -> Any:
    from torch.optim import lr_scheduler

    entry = TORCH_KINDS[kind]
    if callable(entry):
        return entry(optimizer, params)
    cls = getattr(lr_scheduler, entry)
    return cls(optimizer, **{k: _torch_arg(v) for k, v in params.items()})


def torch_lrs(kind: str, steps: int, base_lr: float = 0.1, **params: Any) -> np.ndarray:
    """``lr[0..steps-1]`` as torch computes it: SGD on one parameter, a fresh scheduler, and
    ``param_groups[0]['lr']`` after construction and after each ``scheduler.step()``."""
    import torch

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=base_lr)
    group = optimizer.param_groups[0]
    out = np.empty(steps)
    with warnings.catch_warnings():
        # "lr_scheduler.step() before optimizer.step()" and friends: values are unaffected.
        warnings.simplefilter("ignore")
        scheduler = build_scheduler(kind, optimizer, params)
        out[0] = group["lr"]
        for i in range(1, steps):
            scheduler.step()
            out[i] = group["lr"]
    return out


def assert_lr_close(actual: Any, expected: Any, *, indices: Any = None, context: str = "") -> None:
    """``actual`` matches ``expected`` within :data:`RTOL` relative (+ :data:`TINY` absolute).

    Equal values (infinities included) and NaN against NaN always match. On failure the
    message lists the first mismatching steps with both values and their relative error.
    """
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{context}: shape {actual.shape} != {expected.shape}"
    same = (actual == expected) | (np.isnan(actual) & np.isnan(expected))
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.abs(actual - expected) <= RTOL * np.abs(expected) + TINY
    bad = np.flatnonzero(~(same | close))
    if bad.size == 0:
        return
    steps = np.arange(len(expected)) if indices is None else np.asarray(indices)
    lines = [f"{context}: {bad.size} of {expected.size} values differ by more than rtol={RTOL}"]
    for j in bad[:8]:
        e, a = float(expected[j]), float(actual[j])
        rel = abs(a - e) / abs(e) if e != 0 else math.inf
        lines.append(f"  step {steps[j]}: expected {e!r}, got {a!r} (rel err {rel:.3g})")
    raise AssertionError("\n".join(lines))


def load_goldens(path: Path = GOLDEN_PATH) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def dump_goldens(data: Mapping[str, Any], path: Path = GOLDEN_PATH) -> None:
    """Write the fixture compactly, one case per line (reviewable diffs, small file).

    ``json`` writes floats with ``repr``, which round-trips float64 exactly.
    """
    head = {k: v for k, v in data.items() if k != "cases"}
    lines = [json.dumps(case, allow_nan=False, separators=(",", ":")) for case in data["cases"]]
    text = json.dumps(head, indent=1, allow_nan=False)[:-2]
    text += ',\n "cases": [\n' + ",\n".join(lines) + "\n ]\n}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
