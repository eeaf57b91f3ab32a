"""numpy kernels for timm's ``timm.scheduler`` classes, bit-for-bit with timm 1.0.

A timm scheduler is a pure function of an epoch (or update) count ``t``: ``_get_lr(t)`` in Python
floats, plus optional noise. lrplot's series follows timm's training loop: ``lr[0]`` is the
value at construction (``warmup_lr_init`` when there is a warmup, else base_lr); with
``t_in_epochs`` the loop calls ``step(epoch)`` at the end of each epoch, so with
``updates_per_epoch = u`` update ``i`` sees the value of epoch ``i // u``; without it,
``step_update(num_updates=i)`` after each update sets ``_get_lr(i)``.

The kernels compute ``_get_lr`` on arrays of ``t`` in timm's order of operations (quoted in
each docstring). ``math.log(x, base)`` is ``log(x) / log(base)``; ``math.tanh`` is used element
by element when numpy's tanh differs from it in the last bit (it does on x86-64).

Noise (``noise_range_t``) is reproduced as timm draws it, without torch: timm seeds a
``torch.Generator`` with ``noise_seed + t`` and draws ``torch.randn(1)`` until ``|noise| <
noise_pct``. torch's CPU generator is a standard MT19937 (numpy's legacy seeding is the same),
``randn`` of one element is Box-Muller over two 53-bit uniforms in double (returning the cosine
sample, then the cached sine sample), rounded to float32.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from lrplot.kernel_tools import CHUNK, Chunks, spans
from lrplot.libm import cos, log, tanh
from lrplot.libm import power as _power

Values = Callable[[np.ndarray], np.ndarray]


def _series(n: int, base_lr: float, values: Values, initial: float, t_in_epochs: bool,
            updates_per_epoch: int, noise: Callable[[np.ndarray, np.ndarray], np.ndarray],
            chunk: int) -> Chunks:
    """``lr[i]``: ``initial`` while the count is 0, else ``noise(values(t), t)``."""
    for i in spans(n, chunk):
        t = i // updates_per_epoch if t_in_epochs else i
        lr = np.full(len(t), float(initial))
        later = t > 0
        if later.any():
            s = t[later]
            lr[later] = noise(values(s), s)
        yield lr


# -- noise ----------------------------------------------------------------------------------------


def _randn_float32(seed: int, k: int) -> list[float]:
    """The first ``k`` values of ``torch.randn(1, generator=g)`` after ``g.manual_seed(seed)``."""
    generator = np.random.MT19937()
    generator._legacy_seeding(seed & 0xFFFFFFFF)  # init_genrand, as torch's mt19937(seed)
    out: list[float] = []
    while len(out) < k:
        raw = [int(v) for v in generator.random_raw(4)]
        u1 = (((raw[0] << 32) | raw[1]) & ((1 << 53) - 1)) * 2.0 ** -53
        u2 = (((raw[2] << 32) | raw[3]) & ((1 << 53) - 1)) * 2.0 ** -53
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        out += [float(np.float32(r * math.cos(theta))), float(np.float32(r * math.sin(theta)))]
    return out


def timm_noise(seed: int, noise_pct: float, noise_std: float) -> float:
    """``Scheduler._calculate_noise`` for noise_type 'normal' (the only one these classes use)::

        g = torch.Generator(); g.manual_seed(self.noise_seed + t)
        while True:
            noise = torch.randn(1, generator=g).item() * self.noise_std
            if abs(noise) < self.noise_pct:
                return noise
    """
    drawn, size = 0, 16
    while True:  # the same draws, in batches that double: linear, not quadratic, in redraws
        batch = _randn_float32(seed, size)[drawn:]
        for value in batch:
            noise = value * noise_std
            if abs(noise) < noise_pct:
                return noise
        drawn, size = size, size * 2


def _noise(noise_range_t: Sequence[int] | None, noise_pct: float, noise_std: float,
           noise_seed: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """``_add_noise``: ``v + v * noise`` where ``_is_apply_noise(t)``: ``lo <= t < hi`` for
    ``[lo, hi]``, ``t >= lo`` for ``[lo]``."""
    if noise_range_t is None:
        return lambda v, t: v
    lo = noise_range_t[0]
    hi = noise_range_t[1] if len(noise_range_t) > 1 else None

    def add(v: np.ndarray, t: np.ndarray) -> np.ndarray:
        apply = (t >= lo) & (t < hi) if hi is not None else t >= lo
        out = v.copy()
        for j in np.flatnonzero(apply):
            noise = timm_noise(noise_seed + int(t[j]), noise_pct, noise_std)
            out[j] = v[j] + v[j] * noise
        return out
    return add


# -- cycles ---------------------------------------------------------------------------------------


def _cycle(t: np.ndarray, t_initial: int, cycle_mul: float
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(i, t_i, t_curr)``::

        if self.cycle_mul != 1:
            i = math.floor(math.log(1 - t / self.t_initial * (1 - self.cycle_mul), self.cycle_mul))
            t_i = self.cycle_mul ** i * self.t_initial
            t_curr = t - (1 - self.cycle_mul ** i) / (1 - self.cycle_mul) * self.t_initial
        else:
            i = t // self.t_initial
            t_i = self.t_initial
            t_curr = t - (self.t_initial * i)
    """
    if cycle_mul != 1:
        i = np.floor(log(1 - t / t_initial * (1 - cycle_mul)) / log(np.full(len(t), cycle_mul)))
        grown = _pow_each(cycle_mul, i)
        t_i = grown * t_initial
        t_curr = t - (1 - grown) / (1 - cycle_mul) * t_initial
        return i, t_i, t_curr
    i = t // t_initial
    return i.astype(np.float64), np.full(len(t), float(t_initial)), (t - t_initial * i).astype(
        np.float64)


def _pow_each(base: float, exponents: np.ndarray) -> np.ndarray:
    """``base ** e`` for each float exponent, as Python's float power (C ``pow``)."""
    uniq, where = np.unique(exponents, return_inverse=True)
    return np.array([base ** float(e) for e in uniq], dtype=np.float64)[where.reshape(-1)]


def _warmup(t: np.ndarray, warmup_t: int, warmup_lr_init: float, step: float,
            after: np.ndarray) -> np.ndarray:
    """``warmup_lr_init + t * s`` while ``t < warmup_t``, else ``after``."""
    return np.where(t < warmup_t, warmup_lr_init + t * step, after)


def _warmup_step(base_lr: float, warmup_t: int, warmup_lr_init: float) -> float:
    """``self.warmup_steps = [(v - warmup_lr_init) / self.warmup_t for v in self.base_values]``."""
    return (base_lr - warmup_lr_init) / warmup_t if warmup_t else 1.0


def _shift(t: np.ndarray, warmup_t: int, warmup_prefix: bool) -> np.ndarray:
    return t - warmup_t if warmup_prefix else t


def _cyclic(base_lr: float, t_initial: int, lr_min: float, cycle_mul: float, cycle_decay: float,
            cycle_limit: int, shape: Callable[..., np.ndarray]) -> Values:
    """The body shared by cosine, tanh and poly: cycle, ``gamma = cycle_decay ** i``,
    ``lr_max = v * gamma``, ``shape(lr_max, t_curr, t_i)`` while ``i < cycle_limit``, else lr_min.
    """
    def values(t: np.ndarray) -> np.ndarray:
        i, t_i, t_curr = _cycle(t, t_initial, cycle_mul)
        gamma = _pow_each(cycle_decay, i)
        lr_max = base_lr * gamma
        # timm computes the shape only within the cycle limit (where it may overflow)
        out = np.full(len(t), float(lr_min))
        inside = i < cycle_limit
        out[inside] = shape(lr_max[inside], t_curr[inside], t_i[inside])
        return out
    return values


def _kpow(x: np.ndarray, k: float) -> np.ndarray:
    """``x ** k`` as Python computes it. ``x`` is negative only where timm's float cycle
    arithmetic lands a hair before a restart (cycle_mul != 1): Python then gives ``-(|x| ** k)``
    for an odd integer k, ``|x| ** k`` for an even one, and a complex number for any other k,
    on which timm crashes (``math.cos``) -- NaN here, which lrplot refuses."""
    magnitude = _power(np.abs(x), k)
    if np.any(np.isinf(magnitude) & np.isfinite(x)):
        raise OverflowError("x ** k_decay overflows")  # as Python's float power, and timm, do
    if k != int(k):
        return np.where(x >= 0, magnitude, np.nan)
    return np.where((x < 0) & (int(k) % 2 == 1), -magnitude, magnitude)


def _run(n: int, base_lr: float, main: Values, warmup_t: int, warmup_lr_init: float,
         warmup_prefix: bool, step: float, t_in_epochs: bool, updates_per_epoch: int,
         noise_range_t, noise_pct, noise_std, noise_seed, chunk: int) -> Chunks:
    def values(t: np.ndarray) -> np.ndarray:
        shifted = _shift(t, warmup_t, warmup_prefix)
        after = main(np.maximum(shifted, 0))
        return _warmup(t, warmup_t, warmup_lr_init, step, after)

    initial = warmup_lr_init if warmup_t else base_lr
    return _series(n, base_lr, values, initial, t_in_epochs, updates_per_epoch,
                   _noise(noise_range_t, noise_pct, noise_std, noise_seed), chunk)


# -- the schedulers ----------------------------------------------------------------------------


def cosine(n: int, base_lr: float, t_initial: int, lr_min: float, cycle_mul: float,
           cycle_decay: float, cycle_limit: int, warmup_t: int, warmup_lr_init: float,
           warmup_prefix: bool, t_in_epochs: bool, updates_per_epoch: int,
           noise_range_t: Sequence[int] | None, noise_pct: float, noise_std: float,
           noise_seed: int, k_decay: float, chunk: int = CHUNK) -> Chunks:
    """CosineLRScheduler::

        lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * t_curr ** k / t_i ** k))
    """
    def shape(lr_max, t_curr, t_i):
        return lr_min + 0.5 * (lr_max - lr_min) * (
            1 + cos(math.pi * _kpow(t_curr, k_decay) / _kpow(t_i, k_decay)))

    main = _cyclic(base_lr, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit, shape)
    return _run(n, base_lr, main, warmup_t, warmup_lr_init, warmup_prefix,
                _warmup_step(base_lr, warmup_t, warmup_lr_init), t_in_epochs, updates_per_epoch,
                noise_range_t, noise_pct, noise_std, noise_seed, chunk)


def tanh_(n: int, base_lr: float, t_initial: int, lb: float, ub: float, lr_min: float,
          cycle_mul: float, cycle_decay: float, cycle_limit: int, warmup_t: int,
          warmup_lr_init: float, warmup_prefix: bool, t_in_epochs: bool, updates_per_epoch: int,
          noise_range_t: Sequence[int] | None, noise_pct: float, noise_std: float,
          noise_seed: int, chunk: int = CHUNK) -> Chunks:
    """TanhLRScheduler::

        tr = t_curr / t_i
        lr_min + 0.5 * (lr_max - lr_min) * (1 - math.tanh(self.lb * (1. - tr) + self.ub * tr))

    Its warmup rises to the value at warmup_t (base_lr only with warmup_prefix)::

        t_v = self.base_values if self.warmup_prefix else self._get_lr(self.warmup_t)
        self.warmup_steps = [(v - warmup_lr_init) / self.warmup_t for v in t_v]
    """
    def shape(lr_max, t_curr, t_i):
        tr = t_curr / t_i
        return lr_min + 0.5 * (lr_max - lr_min) * (1 - tanh(lb * (1. - tr) + ub * tr))

    main = _cyclic(base_lr, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit, shape)
    if warmup_t:
        target = base_lr if warmup_prefix else float(main(np.array([warmup_t]))[0])
        step = (target - warmup_lr_init) / warmup_t
    else:
        step = 1.0
    return _run(n, base_lr, main, warmup_t, warmup_lr_init, warmup_prefix, step, t_in_epochs,
                updates_per_epoch, noise_range_t, noise_pct, noise_std, noise_seed, chunk)


def poly(n: int, base_lr: float, t_initial: int, power: float, lr_min: float, cycle_mul: float,
         cycle_decay: float, cycle_limit: int, warmup_t: int, warmup_lr_init: float,
         warmup_prefix: bool, t_in_epochs: bool, updates_per_epoch: int,
         noise_range_t: Sequence[int] | None, noise_pct: float, noise_std: float,
         noise_seed: int, k_decay: float, chunk: int = CHUNK) -> Chunks:
    """PolyLRScheduler::

        lr_min + (lr_max - lr_min) * (1 - t_curr ** k / t_i ** k) ** self.power
    """
    exponent = power

    def shape(lr_max, t_curr, t_i):
        return lr_min + (lr_max - lr_min) * _kpow(
            1 - _kpow(t_curr, k_decay) / _kpow(t_i, k_decay), exponent)

    main = _cyclic(base_lr, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit, shape)
    return _run(n, base_lr, main, warmup_t, warmup_lr_init, warmup_prefix,
                _warmup_step(base_lr, warmup_t, warmup_lr_init), t_in_epochs, updates_per_epoch,
                noise_range_t, noise_pct, noise_std, noise_seed, chunk)


def step(n: int, base_lr: float, decay_t: float, decay_rate: float, warmup_t: int,
         warmup_lr_init: float, warmup_prefix: bool, t_in_epochs: bool, updates_per_epoch: int,
         noise_range_t: Sequence[int] | None, noise_pct: float, noise_std: float,
         noise_seed: int, chunk: int = CHUNK) -> Chunks:
    """StepLRScheduler: ``v * (self.decay_rate ** (t // self.decay_t))``."""
    def main(t):
        return base_lr * _pow_each(decay_rate, np.floor_divide(t.astype(np.float64), decay_t))

    return _run(n, base_lr, main, warmup_t, warmup_lr_init, warmup_prefix,
                _warmup_step(base_lr, warmup_t, warmup_lr_init), t_in_epochs, updates_per_epoch,
                noise_range_t, noise_pct, noise_std, noise_seed, chunk)


def multistep(n: int, base_lr: float, decay_t: Sequence[int], decay_rate: float, warmup_t: int,
              warmup_lr_init: float, warmup_prefix: bool, t_in_epochs: bool,
              updates_per_epoch: int, noise_range_t: Sequence[int] | None, noise_pct: float,
              noise_std: float, noise_seed: int, chunk: int = CHUNK) -> Chunks:
    """MultiStepLRScheduler: ``v * (self.decay_rate ** bisect.bisect_right(self.decay_t, t + 1))``
    — a milestone m applies from t = m - 1, a step earlier than torch's MultiStepLR."""
    milestones = np.asarray(decay_t, dtype=np.int64)

    def main(t):
        count = np.searchsorted(milestones, t + 1, side="right").astype(np.float64)  # bisect_right
        return base_lr * _pow_each(decay_rate, count)

    return _run(n, base_lr, main, warmup_t, warmup_lr_init, warmup_prefix,
                _warmup_step(base_lr, warmup_t, warmup_lr_init), t_in_epochs, updates_per_epoch,
                noise_range_t, noise_pct, noise_std, noise_seed, chunk)
