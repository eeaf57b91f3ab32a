"""Helpers shared by the kernels of the non-torch frameworks (transformers, timm, Keras, Optax).

Those frameworks compute their schedules as closed forms of the step in Python floats
(transformers, timm) or in float32 tensors (Keras, Optax). Python floats are IEEE doubles, so
numpy's float64 ``+ - * /`` and ``sqrt`` give the same bits, operation for operation — as long as
the kernel keeps the framework's order of operations. Transcendental functions come from
:mod:`lrplot.libm`: the C library's values (those of Python's ``math``) on every processor.
"""

from __future__ import annotations

import math
from itertools import repeat
from typing import Any, Callable, Iterator

import numpy as np

from lrplot import libm

CHUNK = 1 << 20
"""Steps evaluated at once, and values per streamed piece of a series (lrplot.compute): 8 MiB of
float64, large enough to amortize numpy's overhead, small enough for memory."""

Chunks = Iterator[np.ndarray]


def spans(n: int, chunk: int) -> Iterator[np.ndarray]:
    """The step numbers ``0..n-1`` as consecutive int64 arrays of at most ``chunk`` steps."""
    for start in range(0, n, chunk):
        yield np.arange(start, min(n, start + chunk), dtype=np.int64)


CACHE_BLOCK = 1 << 16
"""Steps a closed form is evaluated on at once: 512 kB of float64 per array, so that its chain
of element-wise passes (an argument, its cosine, the affine map around it) stays in the
processor's cache from one pass to the next, with numpy's per-call overhead spread over enough
values (blocks of 2^14 were slower). Kernels compute in place where they can: a fresh
temporary of this size can be fresh pages from the system (glibc's malloc maps large blocks and
returns freed memory), and first touching a page costs more here than the arithmetic on it —
``x - y * y`` over 2^16 values took 6 ns a value, ``y * y; y -= x`` 0.5."""


def blockwise(n: int, chunk: int, fill: Callable[[int, int, np.ndarray], None]) -> Chunks:
    """A schedule computed block by block in place: ``fill(begin, end, out)`` writes the values
    of the steps ``begin..end-1`` (at most :data:`CACHE_BLOCK` of them) into ``out``, a view of
    the chunk being built."""
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        out = np.empty(stop - start, dtype=np.float64)
        for begin in range(start, stop, CACHE_BLOCK):
            end = min(stop, begin + CACHE_BLOCK)
            fill(begin, end, out[begin - start:end - start])
        yield out


def closed_form(n: int, chunk: int, lr_of: Callable[[np.ndarray], np.ndarray]) -> Chunks:
    """A schedule that is a pure function of the step: ``lr_of(t)`` chunk by chunk, each chunk
    filled cache block by cache block. ``lr_of`` takes any increasing run of step numbers (int64)
    and works element-wise, so the blocks change nothing but the speed."""
    def fill(begin: int, end: int, out: np.ndarray) -> None:
        out[...] = lr_of(np.arange(begin, end, dtype=np.int64))

    return blockwise(n, chunk, fill)


class Scratch:
    """Work arrays of one cache block, made once per run and reused by every block, so that a
    kernel's temporaries are memory already touched (see :data:`CACHE_BLOCK`)."""

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def __call__(self, name: str, size: int, dtype: Any = np.float64) -> np.ndarray:
        """The work array ``name``'s first ``size`` elements (``size <= CACHE_BLOCK``)."""
        array = self._arrays.get(name)
        if array is None:
            array = self._arrays[name] = np.empty(CACHE_BLOCK, dtype=dtype)
        return array[:size]

    def steps(self, begin: int, end: int, scale: int = 1, dtype: Any = np.int64) -> np.ndarray:
        """``np.arange(begin, end) * scale`` in a work array of ``dtype`` (float64 holds the
        integers exactly below 2**53)."""
        out = self(f"steps-{np.dtype(dtype).name}", end - begin, dtype)
        np.add(self.offsets(end - begin), begin, out=out)
        if scale != 1:
            np.multiply(out, scale, out=out)
        return out

    def offsets(self, size: int) -> np.ndarray:
        """``0, 1, ..., size - 1`` (int64, made once)."""
        array = self._arrays.get("offsets")
        if array is None:
            array = self._arrays["offsets"] = np.arange(CACHE_BLOCK, dtype=np.int64)
        return array[:size]


def pymax0(x: np.ndarray) -> np.ndarray:
    """Python's ``max(0.0, x)`` element-wise: ``x`` when ``x > 0``, else ``0.0`` (NaN -> 0.0,
    -0.0 -> 0.0), which ``np.maximum`` does not reproduce."""
    return np.where(x > 0.0, x, 0.0)


# -- float32 arithmetic (Keras, Optax on jax) ---------------------------------------------------
#
# Keras and jax compute schedules in float32. numpy's float32 + - * / floor ceil are IEEE
# float32, exactly what the frameworks' CPU kernels do. Their float32 cos, log, exp and pow are
# backend-specific approximations that are not always correctly rounded (torch's and XLA's differ
# from each other by an ulp now and then); lrplot uses the C library's float64 value rounded once
# to float32 (the same on every processor), which matches the frameworks at almost every step
# and is within a float32 ulp of each of them everywhere.

F32 = np.float32


def f32(x: Any) -> np.ndarray:
    """``x`` rounded to float32 (a Python float or an array)."""
    return np.asarray(x, dtype=np.float64).astype(F32)


def cos32(x: np.ndarray) -> np.ndarray:
    return libm.cos(x).astype(F32)


def log32(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return libm.log(x).astype(F32)


def exp32(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return libm.exp(x).astype(F32)


def pow32(x: Any, y: Any) -> np.ndarray:
    """C ``pow`` rounded to float32 (Optax: XLA's float32 pow is not C powf either)."""
    with np.errstate(all="ignore"):
        return libm.power(x, y).astype(F32)


def powf32(x: Any, y: Any) -> np.ndarray:
    """C ``powf`` on float32: torch's float32 pow of 0-d tensors (Keras on torch), bit for bit,
    exponents 0.5 and 2 included (torch special-cases those only for a Python-number exponent)."""
    return libm.powf(x, y)


def fma32(a: Any, b: Any, c: Any) -> np.ndarray:
    """float32 ``a * b + c`` with one rounding, as a fused multiply-add (XLA's CPU code contracts
    a multiplication feeding an addition into one): the float64 product of two float32 numbers
    is exact, and the float64 sum is rounded once more to float32 (a double rounding that
    differs from a true fma only when the float64 sum lands exactly halfway, rarely)."""
    with np.errstate(over="ignore"):
        return (np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)
                + np.asarray(c, dtype=np.float64)).astype(F32)


# -- Python's x ** y, fast where it can be ------------------------------------------------------
#
# Python's ``x ** y`` is C ``pow``. glibc's pow (sysdeps/ieee754/dbl-64/e_pow.c, the Arm
# optimized-routines code) states its worst-case error as 0.54 ulp: the double nearest to an
# approximation that is within 0.04 ulp of the exact value. The correctly rounded result that
# numpy's ``sqrt`` and ``x * x`` give is therefore pow's too wherever the exact value is far
# enough from a rounding midpoint, and the exact residual (Dekker's exact products) tells where.
#
# The criterion, for a correctly rounded ``r`` (``sqrt(x)`` or ``x * x``) of the exact value
# ``s``, ``e = s - r``, ``|e| <= ulp(r) / 2``: if ``r`` is not a power of two and ``|e| < 0.46
# ulp(r)``, then ``s`` lies in ``r``'s binade (``s > r - ulp/2 > 2**k``), the doubles next to
# ``r`` are ``r +- ulp(r)``, each more than ``ulp(r) - 0.46 ulp(r) = 0.54 ulp`` from ``s``, so a
# pow within 0.54 ulp of ``s`` returns ``r``. A power of two ``r`` has a neighbour below at half
# an ulp: those go to pow. Everything the test does not clear goes to pow (:mod:`lrplot.libm`),
# so the cost of a wrong "near" is only time.

_EXPONENT = np.int64(0x7FF0 << 48)
"""The exponent bits of a double: ``(r & _EXPONENT)`` viewed as a double is r's power of two."""
_HIGH_HALF = np.int64(-1 << 27)
"""Clears the low 27 of the 52 stored bits: a double's leading 26 significant bits."""
_SQRT_RANGE = (2.0 ** -900, 2.0 ** 1020)
"""Where the residual's products neither underflow nor overflow; ``x`` outside goes to pow."""


def _pow_at(x: np.ndarray, y: float, value: np.ndarray, near: np.ndarray) -> None:
    """``value[near] = x[near] ** y`` through C pow."""
    if len(near) % libm.BLOCK == 1:  # libm's overlap trick needs two values to a block
        value[near] = np.fromiter(map(math.pow, x[near].tolist(), repeat(float(y))),
                                  np.float64, len(near))
    elif len(near):
        value[near] = libm.power(x[near], float(y))


def sqrt_python(x: np.ndarray, out: np.ndarray | None = None, work: Scratch | None = None,
                increasing: bool = False) -> np.ndarray:
    """``x ** 0.5`` element-wise as Python computes it: C ``pow(x, 0.5)``, which is not always
    the correctly rounded square root (glibc's differs for 0.08% of the integers) and which
    numpy's own power replaces by sqrt. ``np.sqrt`` (SIMD, correctly rounded) gives ``r``; only
    the values where pow could differ (see above: about 8% of arbitrary arguments) go through
    C pow. Into ``out`` (a new array by default; not ``x``), block by block in ``work``'s
    arrays (a :class:`Scratch`, made here when not given). ``increasing``: the caller knows
    that ``x`` never decreases (its ends are its least and largest values).

    The test: ``r`` is split into ``high``, its leading 26 bits, and ``low = r - high``, its
    other 27; ``high * high`` (52 bits) and ``2 * high * low`` (53 bits) are exact, and so is
    ``x - high * high`` (within a factor 2 of each other: Sterbenz), so ``x - r**2 = (x -
    high**2 - 2 high low) - low**2`` is found to about 2**-104 r**2, far below the ulp-scale
    bound. ``x - r**2 = e (2r + e)``, ``2r + e >= 2r (1 - 2**-54)``: ``|x - r**2| < 0.9 r
    ulp(r)`` gives ``|e| < 0.45 (1 + 2**-53) ulp(r) < 0.46 ulp(r)``. An ulp of a normal ``r`` is
    its power of two times 2**-52. Zeros, subnormals, huge values, NaN, infinities and
    negatives (NaN roots) all go to pow."""
    x = np.asarray(x, dtype=np.float64)
    if out is None:
        out = np.empty(x.shape, dtype=np.float64)
    work = work or Scratch()
    flat_x, flat_out = x.reshape(-1), out.reshape(-1)
    for begin in range(0, len(flat_x), CACHE_BLOCK):
        end = min(len(flat_x), begin + CACHE_BLOCK)
        _sqrt_block(flat_x[begin:end], flat_out[begin:end], work, increasing)
    return out


def _sqrt_block(x: np.ndarray, root: np.ndarray, work: Scratch, increasing: bool) -> None:
    size = len(x)
    if not size:
        return
    np.sqrt(x, out=root)
    bits = root.view(np.int64)
    high = work("sqrt-high", size)
    np.bitwise_and(bits, _HIGH_HALF, out=high.view(np.int64))
    with np.errstate(all="ignore"):  # infinities and NaN: sent to pow below
        low = np.subtract(root, high, out=work("sqrt-low", size))
        residual = np.multiply(high, high, out=work("sqrt-residual", size))
        np.subtract(x, residual, out=residual)
        high += high
        high *= low
        residual -= high
        low *= low
        residual -= low
    np.abs(residual, out=residual)
    near = work("sqrt-near", size, np.bool_)
    # the bound 0.9 r ulp(r); ulp(r) is one number when the block's least and largest roots
    # (so all of them) share a power of two: Megatron's steps, all but the first few blocks
    lowest, highest = (float(x[0]), float(x[-1])) if increasing else \
        (float(x.min()), float(x.max()))  # NaN fails both tests below
    in_range = _SQRT_RANGE[0] <= lowest and highest <= _SQRT_RANGE[1]
    least = math.sqrt(lowest) if in_range else 0.0
    if in_range and math.frexp(least)[1] == math.frexp(math.sqrt(highest))[1]:
        power_of_two = 0.5 * math.ldexp(1.0, math.frexp(least)[1])
        bound = np.multiply(root, 0.9 * power_of_two * 2.0 ** -52, out=high)
        np.greater_equal(residual, bound, out=near)  # no NaN here: x is finite and positive
        if least == power_of_two:  # the binade's least root: a power of two (4**k among x)
            near |= root == power_of_two
    else:
        power_of_two = high
        np.bitwise_and(bits, _EXPONENT, out=power_of_two.view(np.int64))
        np.equal(root, power_of_two, out=near)
        power_of_two *= root
        power_of_two *= 0.9 * 2.0 ** -52
        with np.errstate(invalid="ignore"):
            near |= ~(residual < power_of_two)  # NaN included
        if not in_range:
            with np.errstate(invalid="ignore"):
                near |= ~((x >= _SQRT_RANGE[0]) & (x <= _SQRT_RANGE[1]))
    _pow_at(x, 0.5, root, np.flatnonzero(near))


def _near_square(value: np.ndarray, residual: np.ndarray) -> np.ndarray:
    """Indices where ``x * x`` may not be pow(x, 2) (see above): the exact square not within
    0.45 ulp of ``value`` (``|residual| >= 0.45 ulp``), ``value`` a power of two, zero,
    subnormal or not finite."""
    power_of_two = (value.view(np.int64) & _EXPONENT).view(np.float64)
    with np.errstate(invalid="ignore"):
        close = np.abs(residual) < (0.45 * 2.0 ** -52) * power_of_two
    return np.flatnonzero(~close | ~(power_of_two >= 2.0 ** -1021) | (value == power_of_two))


def _split(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dekker's split: ``x = high + low`` with 26-bit halves, so products of halves are exact."""
    scaled = 134217729.0 * x
    high = scaled - (scaled - x)
    return high, x - high


def pow_python(x: np.ndarray, y: float) -> np.ndarray:
    """``x ** y`` element-wise as Python computes it (C ``pow``, through :mod:`lrplot.libm`),
    for ``x >= 0``. ``y`` of 1, 2 and 0.5 take a shortcut: ``x``, ``x * x`` and ``sqrt(x)``
    (:func:`sqrt_python`) are the correctly rounded results, which pow returns too unless the
    exact value lies near a rounding midpoint; the exact residual (Dekker's products) finds
    those few, and they are computed by C pow."""
    x = np.asarray(x, dtype=np.float64)
    if y == 1.0:
        return x.copy()
    if y == 0.5:
        return sqrt_python(x)
    if y != 2.0:
        return libm.power(x, y)
    value = x * x
    high, low = _split(x)
    residual = ((high * high - value) + 2.0 * high * low) + low * low
    _pow_at(x, y, value, _near_square(value, residual))
    return value
