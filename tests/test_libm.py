"""lrplot.libm gives the C library's values (Python's math) on every processor.

numpy's own SIMD exp, log, tan and power differ from libm in the last bit on AVX-512 machines;
these tests hold wherever they run, and the parity tests depend on them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrplot import libm

RNG = np.random.default_rng(7)
WIDE = np.concatenate([RNG.uniform(-50, 50, 20000), RNG.uniform(0, 1, 20000),
                       np.arange(0.0, 2000.0)])

UNARY = [
    ("cos", math.cos, WIDE),
    ("sin", math.sin, WIDE),
    ("tan", math.tan, WIDE),
    ("tanh", math.tanh, WIDE),
    ("exp", math.exp, WIDE[np.abs(WIDE) < 700]),
    ("log", math.log, np.abs(WIDE[WIDE != 0])),
    ("log10", math.log10, np.abs(WIDE[WIDE != 0])),
]


@pytest.mark.parametrize("name, math_fn, x", UNARY, ids=[u[0] for u in UNARY])
def test_unary_functions_equal_math_bit_for_bit(name, math_fn, x):
    values = getattr(libm, name)(x)
    assert values.dtype == np.float64 and values.shape == x.shape
    assert values.tolist() == [math_fn(v) for v in x.tolist()]


def test_power_equals_python_float_power_and_broadcasts():
    base = RNG.uniform(0, 1, 5000)
    exponent = RNG.uniform(0, 60, 5000)
    assert libm.power(base, exponent).tolist() == [b ** e for b, e in
                                                  zip(base.tolist(), exponent.tolist())]
    steps = np.arange(300)
    assert libm.power(0.95, steps).tolist() == [0.95 ** float(t) for t in range(300)]
    assert libm.power(base[:7], 0.9).tolist() == [b ** 0.9 for b in base[:7].tolist()]
    grid = libm.power(np.array([[0.5], [0.25]]), np.arange(3.0))
    assert grid.tolist() == [[1.0, 0.5, 0.25], [1.0, 0.25, 0.0625]]


def test_a_grid_over_many_blocks_equals_python_float_power():
    """Rows of a sweep broadcast against a long run: the blocks the values are computed in
    cross rows, and each must read its inputs before the next overwrites them."""
    bases = np.array([[0.5], [0.999], [1.5]])
    exponent = RNG.uniform(0, 40, (1, 3 * libm.BLOCK + 5))
    grid = libm.power(bases, exponent)
    assert grid.shape == (3, 3 * libm.BLOCK + 5)
    assert grid.tolist() == [[b ** e for e in exponent[0].tolist()] for b in (0.5, 0.999, 1.5)]


@pytest.mark.parametrize("exponent", [2.0, 0.5, -1.0, 3.0, -2.0, 1.0, 0.0])
def test_power_with_one_exponent_takes_no_shortcut(exponent):
    """numpy computes ``x ** 2`` as ``x * x`` (and ``x ** 0.5`` as a square root) when the
    exponent is one number; C's pow differs from those in the last bit now and then."""
    base = RNG.uniform(0, 1, 200_000)
    assert libm.power(base, exponent).tolist() == [b ** exponent for b in base.tolist()]


def test_domain_errors_give_numpy_placeholders_not_exceptions():
    with np.errstate(all="ignore"):
        assert libm.exp(np.array([1000.0])).tolist() == [math.inf]
        logs = libm.log(np.array([0.0, -1.0]))
        assert logs[0] == -math.inf and math.isnan(logs[1])
        assert math.isnan(libm.power(-2.0, np.array([0.5]))[0])
    assert libm.cos(np.array([])).shape == (0,)
    assert libm.cos(1.0).shape == ()


def test_the_per_element_fallback_is_exact_too():
    """The path taken where numpy's plain loop does not give libm's values."""
    exp = libm._per_element(np.exp, math.exp)
    power = libm._per_element(np.power, math.pow)
    x = WIDE[np.abs(WIDE) < 700]
    assert exp(x).tolist() == [math.exp(v) for v in x.tolist()]
    assert power(0.95, np.arange(50)).tolist() == [0.95 ** float(t) for t in range(50)]
    with np.errstate(all="ignore"):
        assert exp(np.array([1000.0])).tolist() == [math.inf]
        assert math.isnan(power(np.array([-2.0]), 0.5)[0])


def _hard_values(ufunc, math_fn, candidates, count=40):
    """Inputs where numpy's own ufunc differs from ``math`` on this processor (its SIMD loop),
    first, then ordinary ones: the values a call that slips into that loop gets wrong."""
    with np.errstate(all="ignore"):
        own = ufunc(*candidates).tolist()
    rows = list(zip(*(c.tolist() for c in candidates)))
    wrong = [r for r, v in zip(rows, own) if v != math_fn(*r)]
    return (wrong + rows)[:count]


SHORT = [(name, getattr(np, name), fn, (x[:20000],)) for name, fn, x in UNARY] + [
    ("power", np.power, math.pow, (RNG.uniform(0, 2, 20000), RNG.uniform(-30, 30, 20000))),
]


@pytest.mark.parametrize("name, ufunc, math_fn, candidates", SHORT, ids=[s[0] for s in SHORT])
def test_one_value_gives_what_a_long_array_gives(name, ufunc, math_fn, candidates):
    """A scalar, a one-element array and the last value of ``BLOCK + 1`` values: one element
    behind one element does not overlap it, and numpy's SIMD loop gave other values there
    (exp, log, log10, tan and pow on AVX-512) than the same values in a long array."""
    fn = getattr(libm, name)
    hard = _hard_values(ufunc, math_fn, candidates)
    columns = [np.array(c) for c in zip(*hard)]
    expected = [math_fn(*r) for r in hard]
    assert fn(*columns).tolist() == expected
    assert [float(fn(*r)) for r in hard] == expected
    assert [fn(*(np.array([v]) for v in r)).tolist() for r in hard] == [[e] for e in expected]
    for r, e in zip(hard[:8], expected):
        last = [np.concatenate([np.full(libm.BLOCK, v), [v]]) for v in r]
        assert fn(*last)[-1] == e
        assert fn(*(np.full(2 * libm.BLOCK + 1, v) for v in r)).tolist()[-1] == e


def test_into_out_and_in_place():
    """``out=``: the values of a new array, written in place (the first operand itself
    included), also into views that are not contiguous."""
    x = RNG.uniform(-700, 700, 3 * libm.BLOCK + 1)
    expected = [math.exp(v) for v in x.tolist()]
    y = x.copy()
    assert libm.exp(y, out=y) is y and y.tolist() == expected
    grid = np.zeros((2, len(x)))
    libm.exp(x, out=grid[1])
    assert grid[1].tolist() == expected and not grid[0].any()
    every_other = np.zeros(2 * len(x))
    libm.exp(x, out=every_other[::2])
    assert every_other[::2].tolist() == expected
    bases = RNG.uniform(0, 2, len(x))
    exponents = RNG.uniform(-30, 30, len(x))
    expected = [b ** e for b, e in zip(bases.tolist(), exponents.tolist())]
    assert libm.power(bases, exponents, out=exponents) is exponents  # the second operand
    assert exponents.tolist() == expected


def _c_powf_of(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    c_powf = libm._c_powf()
    if c_powf is None:
        pytest.skip("no C powf reachable through ctypes here")
    return np.array([c_powf(a, b) for a, b in zip(x.tolist(), y.tolist())], dtype=np.float32)


def _pow_pairs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Bases and exponents of every size, and the exponents torch and numpy special-case
    elsewhere (0.5, 2, 3, -0.5, -1, -2), as float32."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, n).astype(np.float32)
    y = rng.uniform(-5.0, 5.0, n).astype(np.float32)
    x[: n // 4] = rng.uniform(0.0, 10.0, n // 4)
    y[n // 4: n // 2] = rng.integers(-50, 200, n // 4)
    special = np.array([0.5, 2.0, 3.0, -0.5, -1.0, -2.0, 1.0, 0.0], dtype=np.float32)
    y[n // 2: n // 2 + n // 8] = special[np.arange(n // 8) % len(special)]
    return x, y


def test_powf_equals_c_powf_on_long_arrays_and_lone_values():
    x, y = _pow_pairs(1 << 20, 20261205)
    expected = _c_powf_of(x, y)
    with np.errstate(all="ignore"):
        actual = libm.powf(x, y)
    assert actual.dtype == np.float32
    np.testing.assert_array_equal(actual.view(np.int32), expected.view(np.int32))
    for a, b, e in zip(x[::4099].tolist(), y[::4099].tolist(), expected[::4099].tolist()):
        assert float(libm.powf(a, b)) == e  # one value alone takes the same loop


def test_powf_is_not_pow_rounded_to_float32():
    """sqrt(f32(1) - f32(206) / f32(211)): C pow's double lies near a float32 midpoint and
    rounds down; powf (and torch) give the upper neighbour."""
    x = np.float32(1) - np.float32(206) / np.float32(211)
    assert float(libm.powf(x, 0.5)) == 0.1539372056722641
    assert float(np.float32(libm.power(x, 0.5))) == 0.1539371907711029


def test_powf_equals_torch_float32_pow_of_0d_tensors():
    """Keras on torch computes ``ops.power`` of two 0-d float32 tensors: torch's scalar path,
    exponents 0.5 and 2 not special-cased (only a Python-number exponent is)."""
    torch = pytest.importorskip("torch")
    x, y = _pow_pairs(1 << 15, 20261206)
    expected = np.array([torch.pow(torch.tensor(a), torch.tensor(b)).item()
                         for a, b in zip(x, y)], dtype=np.float32)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(libm.powf(x, y).view(np.int32), expected.view(np.int32))
