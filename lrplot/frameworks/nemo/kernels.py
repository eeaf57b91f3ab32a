"""numpy kernels for NeMo's schedulers (``nemo/core/optim/lr_scheduler.py``, nemo_toolkit
3.0.0), bit for bit: the classes compute in Python floats; each kernel keeps the class's order of
operations, takes its phases in the order of its ``get_lr``, and calls the C library's ``pow``
and ``cos`` through :mod:`lrplot.libm` (``x ** 0.5`` in Python is ``pow``, not ``sqrt``).

Step ``i`` of the series is ``last_epoch = start + i``, ``start = last_epoch + 1`` (0 for a fresh
scheduler). Python's ``max(a, b)`` is ``b if b > a else a``: :func:`_pymax` keeps that.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from lrplot.kernel_tools import CHUNK, Chunks, spans
from lrplot.libm import cos, power
from lrplot.schedules import ScheduleError


def _count(steps: int | None, ratio: float | None, max_steps: int | None) -> int:
    """``steps`` if given, else ``int(ratio * max_steps)``, else 0 (the constructors' rule)."""
    if steps is not None:
        return steps
    if ratio is not None:
        return int(ratio * max_steps)  # type: ignore[operator]
    return 0


def _pymax(a: Any, b: Any) -> np.ndarray:
    """Python's ``max(a, b)`` element-wise."""
    return np.where(b > a, b, a)


def _pymin(a: Any, b: Any) -> np.ndarray:
    """Python's ``min(a, b)`` element-wise."""
    return np.where(b < a, b, a)


class _Phases:
    """The lr of each step, phase by phase: each ``take`` claims the steps not yet claimed
    that satisfy its condition, as each ``return`` of ``get_lr`` does."""

    def __init__(self, s: np.ndarray):
        self.s = s
        self.out = np.empty(len(s))
        self.left = np.ones(len(s), dtype=bool)

    def take(self, mask: Any = True) -> np.ndarray:
        idx = np.flatnonzero(self.left & mask)
        self.left[idx] = False
        return idx

    def steps(self, idx: np.ndarray) -> np.ndarray:
        return self.s[idx].astype(np.float64)


def _zero(name: str, idx: np.ndarray, s: np.ndarray, why: str) -> None:
    if len(idx):
        raise ScheduleError(f"{name}: NeMo raises ZeroDivisionError at step {int(s[idx[0]])} "
                            f"({why})")


def _below_min(name: str, idx: np.ndarray, s: np.ndarray, base_lr: float, min_lr: float,
               strict: bool = False) -> None:
    if len(idx) and (base_lr <= min_lr if strict else base_lr < min_lr):
        what = "AssertionError (max_lr > min_lr)" if strict else \
            "ValueError (the lr is below min_lr)"
        raise ScheduleError(f"{name}: NeMo raises {what} at step {int(s[idx[0]])}: lr "
                            f"{base_lr!r}, min_lr {min_lr!r}")


def _run(n: int, chunk: int, last_epoch: int, lr_of: Callable[[_Phases], None]) -> Chunks:
    start = last_epoch + 1
    for i in spans(n, chunk):
        phases = _Phases(i + start)
        lr_of(phases)
        yield phases.out


def _warm_up(ph: _Phases, base_lr: float, warm: int) -> None:
    """``WarmupPolicy._get_warmup_lr`` where ``step <= warmup_steps and warmup_steps > 0``."""
    if warm > 0:
        idx = ph.take(ph.s <= warm)
        ph.out[idx] = base_lr * ((ph.steps(idx) + 1.0) / float(warm + 1))


def _past_end(ph: _Phases, max_steps: int | None, min_lr: float, name: str) -> None:
    """``step > max_steps``: min_lr (a None max_steps compares only in WarmupPolicy)."""
    if max_steps is None:
        if name != "warmup_policy":
            idx = ph.take()
            if len(idx):
                raise ScheduleError(f"nemo.{name}: NeMo raises TypeError at step "
                                    f"{int(ph.s[idx[0]])} ('>' between int and None): give "
                                    "max_steps")
        return
    ph.out[ph.take(ph.s > max_steps)] = min_lr


def _hold_end(warm: int, hold_steps: int | None, hold_ratio: float | None,
              max_steps: int | None) -> int:
    """``WarmupHoldPolicy.hold_steps``: the hold's end (0 when no hold is given)."""
    if hold_steps is not None:
        return hold_steps + warm
    if hold_ratio is not None:
        return int(hold_ratio * max_steps) + warm  # type: ignore[operator]
    return 0


def _warm_hold(ph: _Phases, base_lr: float, warm: int, hold: int, max_steps: int | None,
               min_lr: float, name: str) -> None:
    """``WarmupHoldPolicy.get_lr`` up to ``_get_lr``: warm-up, hold, past the end."""
    _warm_up(ph, base_lr, warm)
    ph.out[ph.take((ph.s >= warm) & (ph.s < hold))] = base_lr
    _past_end(ph, max_steps, min_lr, name)


# -- WarmupPolicy and its subclasses ------------------------------------------------------------


def _policy(name: str, decay: Callable[[_Phases, np.ndarray, int], None] | None) -> Callable:
    """A WarmupPolicy subclass: warm-up, min_lr past max_steps, else ``decay`` (the lr when
    None) over the remaining steps."""

    def kernel(n: int, base_lr: float, max_steps: int | None = None, min_lr: float = 0.0,
               warmup_steps: int | None = None, warmup_ratio: float | None = None,
               last_epoch: int = -1, chunk: int = CHUNK, **more: Any) -> Chunks:
        warm = _count(warmup_steps, warmup_ratio, max_steps)

        def lr_of(ph: _Phases) -> None:
            _warm_up(ph, base_lr, warm)
            _past_end(ph, max_steps, min_lr, name)
            idx = ph.take()
            if decay is None:
                ph.out[idx] = base_lr
            else:
                decay(ph, idx, warm, base_lr=base_lr, max_steps=max_steps, min_lr=min_lr,
                      **more)

        return _run(n, chunk, last_epoch, lr_of)

    kernel.__name__ = name
    return kernel


warmup_policy = _policy("warmup_policy", None)


def _square(ph: _Phases, idx: np.ndarray, warm: int, base_lr: float, max_steps: int,
            min_lr: float) -> None:
    # _square_annealing(step=step - warmup, max_steps=max_steps - warmup)
    span = max_steps - warm
    _zero("nemo.square_annealing", idx if span == 0 else idx[:0], ph.s,
          "max_steps == warmup_steps")
    x = (float(span) - (ph.steps(idx) - warm)) / float(span or 1)
    out = base_lr * power(x, 2.0)
    ph.out[idx] = _pymax(out, min_lr)


square_annealing = _policy("square_annealing", _square)


def _square_root(ph: _Phases, idx: np.ndarray, warm: int, base_lr: float, max_steps: int,
                 min_lr: float) -> None:
    # _squareroot_annealing(step=step, max_steps=max_steps): the warm-up is not subtracted
    _zero("nemo.square_root_annealing", idx if max_steps == 0 else idx[:0], ph.s,
          "max_steps == 0")
    x = (float(max_steps) - ph.steps(idx)) / float(max_steps or 1)
    out = base_lr * power(x, 0.5)
    ph.out[idx] = _pymax(out, min_lr)


square_root_annealing = _policy("square_root_annealing", _square_root)


def _warmup_annealing(ph: _Phases, idx: np.ndarray, warm: int, base_lr: float,
                      max_steps: int, min_lr: float) -> None:
    span = max_steps - warm
    _zero("nemo.warmup_annealing", idx if span == 0 else idx[:0], ph.s,
          "max_steps == warmup_steps")
    delta = base_lr - min_lr
    mult = (ph.steps(idx) - warm) / float(span or 1)
    ph.out[idx] = min_lr + (1.0 - mult) * delta


warmup_annealing = _policy("warmup_annealing", _warmup_annealing)


def _inverse_square_root(ph: _Phases, idx: np.ndarray, warm: int, base_lr: float,
                         max_steps: int, min_lr: float) -> None:
    denom = power((ph.steps(idx) + 1.0) / float(warm + 1), 0.5)
    ph.out[idx] = base_lr / denom


inverse_square_root_annealing = _policy("inverse_square_root_annealing", _inverse_square_root)


def _poly_decay(name: str, base_lr: float, step: np.ndarray, decay_steps: int, power_: float,
                min_lr: float, cycle: bool, s: np.ndarray) -> np.ndarray:
    """``_poly_decay``: ``step`` as Python ints (in float64), ``decay_steps`` an int."""
    if cycle:
        mult = np.where(step == 0, 1.0, np.ceil(step / float(decay_steps or 1)))
        decay = decay_steps * mult
    else:
        step = _pymin(step, float(decay_steps))
        decay = np.full(len(step), float(decay_steps))
    _zero(f"nemo.{name}", np.flatnonzero(decay == 0)[:1], s, "no steps to decay")
    p = step / np.where(decay == 0, 1.0, decay)
    base = 1.0 - p
    if power_ < 0 and bool(np.any(base == 0)):
        at = int(s[np.flatnonzero(base == 0)[0]])
        raise ScheduleError(f"nemo.{name}: NeMo raises ValueError at step {at} "
                            f"(math.pow(0.0, {power_!r}))")
    lr = (base_lr - min_lr) * power(base, power_)
    return lr + min_lr


def _polynomial(ph: _Phases, idx: np.ndarray, warm: int, base_lr: float, max_steps: int,
                min_lr: float, power: float, cycle: bool) -> None:
    step = ph.steps(idx) - warm
    ph.out[idx] = _poly_decay("polynomial_decay_annealing", base_lr, step, max_steps - warm,
                              power, min_lr, cycle, ph.s[idx])


polynomial_decay_annealing = _policy("polynomial_decay_annealing", _polynomial)


# -- WarmupHoldPolicy and its subclasses ------------------------------------------------------


def _hold_policy(name: str, decay: Callable[..., None] | None) -> Callable:
    """A WarmupHoldPolicy subclass: warm-up, hold, min_lr past max_steps, else ``decay`` (the
    lr when None)."""

    def kernel(n: int, base_lr: float, max_steps: int | None = None, min_lr: float = 0.0,
               warmup_steps: int | None = None, warmup_ratio: float | None = None,
               hold_steps: int | None = None, hold_ratio: float | None = None,
               last_epoch: int = -1, chunk: int = CHUNK, **more: Any) -> Chunks:
        warm = _count(warmup_steps, warmup_ratio, max_steps)
        hold = _hold_end(warm, hold_steps, hold_ratio, max_steps)

        def lr_of(ph: _Phases) -> None:
            _warm_hold(ph, base_lr, warm, hold, max_steps, min_lr, name)
            idx = ph.take()
            if decay is None:
                ph.out[idx] = base_lr
            else:
                decay(ph, idx, warm, hold, base_lr=base_lr, max_steps=max_steps,
                      min_lr=min_lr, **more)

        return _run(n, chunk, last_epoch, lr_of)

    kernel.__name__ = name
    return kernel


warmup_hold_policy = _hold_policy("warmup_hold_policy", None)


def _one_minus_sqrt(ph: _Phases, idx: np.ndarray, warm: int, hold: int, base_lr: float,
                    max_steps: int, min_lr: float) -> None:
    span = max_steps - hold
    _zero("nemo.warmup_hold_anneal_one_minus_square_root", idx if span == 0 else idx[:0],
          ph.s, "max_steps == the hold's end")
    mult = 1.0 - power((ph.steps(idx) - hold) / float(span or 1), 0.5)
    ph.out[idx] = _pymax(min_lr, base_lr * mult)


warmup_hold_anneal_one_minus_square_root = _hold_policy(
    "warmup_hold_anneal_one_minus_square_root", _one_minus_sqrt)


def _hold_linear(ph: _Phases, idx: np.ndarray, warm: int, hold: int, base_lr: float,
                 max_steps: int, min_lr: float) -> None:
    span = max_steps - hold
    _zero("nemo.warmup_hold_anneal_linear", idx if span == 0 else idx[:0], ph.s,
          "max_steps == the hold's end")
    ratio = (ph.steps(idx) - hold) / float(span or 1)
    ph.out[idx] = base_lr - (base_lr - min_lr) * ratio


warmup_hold_anneal_linear = _hold_policy("warmup_hold_anneal_linear", _hold_linear)


def _noam_hold(ph: _Phases, idx: np.ndarray, warm: int, hold: int, base_lr: float,
               max_steps: int, min_lr: float, decay_rate: float) -> None:
    if len(idx) and warm == 0:
        raise ScheduleError(f"nemo.noam_hold_annealing: NeMo raises ValueError at step "
                            f"{int(ph.s[idx[0]])}: 'Noam scheduler cannot be used without "
                            "warmup steps'")
    held = hold - warm if hold > 0 else 0
    t_warmup = max(1, float(warm) ** decay_rate)  # max(1, warmup_steps ** decay_rate)
    t_hold = _pymax(1.0, power(ph.steps(idx) - held, decay_rate))
    lr = (base_lr * t_warmup) / t_hold
    ph.out[idx] = _pymax(lr, min_lr)


noam_hold_annealing = _hold_policy("noam_hold_annealing", _noam_hold)


def _polynomial_hold(ph: _Phases, idx: np.ndarray, warm: int, hold: int, base_lr: float,
                     max_steps: int, min_lr: float, power: float, cycle: bool) -> None:
    # step - hold_steps, over max_steps - max(warmup_steps, hold_steps): with no hold given
    # (hold_steps 0) the decay counts from step 0, not from the warm-up's end
    step = ph.steps(idx) - hold
    ph.out[idx] = _poly_decay("polynomial_hold_decay_annealing", base_lr, step,
                              max_steps - max(warm, hold), power, min_lr, cycle, ph.s[idx])


polynomial_hold_decay_annealing = _hold_policy("polynomial_hold_decay_annealing",
                                               _polynomial_hold)


# -- the others ---------------------------------------------------------------------------------


def cosine_annealing(n: int, base_lr: float, max_steps: int, min_lr: float = 0.0,
                     warmup_steps: int | None = None, warmup_ratio: float | None = None,
                     constant_steps: int | None = None, constant_ratio: float | None = None,
                     last_epoch: int = -1, chunk: int = CHUNK) -> Chunks:
    """``CosineAnnealing`` (a ``WarmupAnnealHoldPolicy``). Without constant steps: the
    warm-up ``lr x (step + 1) / (warmup + 1)``, then ``(lr - min_lr) x 0.5 x (1 + cos(pi x
    (step - warmup) / (max_steps - warmup))) + min_lr``. With them, every step up to
    max_steps is ``_linear_warmup_with_cosine_annealing``: ``lr x step / warmup`` (from 0),
    the cosine over ``decay_steps = max_steps - constant - warmup``, then min_lr."""
    warm = _count(warmup_steps, warmup_ratio, max_steps)
    constant = _count(constant_steps, constant_ratio, max_steps)
    decay = max_steps - (constant + warm)
    name = "nemo.cosine_annealing"

    def megatron(ph: _Phases, idx: np.ndarray) -> None:
        """``_linear_warmup_with_cosine_annealing(max_lr=lr, ...)`` over ``idx``."""
        _below_min(name, idx, ph.s, base_lr, min_lr, strict=True)
        s = ph.steps(idx)
        out = np.empty(len(idx))
        warming = (s <= warm) if warm > 0 else np.zeros(len(idx), dtype=bool)
        out[warming] = base_lr * s[warming] / float(warm)
        done = ~warming & (s > warm + decay)
        out[done] = min_lr
        rest = ~warming & ~done
        if decay == 0:
            _zero(name, idx[rest], ph.s, "decay_steps == 0")
        ratio = (s[rest] - warm) / float(decay or 1)
        coeff = 0.5 * (cos(math.pi * ratio) + 1.0)
        out[rest] = min_lr + coeff * (base_lr - min_lr)
        ph.out[idx] = out

    def lr_of(ph: _Phases) -> None:
        if warm > 0:
            idx = ph.take(ph.s <= warm)
            if constant == 0:
                ph.out[idx] = base_lr * ((ph.steps(idx) + 1.0) / float(warm + 1))
            else:
                megatron(ph, idx)
        if constant > 0:
            megatron(ph, ph.take((warm + decay < ph.s) & (ph.s <= max_steps)))
        ph.out[ph.take(ph.s > max_steps)] = min_lr
        idx = ph.take()
        if constant > 0:
            megatron(ph, idx)
            return
        _below_min(name, idx, ph.s, base_lr, min_lr)
        span = max_steps - warm
        _zero(name, idx if span == 0 else idx[:0], ph.s, "max_steps == warmup_steps")
        mult = 0.5 * (1.0 + cos(math.pi * (ph.steps(idx) - warm) / float(span or 1)))
        ph.out[idx] = (base_lr - min_lr) * mult + min_lr

    return _run(n, chunk, last_epoch, lr_of)


def noam_annealing(n: int, base_lr: float, d_model: int, warmup_steps: int | None = None,
                   warmup_ratio: float | None = None, max_steps: int | None = None,
                   min_lr: float = 0.0, last_epoch: int = -1, chunk: int = CHUNK) -> Chunks:
    """``NoamAnnealing``: at ``step = max(1, last_epoch)``, ``lr x d_model ** -0.5 x
    min(step ** -0.5, step x warmup ** -1.5)`` (without warm-up, ``step ** -0.5``); after the
    warm-up at least min_lr. max_steps only sizes warmup_ratio: there is no end."""
    warm = _count(warmup_steps, warmup_ratio, max_steps)
    normalize = float(d_model) ** -0.5

    def lr_of(ph: _Phases) -> None:
        _below_min("nemo.noam_annealing", ph.take(), ph.s, base_lr, min_lr)
        s = np.maximum(ph.s, 1).astype(np.float64)
        decay = power(s, -0.5)
        if warm > 0:
            mult = normalize * _pymin(decay, s * (float(warm) ** -1.5))
        else:
            mult = normalize * decay
        out = base_lr * mult
        ph.out[:] = np.where(s > warm, _pymax(out, min_lr), out)

    return _run(n, chunk, last_epoch, lr_of)


def t5_inverse_square_root_annealing(n: int, base_lr: float, max_steps: int,
                                     min_lr: float = 0.0, constant_steps: int | None = None,
                                     constant_ratio: float | None = None,
                                     last_epoch: int = -1, chunk: int = CHUNK) -> Chunks:
    """``T5InverseSquareRootAnnealing``: ``1 / constant_steps ** 0.5`` while ``step <=
    constant``, min_lr past max_steps, else ``1 / step ** 0.5`` (the optimizer's lr unused)."""
    constant = _count(constant_steps, constant_ratio, max_steps)
    constant_lr = 1.0 / (float(constant_steps) ** 0.5)  # type: ignore[arg-type]

    def lr_of(ph: _Phases) -> None:
        ph.out[ph.take(ph.s <= constant)] = constant_lr
        ph.out[ph.take(ph.s > max_steps)] = min_lr
        idx = ph.take()
        ph.out[idx] = 1.0 / power(ph.steps(idx), 0.5)

    return _run(n, chunk, last_epoch, lr_of)
