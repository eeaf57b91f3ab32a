"""kernel_tools.pow_python: Python's ``x ** y`` bit for bit, with the shortcuts for 1, 2 and 0.5
(sqrt and x * x, C pow near a rounding midpoint) checked against math.pow."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from lrplot.kernel_tools import CACHE_BLOCK, Scratch, pow_python, sqrt_python

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


# -- hostile samples for the square root that is C pow ------------------------------------------

def _near_midpoints(count: int, seed: int) -> np.ndarray:
    """Doubles whose exact square root lies within a few billionths of an ulp of a rounding
    midpoint: the squares of midpoints ``r + ulp(r) / 2``, rounded, and their neighbours."""
    rng = np.random.default_rng(seed)
    roots = np.concatenate([rng.uniform(1.0, 2.0 ** 30, count // 2),
                            2.0 ** rng.uniform(-400.0, 400.0, count // 2)])
    out = []
    for r in roots.tolist():
        midpoint = Fraction(r) + Fraction(math.ulp(r)) / 2
        x = float(midpoint * midpoint)
        out += [x, math.nextafter(x, 0.0), math.nextafter(x, math.inf)]
    return np.asarray(out)


HOSTILE = {
    "near-midpoints": _near_midpoints(3000, 5),
    "perfect squares and neighbours": np.concatenate(
        [k ** 2 + d for k in (np.arange(1.0, 3000.0), 2.0 ** 26 - np.arange(50.0))
         for d in (-1.0, 0.0, 1.0)]),
    "powers of four and two": np.concatenate([2.0 ** np.arange(-1074, 1024, dtype=np.float64),
                                              np.nextafter(2.0 ** np.arange(-1000, 1000.0),
                                                           np.inf)]),
    "subnormals": np.concatenate([[5e-324, 1e-323, 2.0 ** -1022 - 5e-324],
                                  np.random.default_rng(6).uniform(0.0, 2.0 ** -1022, 3000)]),
    "huge": np.concatenate([[np.finfo(np.float64).max, 2.0 ** 1020, 2.0 ** 1023],
                            np.random.default_rng(7).uniform(1e300, 1.7e308, 3000)]),
    "range edges": np.concatenate([np.nextafter(2.0 ** -900, [0.0, np.inf]), [2.0 ** -900],
                                   np.nextafter(2.0 ** 1020, [0.0, np.inf]), [2.0 ** 1020]]),
    "mixed binades, shuffled": np.random.default_rng(8).permutation(np.concatenate(
        [np.random.default_rng(9).uniform(0.0, 1e12, 30_000), [0.0, math.inf, 1.0, 4.0]])),
}


def _python(x: np.ndarray, y: float) -> list[float]:
    return [v ** y for v in x.tolist()]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_sqrt_python_is_python_on_hostile_samples(name):
    x = HOSTILE[name]
    expected = _python(x, 0.5)
    assert expected == [math.pow(v, 0.5) for v in x.tolist()]  # ** is C pow
    assert sqrt_python(x).tolist() == expected
    assert pow_python(x, 0.5).tolist() == expected
    ordered = np.sort(x)
    assert sqrt_python(ordered, increasing=True).tolist() == _python(ordered, 0.5)


def test_sqrt_python_outside_the_domain_is_c_pow():
    """C pow's answers where Python's ``**`` raises or gives a complex number: NaN for NaN and
    negatives, ``pow(-0.0, 0.5) == 0.0``, ``pow(-inf, 0.5) == inf``."""
    with np.errstate(invalid="ignore"):
        got = sqrt_python(np.array([math.nan, -1.0, -0.0, -math.inf, 4.0, -1e-300]))
    assert np.isnan(got[[0, 1, 5]]).all()
    assert got[[2, 3, 4]].tolist() == [0.0, math.inf, 2.0]


def test_sqrt_python_near_midpoints_reach_pow_and_matter():
    """The samples are hostile: sqrt alone differs from pow on some near-midpoint values."""
    x = HOSTILE["near-midpoints"]
    assert np.sqrt(x).tolist() != _python(x, 0.5)


def test_sqrt_python_into_out_with_a_shared_scratch_over_many_blocks():
    work = Scratch()
    x = np.arange(1.0, 3 * CACHE_BLOCK + 7) * 512.0
    out = np.full(len(x), -1.0)
    assert sqrt_python(x, out=out, work=work, increasing=True) is out
    assert out.tolist() == _python(x, 0.5)
    y = HOSTILE["mixed binades, shuffled"]
    assert sqrt_python(y, work=work).tolist() == _python(y, 0.5)  # the same scratch again


@pytest.mark.parametrize("name", ["near-midpoints", "perfect squares and neighbours",
                                  "powers of four and two", "subnormals", "huge"])
def test_square_is_python_on_hostile_samples(name):
    x = np.sqrt(HOSTILE[name])  # squares of these land on the hostile values
    with np.errstate(over="ignore"):
        assert pow_python(x, 2.0).tolist() == _python(x, 2.0)
