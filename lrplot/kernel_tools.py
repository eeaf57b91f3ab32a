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


def _near_midpoint(value: np.ndarray, residual: np.ndarray) -> np.ndarray:
    """Indices where the exact result ``value + residual`` is not within 0.47 ulp of ``value``:
    there a pow accurate to 0.53 ulp (glibc's bound is 0.52) may return a neighbour; everywhere
    else it returns ``value``, every other double being more than 0.53 ulp away. The ulp of a
    positive normal double is its exponent bits alone (the power of two at or below it) times
    2**-52; zeros, subnormals and non-finite values are all taken as near."""
    power_of_two = (value.view(np.int64) & 0x7FF0000000000000).view(np.float64)
    with np.errstate(invalid="ignore"):
        close = np.abs(residual) < (0.47 * 2.0 ** -52) * power_of_two
    return np.flatnonzero(~close | ~(power_of_two >= 2.0 ** -1021))


def _split(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dekker's split: ``x = high + low`` with 26-bit halves, so products of halves are exact."""
    scaled = 134217729.0 * x
    high = scaled - (scaled - x)
    return high, x - high


def pow_python(x: np.ndarray, y: float) -> np.ndarray:
    """``x ** y`` element-wise as Python computes it (C ``pow``, through :mod:`lrplot.libm`),
    for ``x >= 0``. ``y`` of 1, 2 and 0.5 take a shortcut: ``x``, ``x * x`` and ``sqrt(x)``
    are the correctly rounded results, which pow returns too unless the exact value lies near
    a rounding midpoint; the exact residual (Dekker's products) finds those few, and they are
    computed by ``math.pow``."""
    x = np.asarray(x, dtype=np.float64)
    if y == 1.0:
        return x.copy()
    if y == 2.0:
        value = x * x
        high, low = _split(x)
        residual = ((high * high - value) + 2.0 * high * low) + low * low
    elif y == 0.5:
        value = np.sqrt(x)
        high, low = _split(value)
        square = value * value
        error = ((high * high - square) + 2.0 * high * low) + low * low
        with np.errstate(invalid="ignore", divide="ignore"):
            residual = ((x - square) - error) / (2.0 * value)  # x - value**2, over d(x**.5)/dx
    else:
        return libm.power(x, y)
    near = _near_midpoint(value, residual)
    if len(near) % libm.BLOCK == 1:  # libm's overlap trick needs two values to a block
        value[near] = np.fromiter(map(math.pow, x[near].tolist(), repeat(float(y))),
                                  np.float64, len(near))
    elif len(near):
        value[near] = libm.power(x[near], float(y))
    return value
