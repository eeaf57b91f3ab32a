"""kernel_tools.pow_python: Python's ``x ** y`` bit for bit, with the shortcuts for 1, 2 and 0.5
(sqrt and x * x, C pow near a rounding midpoint) checked against math.pow."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrplot.kernel_tools import pow_python

RNG = np.random.default_rng(20261205)
PROBES = {
    "integers": np.arange(0, 200_000, dtype=np.float64),
    "fractions": RNG.uniform(0.0, 1.0, 100_000),
    "large": RNG.uniform(0.0, 1e12, 50_000),
    "ratios": np.arange(1, 50_001) / 50_001.0,
    "edges": np.array([0.0, 5e-324, 1e-310, 2.0 ** -1022, 1.0, 2.0 ** 52 + 1, 1e150]),
}


@pytest.mark.parametrize("y", [0.5, 2.0, 1.0, -0.5, 1.7])
@pytest.mark.parametrize("probe", sorted(PROBES))
def test_pow_python_is_math_pow(probe, y):
    x = PROBES[probe]
    expected = [math.pow(v, y) if not (v == 0 and y < 0) else math.inf for v in x.tolist()]
    with np.errstate(divide="ignore"):
        got = pow_python(x, y)
    assert got.tolist() == expected


@pytest.mark.parametrize("size", [0, 1, 2, 3])
def test_short_arrays(size):
    x = np.arange(size, dtype=np.float64) + 2.0
    assert pow_python(x, 0.5).tolist() == [math.pow(v, 0.5) for v in x.tolist()]
