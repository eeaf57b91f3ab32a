"""Helpers shared by the kernels of the non-torch frameworks (transformers, timm, Keras, Optax).

Those frameworks compute their schedules as closed forms of the step in Python floats
(transformers, timm) or in float32 tensors (Keras, Optax). Python floats are IEEE doubles, so
numpy's float64 ``+ - * /`` and ``sqrt`` give the same bits, operation for operation — as long as
the kernel keeps the framework's order of operations. Transcendental functions are another
matter: numpy ships its own SIMD implementations of some of them, which can differ from the C
library's (which Python's ``math`` uses) in the last bit. :data:`cos` and friends are numpy's
function when it agrees with ``math`` on this machine, and ``math``'s, element by element,
otherwise — checked once, on first use.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterator

import numpy as np

CHUNK = 1 << 20
"""Steps evaluated at once (the same trade-off as lrplot.kernels.pytorch.CHUNK)."""

Chunks = Iterator[np.ndarray]

_PROBE = np.concatenate([
    np.linspace(-40.0, 40.0, 4001),
    np.random.default_rng(20240613).uniform(-10.0, 10.0, 4000),
    np.random.default_rng(7).uniform(0.0, 1.0, 2000),
])


def _libm(np_fn: Callable, math_fn: Callable, domain: Callable[[np.ndarray], np.ndarray]
          ) -> Callable[[np.ndarray], np.ndarray]:
    """numpy's ``np_fn`` if it equals ``math_fn`` bit for bit on a probe, else ``math_fn``
    applied element by element (slower, exact)."""
    chosen: list[Callable] = []

    def fn(x: np.ndarray) -> np.ndarray:
        if not chosen:
            probe = _PROBE[domain(_PROBE)]
            expected = np.array([math_fn(v) for v in probe.tolist()])
            with np.errstate(all="ignore"):
                same = np.array_equal(np_fn(probe), expected)
            chosen.append(np_fn if same else np.frompyfunc(math_fn, 1, 1))
        x = np.asarray(x, dtype=np.float64)
        return np.asarray(chosen[0](x), dtype=np.float64)

    return fn


_all = lambda x: np.ones(len(x), dtype=bool)  # noqa: E731
cos = _libm(np.cos, math.cos, _all)
tanh = _libm(np.tanh, math.tanh, _all)
exp = _libm(np.exp, math.exp, lambda x: x < 30)
log = _libm(np.log, math.log, lambda x: x > 0)


_pow_checked: list[bool] = []


def power(x: np.ndarray, p: float) -> np.ndarray:
    """Python's ``x ** p`` for float ``x >= 0`` element-wise (numpy's when it agrees with the C
    library's ``pow`` on a probe, else element by element)."""
    if not _pow_checked:
        probe = np.abs(_PROBE)
        _pow_checked.append(all(
            np.array_equal(np.power(probe, e), np.array([v ** e for v in probe.tolist()]))
            for e in (0.5, 0.9, 1.7, 2.0, 3.0, -0.5)))
    x = np.asarray(x, dtype=np.float64)
    if _pow_checked[0]:
        return np.power(x, p)
    return np.array([v ** p for v in x.tolist()], dtype=np.float64)


def spans(n: int, chunk: int) -> Iterator[np.ndarray]:
    """The step numbers ``0..n-1`` as consecutive int64 arrays of at most ``chunk`` steps."""
    for start in range(0, n, chunk):
        yield np.arange(start, min(n, start + chunk), dtype=np.int64)


def closed_form(n: int, chunk: int, lr_of: Callable[[np.ndarray], np.ndarray]) -> Chunks:
    """A schedule that is a pure function of the step: ``lr_of(t)`` chunk by chunk."""
    for t in spans(n, chunk):
        yield np.asarray(lr_of(t), dtype=np.float64)


def pymax0(x: np.ndarray) -> np.ndarray:
    """Python's ``max(0.0, x)`` element-wise: ``x`` when ``x > 0``, else ``0.0`` (NaN -> 0.0,
    -0.0 -> 0.0), which ``np.maximum`` does not reproduce."""
    return np.where(x > 0.0, x, 0.0)


# -- float32 arithmetic (Keras, Optax on jax) ---------------------------------------------------
#
# Keras and jax compute schedules in float32. numpy's float32 + - * / floor ceil are IEEE
# float32, exactly what the frameworks' CPU kernels do. Their float32 cos, log, exp and pow are
# backend-specific approximations that are not always correctly rounded (torch's and XLA's differ
# from each other by an ulp now and then); lrplot uses the correctly rounded value (computed in
# float64, rounded once), which matches the frameworks at almost every step and is within a
# float32 ulp of each of them everywhere.

F32 = np.float32


def f32(x: Any) -> np.ndarray:
    """``x`` rounded to float32 (a Python float or an array)."""
    return np.asarray(x, dtype=np.float64).astype(F32)


def cos32(x: np.ndarray) -> np.ndarray:
    return np.cos(np.asarray(x, dtype=np.float64)).astype(F32)


def log32(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(np.asarray(x, dtype=np.float64)).astype(F32)


def exp32(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.exp(np.asarray(x, dtype=np.float64)).astype(F32)


def pow32(x: Any, y: Any) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.power(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)).astype(F32)


def fma32(a: Any, b: Any, c: Any) -> np.ndarray:
    """float32 ``a * b + c`` with one rounding, as a fused multiply-add (XLA's CPU code contracts
    a multiplication feeding an addition into one): the float64 product of two float32 numbers
    is exact, and the float64 sum is rounded once more to float32 (a double rounding that
    differs from a true fma only when the float64 sum lands exactly halfway, rarely)."""
    with np.errstate(over="ignore"):
        return (np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)
                + np.asarray(c, dtype=np.float64)).astype(F32)
