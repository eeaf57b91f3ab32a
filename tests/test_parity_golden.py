"""lrplot against lr series recorded from real torch 2.13 (tests/golden/torch.json).

Needs no torch.
Regenerate the fixture with ``python scripts/make_goldens.py``; add cases for a new kind there.
Also here: the values lrplot refuses, which torch would crash on or silently misuse.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrplot
from lrplot import schedules
from lrplot.spec import SpecError
from torch_oracle import TORCH_KINDS, assert_lr_close, load_goldens

GOLDENS = load_goldens()
CASES = GOLDENS["cases"]


def test_goldens_come_from_torch_2_13():
    assert GOLDENS["torch_version"].startswith("2.13."), GOLDENS["torch_version"]


def test_every_torch_kind_has_goldens():
    """A new torch kind in lrplot needs golden cases (scripts/make_goldens.py: CASES)."""
    covered = {c["kind"] for c in CASES}
    torch_kinds = {k.name for k in schedules.all_kinds() if k.framework == "torch"}
    assert torch_kinds - covered == set(), "add golden cases to scripts/make_goldens.py"


@pytest.mark.parametrize("kind", sorted(TORCH_KINDS))
def test_oracle_uses_the_class_lrplot_names(kind):
    """The oracle steps the torch class that lrplot claims to reproduce."""
    entry = TORCH_KINDS[kind]
    if isinstance(entry, str):
        assert schedules.get(kind).framework_class == entry


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_torch(case):
    lr = lrplot.schedule(case["kind"], steps=case["steps"], base_lr=case["base_lr"],
                         **case["params"])
    assert isinstance(lr, np.ndarray)
    assert lr.dtype == np.float64
    assert lr.shape == (case["steps"],)
    indices = case["indices"]
    actual = lr if indices is None else lr[indices]
    assert_lr_close(actual, case["lr"], indices=indices, context=case["id"])


def test_framework_class_name_gives_the_same_series():
    for kind, params in [("cosine", {"T_max": 7, "eta_min": 0.05}),
                         ("multistep", {"milestones": [3, 1]})]:
        cls = schedules.get(kind).framework_class
        np.testing.assert_array_equal(lrplot.schedule(cls, steps=50, **params),
                                      lrplot.schedule(kind, steps=50, **params))


# -- refusals -------------------------------------------------------------------------------

GOOD = {
    "exponential": {"gamma": 0.9},
    "step": {"step_size": 10, "gamma": 0.5},
    "multistep": {"milestones": [10, 20], "gamma": 0.5},
    "cosine": {"T_max": 10, "eta_min": 0.0},
}
"""Valid parameters for each kind; each refusal below overrides one of them."""

BAD_GAMMAS = [math.nan, math.inf, -math.inf, -0.5, 0.0, -0.0]

REFUSALS = [
    ("cosine", "T_max", 0),
    ("cosine", "T_max", -5),
    ("cosine", "T_max", 2.5),
    ("cosine", "eta_min", -0.01),
    ("cosine", "eta_min", math.nan),
    ("cosine", "eta_min", math.inf),
    ("step", "step_size", 0),
    ("step", "step_size", -3),
    ("step", "step_size", 2.5),
    ("multistep", "milestones", [10, -1]),
    ("multistep", "milestones", [2.5]),
    *[(kind, "gamma", g) for kind in ("exponential", "step", "multistep") for g in BAD_GAMMAS],
]


@pytest.mark.parametrize("kind, name, value", REFUSALS,
                         ids=[f"{k}-{n}={v!r}" for k, n, v in REFUSALS])
def test_refuses_invalid_parameters(kind, name, value):
    params = {**GOOD[kind], name: value}
    with pytest.raises(SpecError, match=name):
        lrplot.schedule(kind, steps=20, **params)


@pytest.mark.parametrize("base_lr", [0.0, -0.1, math.nan, math.inf])
def test_refuses_invalid_base_lr(base_lr):
    with pytest.raises(SpecError, match="base_lr"):
        lrplot.schedule("exponential", steps=20, base_lr=base_lr, gamma=0.9)
