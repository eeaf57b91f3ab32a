"""The C library's math functions, element-wise over numpy arrays, bit for bit.

The frameworks lrplot mirrors compute their schedules in Python floats: ``math.cos``, ``math.exp``,
``x ** p`` all call the C library (libm). numpy's own ufuncs do not always: on processors with
AVX-512, numpy evaluates ``exp``, ``log``, ``log10``, ``tan``, ``power`` and others with SIMD
approximations that differ from libm in the last bit now and then (``0.95 ** 21`` among them) —
harmless for most uses, fatal to bit-for-bit parity, and a figure whose numbers depend on the
processor it was drawn on.

numpy falls back to its plain loop, which calls libm one element at a time, when the output
partially overlaps the input: so each function here writes its result one element behind its
input in a shared buffer (a copy, about 1 ns a value), which is still 10-100x faster than calling
``math`` per element. Whether that gives libm's values is checked once per function, on first use,
against ``math`` on a probe of a few thousand values; where it does not (another numpy), the
function calls ``math`` element by element: slower, still exact.

Like numpy's, these functions honour ``np.errstate`` and give ``nan``/``inf`` where ``math`` would
raise.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import threading
from typing import Any, Callable

import numpy as np

_F64 = np.float64


def _probe() -> np.ndarray:
    rng = np.random.default_rng(20261202)
    return np.concatenate([np.linspace(-40.0, 40.0, 2001), rng.uniform(-10.0, 10.0, 2000),
                           rng.uniform(0.0, 1.0, 2000), rng.uniform(0.0, 1000.0, 2000)])


BLOCK = 1 << 14
"""Values per ufunc call: the plain loop over two operands, the output and numpy's copies of
what overlaps runs a third slower once they outgrow the processor's L2 cache."""


_local = threading.local()


def _scratch(size: int, dtype: Any = _F64) -> np.ndarray:
    """This thread's buffer of at least ``size`` values of ``dtype``: reused from call to call,
    so that the copies go through memory already touched (a fresh buffer of a few hundred kB is
    fresh pages from the system, which cost more than the copy)."""
    name = f"buffer_{np.dtype(dtype).name}"
    buffer = getattr(_local, name, None)
    if buffer is None or len(buffer) < size:
        buffer = np.empty(max(size, BLOCK + 2), dtype=dtype)
        setattr(_local, name, buffer)
    return buffer


def _behind(ufunc: np.ufunc, first: Any, *rest: Any, out: np.ndarray | None = None,
            dtype: Any = _F64) -> np.ndarray:
    """``ufunc(first, *rest)``, block by block into a buffer one element behind a copy of
    ``first``'s block, then into ``out`` (a new array if not given; it may be ``first`` itself).

    The other operands are spelled out element by element too: given one number for all
    (stride 0), numpy's power takes shortcuts of its own (``x * x`` for ``x ** 2``, a square
    root for ``x ** 0.5``), which are not libm's ``pow``.

    No block is one element long: one element behind a one-element input does not overlap it,
    and numpy takes its SIMD loop again (a scalar, a one-element array, or the last element of
    ``BLOCK + 1`` values). A lone value is computed with a copy of itself beside it, and a lone
    last value joins the block before it. Operands and result are of ``dtype`` (float64 for the
    C library's double functions, float32 for its float ones: ``powf``)."""
    args = [np.asarray(a, dtype=dtype) for a in (first, *rest)]
    shape = np.broadcast_shapes(*(a.shape for a in args))
    size = math.prod(shape)
    if out is None or out.shape != shape or out.dtype != dtype or not out.flags.c_contiguous:
        result = _behind(ufunc, *args, out=np.empty(shape, dtype=dtype), dtype=dtype)
        if out is not None:
            out[...] = result
        return result if out is None else out
    flat = out.reshape(-1)
    operands = [np.ascontiguousarray(np.broadcast_to(a, shape)).reshape(-1) for a in args]
    if size == 1:  # a lone value beside a copy of itself
        operands = [np.concatenate([a, a]) for a in operands]
    padded = len(operands[0])
    buffer = _scratch(min(padded, BLOCK + 1) + 1, dtype)
    starts = list(range(0, padded, BLOCK))
    if len(starts) > 1 and padded - starts[-1] == 1:
        starts.pop()
    for start, stop in zip(starts, starts[1:] + [padded]):
        m = stop - start
        buffer[1:m + 1] = operands[0][start:stop]
        ufunc(buffer[1:m + 1], *(a[start:stop] for a in operands[1:]), out=buffer[:m])
        flat[start:min(stop, size)] = buffer[:min(stop, size) - start]
    return out


def _per_element(ufunc: np.ufunc, math_fn: Callable) -> Callable[..., np.ndarray]:
    def exact(*values: float) -> float:
        try:
            return math_fn(*values)
        except (ValueError, OverflowError, ZeroDivisionError):
            return float(ufunc(*values))  # nan or inf, as numpy has it

    vectorized = np.frompyfunc(exact, ufunc.nin, 1)

    def apply(*args: Any, out: np.ndarray | None = None) -> np.ndarray:
        result = np.asarray(vectorized(*(np.asarray(a, dtype=_F64) for a in args)), dtype=_F64)
        if out is None:
            return result
        out[...] = result
        return out

    return apply


def _agrees(ufunc: np.ufunc, math_fn: Callable, sample: tuple) -> bool:
    """Whether :func:`_behind` gives ``math_fn``'s values on the sample (arrays or numbers)."""
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=_F64) for a in sample))
    expected = [math_fn(*v) for v in zip(*(a.tolist() for a in arrays))]
    with np.errstate(all="ignore"):
        if _behind(ufunc, *sample).tolist() != expected:
            return False
        # one value at a time too: a short call must take the same loop as a long one
        singles = list(zip(*(a.reshape(-1)[:64].tolist() for a in arrays)))
        return all(float(_behind(ufunc, *v)) == e for v, e in zip(singles, expected))


def _exact(ufunc: np.ufunc, math_fn: Callable, probe: Callable[[np.ndarray], list[tuple]]
           ) -> Callable[..., np.ndarray]:
    """libm's ``math_fn`` element-wise: numpy's plain loop where it agrees with ``math`` on
    every sample of ``probe(values)``, ``math`` per element otherwise."""
    chosen: list[Callable[..., np.ndarray]] = []

    def fn(*args: Any, out: np.ndarray | None = None) -> np.ndarray:
        if not chosen:
            agrees = all(_agrees(ufunc, math_fn, sample) for sample in probe(_probe()))
            chosen.append((lambda *a, out=None: _behind(ufunc, *a, out=out)) if agrees
                          else _per_element(ufunc, math_fn))
        return chosen[0](*args, out=out)

    fn.__name__ = fn.__qualname__ = ufunc.__name__
    fn.__doc__ = (f"``math.{math_fn.__name__}`` element-wise, as the C library computes it "
                  "(into ``out`` if given, which may be the first operand).")
    return fn


def _positive(x: np.ndarray) -> list[tuple]:
    return [(np.abs(x[x != 0]),)]


def _powers(x: np.ndarray) -> list[tuple]:
    """Bases with exponents of every size, and the exponents numpy likes to special-case."""
    base, exponent = np.abs(x[:-1]), np.round(x[1:] / 100.0, 3)
    base, exponent = base[base != 0], exponent[base != 0]
    return [(base, exponent), (0.95, np.arange(300.0))] + \
        [(base[:2000], e) for e in (2.0, 0.5, -1.0)]


cos = _exact(np.cos, math.cos, lambda x: [(x,)])
sin = _exact(np.sin, math.sin, lambda x: [(x,)])
tan = _exact(np.tan, math.tan, lambda x: [(x,)])
tanh = _exact(np.tanh, math.tanh, lambda x: [(x,)])
exp = _exact(np.exp, math.exp, lambda x: [(x[np.abs(x) < 700],)])
log = _exact(np.log, math.log, _positive)
log10 = _exact(np.log10, math.log10, _positive)
power = _exact(np.power, math.pow, _powers)
power.__doc__ = "Python's float ``x ** y`` (C ``pow``) element-wise, broadcasting both."


# -- float32: the C library's powf --------------------------------------------------------------
#
# torch's float32 pow of one value (a 0-d tensor, as Keras' schedules compute) is C ``powf``:
# ATen's CPU kernel runs its SIMD loop (Sleef) only over full vectors and ``std::pow(float,
# float)`` on the rest, and does not special-case the exponent when it is a tensor. ``powf`` is
# not ``pow`` rounded to float32: glibc's powf is accurate to 0.82 float32 ulp, and ``pow``
# rounded twice lands on the other neighbour now and then (sqrt(0.0236966...) among them).
# numpy's plain float32 loop calls ``powf`` (its SIMD loop does not), so :func:`_behind` reaches
# it; Python has no ``powf``, so the reference is the C function itself through ctypes.

def _c_powf() -> Callable[[float, float], float] | None:
    """The C library's ``powf`` as a Python function, or None where it cannot be found."""
    try:
        function = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6").powf
    except (OSError, AttributeError):
        return None
    function.restype = ctypes.c_float
    function.argtypes = [ctypes.c_float, ctypes.c_float]
    return function


_F32 = np.float32
_powf_chosen: list[Callable[..., np.ndarray]] = []


def _powf_choice() -> Callable[..., np.ndarray]:
    """numpy's plain float32 loop where it agrees with C ``powf`` on a probe (long arrays and
    lone values), ``powf`` through ctypes per element where it does not; numpy's plain loop
    unchecked where ``powf`` cannot be reached (it is the C library's powf all the same)."""
    def fast(x: Any, y: Any) -> np.ndarray:
        return _behind(np.power, x, y, dtype=_F32)

    c_powf = _c_powf()
    if c_powf is None:
        return fast
    x = np.abs(_probe()).astype(_F32) / _F32(10.0)
    samples = [(x[:-1], np.round(_probe()[1:] / 100.0, 3).astype(_F32))] + \
        [(x[:2000], np.full(2000, e, dtype=_F32)) for e in (0.5, 2.0, 3.0, -0.5, -1.0, -2.0)]
    with np.errstate(all="ignore"):
        agrees = all(
            fast(b, e).view(np.int32).tolist() ==
            np.array([c_powf(p, q) for p, q in zip(b.tolist(), e.tolist())], _F32).view(
                np.int32).tolist()
            and all(float(fast(p, q)) == float(_F32(c_powf(p, q)))
                    for p, q in zip(b[:64].tolist(), e[:64].tolist()))
            for b, e in samples)
    if agrees:
        return fast
    per_element = np.frompyfunc(lambda p, q: c_powf(p, q), 2, 1)
    return lambda x, y: np.asarray(per_element(np.asarray(x, _F32), np.asarray(y, _F32)),
                                   dtype=_F32)


def powf(x: Any, y: Any) -> np.ndarray:
    """C ``powf(x, y)`` element-wise on float32 (both rounded to float32 first), broadcasting."""
    if not _powf_chosen:
        _powf_chosen.append(_powf_choice())
    with np.errstate(all="ignore"):
        return _powf_chosen[0](x, y)
