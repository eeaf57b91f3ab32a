"""numpy kernels for NeMo's schedulers (``nemo/core/optim/lr_scheduler.py``, nemo_toolkit
3.0.0), bit for bit: the classes compute in Python floats; each kernel keeps the class's order of
operations, takes its phases in the order of its ``get_lr``, and calls the C library's ``pow``
and ``cos`` through :mod:`lrplot.libm` (``x ** 0.5`` in Python is ``pow``, not ``sqrt``).

Step ``i`` of the series is ``last_epoch = start + i``, ``start = last_epoch + 1`` (0 for a fresh
scheduler). Python's ``max(a, b)`` is ``b if b > a else a``: :func:`_pymax` keeps that.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional

import numpy as np

from lrplot.kernel_tools import CACHE_BLOCK, CHUNK, Chunks, pow_python
from lrplot.libm import cos
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


Bound = Optional[int]


class _Phases:
    """The lr of a run of consecutive steps, phase by phase. Each ``take(lo, hi)`` claims the
    steps ``lo <= step < hi`` (None: unbounded) not claimed yet, as each ``return`` of
    ``get_lr`` does; the steps being consecutive, every phase is a few slices of the run."""

    def __init__(self, first: int, out: np.ndarray):
        self.first, self.out = first, out
        self.free = [(0, len(out))]

    def take(self, lo: Bound = None, hi: Bound = None) -> list[slice]:
        a = 0 if lo is None else max(0, lo - self.first)
        b = len(self.out) if hi is None else min(len(self.out), hi - self.first)
        got, keep = [], []
        for x, y in self.free:
            i, j = max(x, a), min(y, b)
            if i < j:
                got.append(slice(i, j))
                keep += [(x, i)] * (x < i) + [(j, y)] * (j < y)
            else:
                keep.append((x, y))
        self.free = keep
        return got

    def set(self, lo: Bound, hi: Bound, value: Any) -> list[slice]:
        """Claim ``lo <= step < hi`` and fill it: ``value`` is a number or a function of the
        steps (float64)."""
        claimed = self.take(lo, hi)
        for part in claimed:
            self.out[part] = value(self.steps(part)) if callable(value) else value
        return claimed

    def steps(self, part: slice) -> np.ndarray:
        return np.arange(self.first + part.start, self.first + part.stop, dtype=np.float64)

    def first_step(self, claimed: list[slice]) -> int | None:
        return min(self.first + part.start for part in claimed) if claimed else None


def _raise_at(ph: _Phases, claimed: list[slice], message: str) -> None:
    """``message`` (with ``{step}``) as a ScheduleError when ``claimed`` holds a step."""
    step = ph.first_step(claimed)
    if step is not None:
        raise ScheduleError(message.format(step=step))


def _zero(name: str, ph: _Phases, claimed: list[slice], why: str) -> None:
    _raise_at(ph, claimed, f"{name}: NeMo raises ZeroDivisionError at step {{step}} ({why})")


def _below_min(name: str, ph: _Phases, claimed: list[slice], base_lr: float, min_lr: float,
               strict: bool = False) -> None:
    if base_lr <= min_lr if strict else base_lr < min_lr:
        what = "AssertionError (max_lr > min_lr)" if strict else \
            "ValueError (the lr is below min_lr)"
        _raise_at(ph, claimed, f"{name}: NeMo raises {what} at step {{step}}: lr {base_lr!r}, "
                               f"min_lr {min_lr!r}")


def _run(n: int, chunk: int, last_epoch: int, lr_of: Callable[[_Phases], None]) -> Chunks:
    start = last_epoch + 1
    for first in range(0, n, chunk):
        out = np.empty(min(chunk, n - first))
        for block in range(0, len(out), CACHE_BLOCK):  # temporaries that stay in the cache
            lr_of(_Phases(start + first + block, out[block:block + CACHE_BLOCK]))
        yield out


def _warm_up(ph: _Phases, base_lr: float, warm: int) -> None:
    """``WarmupPolicy._get_warmup_lr`` where ``step <= warmup_steps and warmup_steps > 0``."""
    if warm > 0:
        ph.set(None, warm + 1, lambda s: base_lr * ((s + 1.0) / float(warm + 1)))


def _past_end(ph: _Phases, max_steps: int | None, min_lr: float, name: str) -> None:
    """``step > max_steps``: min_lr (a None max_steps compares only in WarmupPolicy)."""
    if max_steps is None:
        if name != "warmup_policy":
            _raise_at(ph, ph.take(), f"nemo.{name}: NeMo raises TypeError at step {{step}} "
                                     "('>' between int and None): give max_steps")
        return
    ph.set(max_steps + 1, None, min_lr)


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
    ph.set(warm, hold, base_lr)  # step >= warmup_steps and step < hold_steps
    _past_end(ph, max_steps, min_lr, name)


# -- WarmupPolicy and its subclasses ------------------------------------------------------------
#
# A decay is ``decay(ph, claimed, warm, ...)``: it fills the slices ``claimed`` (the steps left
# after the warm-up and past the end), and refuses where NeMo would raise.

Decay = Callable[..., None]


def _fill(ph: _Phases, claimed: list[slice], lr_of: Callable[[np.ndarray], Any]) -> None:
    for part in claimed:
        ph.out[part] = lr_of(ph.steps(part))


def _policy(name: str, decay: Decay | None) -> Callable:
    """A WarmupPolicy subclass: warm-up, min_lr past max_steps, else ``decay`` (the lr when
    None) over the remaining steps."""

    def kernel(n: int, base_lr: float, max_steps: int | None = None, min_lr: float = 0.0,
               warmup_steps: int | None = None, warmup_ratio: float | None = None,
               last_epoch: int = -1, chunk: int = CHUNK, **more: Any) -> Chunks:
        warm = _count(warmup_steps, warmup_ratio, max_steps)

        def lr_of(ph: _Phases) -> None:
            _warm_up(ph, base_lr, warm)
            _past_end(ph, max_steps, min_lr, name)
            claimed = ph.take()
            if decay is None:
                _fill(ph, claimed, lambda s: base_lr)
            else:
                decay(ph, claimed, warm, base_lr=base_lr, max_steps=max_steps, min_lr=min_lr,
                      **more)

        return _run(n, chunk, last_epoch, lr_of)

    kernel.__name__ = name
    return kernel


warmup_policy = _policy("warmup_policy", None)


def _divides(name: str, ph: _Phases, claimed: list[slice], span: int, why: str) -> float:
    """``span`` as the float divisor; where it is 0 and a step needs it, NeMo's
    ZeroDivisionError."""
    if span == 0:
        _zero(name, ph, claimed, why)
    return float(span or 1)


def _square(ph: _Phases, claimed: list[slice], warm: int, base_lr: float, max_steps: int,
            min_lr: float) -> None:
    # _square_annealing(step=step - warmup, max_steps=max_steps - warmup)
    span = _divides("nemo.square_annealing", ph, claimed, max_steps - warm,
                    "max_steps == warmup_steps")
    _fill(ph, claimed, lambda s: _pymax(
        base_lr * pow_python((span - (s - warm)) / span, 2.0), min_lr))


square_annealing = _policy("square_annealing", _square)


def _square_root(ph: _Phases, claimed: list[slice], warm: int, base_lr: float, max_steps: int,
                 min_lr: float) -> None:
    # _squareroot_annealing(step=step, max_steps=max_steps): the warm-up is not subtracted
    span = _divides("nemo.square_root_annealing", ph, claimed, max_steps, "max_steps == 0")
    _fill(ph, claimed, lambda s: _pymax(base_lr * pow_python((span - s) / span, 0.5), min_lr))


square_root_annealing = _policy("square_root_annealing", _square_root)


def _warmup_annealing(ph: _Phases, claimed: list[slice], warm: int, base_lr: float,
                      max_steps: int, min_lr: float) -> None:
    span = _divides("nemo.warmup_annealing", ph, claimed, max_steps - warm,
                    "max_steps == warmup_steps")
    delta = base_lr - min_lr
    _fill(ph, claimed, lambda s: min_lr + (1.0 - (s - warm) / span) * delta)


warmup_annealing = _policy("warmup_annealing", _warmup_annealing)


def _inverse_square_root(ph: _Phases, claimed: list[slice], warm: int, base_lr: float,
                         max_steps: int, min_lr: float) -> None:
    _fill(ph, claimed, lambda s: base_lr / pow_python((s + 1.0) / float(warm + 1), 0.5))


inverse_square_root_annealing = _policy("inverse_square_root_annealing", _inverse_square_root)


def _poly_decay(name: str, base_lr: float, step: np.ndarray, decay_steps: int, power: float,
                min_lr: float, cycle: bool, first: int) -> np.ndarray:
    """``_poly_decay`` over ``step`` (Python ints, in float64); ``first`` is the scheduler step
    of ``step[0]`` (for messages)."""
    if decay_steps == 0 and len(step):
        raise ScheduleError(f"{name}: NeMo raises ZeroDivisionError at step {first} (no steps "
                            "to decay)")
    if cycle:
        decay = decay_steps * np.where(step == 0, 1.0, np.ceil(step / float(decay_steps)))
        p = step / decay
    else:
        p = _pymin(step, float(decay_steps)) / float(decay_steps)
    base = 1.0 - p
    if power < 0 and bool(np.any(base == 0)):
        at = first + int(np.flatnonzero(base == 0)[0])
        raise ScheduleError(f"{name}: NeMo raises ValueError at step {at} (math.pow(0.0, "
                            f"{power!r}))")
    return (base_lr - min_lr) * pow_python(base, power) + min_lr


def _polynomial(ph: _Phases, claimed: list[slice], warm: int, base_lr: float, max_steps: int,
                min_lr: float, power: float, cycle: bool) -> None:
    for part in claimed:
        ph.out[part] = _poly_decay("nemo.polynomial_decay_annealing", base_lr,
                                   ph.steps(part) - warm, max_steps - warm, power, min_lr,
                                   cycle, ph.first + part.start)


polynomial_decay_annealing = _policy("polynomial_decay_annealing", _polynomial)


# -- WarmupHoldPolicy and its subclasses ------------------------------------------------------


def _hold_policy(name: str, decay: Decay | None) -> Callable:
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
            claimed = ph.take()
            if decay is None:
                _fill(ph, claimed, lambda s: base_lr)
            else:
                decay(ph, claimed, warm, hold, base_lr=base_lr, max_steps=max_steps,
                      min_lr=min_lr, **more)

        return _run(n, chunk, last_epoch, lr_of)

    kernel.__name__ = name
    return kernel


warmup_hold_policy = _hold_policy("warmup_hold_policy", None)


def _one_minus_sqrt(ph: _Phases, claimed: list[slice], warm: int, hold: int, base_lr: float,
                    max_steps: int, min_lr: float) -> None:
    span = _divides("nemo.warmup_hold_anneal_one_minus_square_root", ph, claimed,
                    max_steps - hold, "max_steps == the hold's end")
    _fill(ph, claimed, lambda s: _pymax(
        min_lr, base_lr * (1.0 - pow_python((s - hold) / span, 0.5))))


warmup_hold_anneal_one_minus_square_root = _hold_policy(
    "warmup_hold_anneal_one_minus_square_root", _one_minus_sqrt)


def _hold_linear(ph: _Phases, claimed: list[slice], warm: int, hold: int, base_lr: float,
                 max_steps: int, min_lr: float) -> None:
    span = _divides("nemo.warmup_hold_anneal_linear", ph, claimed, max_steps - hold,
                    "max_steps == the hold's end")
    _fill(ph, claimed, lambda s: base_lr - (base_lr - min_lr) * ((s - hold) / span))


warmup_hold_anneal_linear = _hold_policy("warmup_hold_anneal_linear", _hold_linear)


def _noam_hold(ph: _Phases, claimed: list[slice], warm: int, hold: int, base_lr: float,
               max_steps: int, min_lr: float, decay_rate: float) -> None:
    if warm == 0:
        _raise_at(ph, claimed, "nemo.noam_hold_annealing: NeMo raises ValueError at step "
                               "{step}: 'Noam scheduler cannot be used without warmup steps'")
    held = hold - warm if hold > 0 else 0
    t_warmup = max(1, float(warm) ** decay_rate)  # max(1, warmup_steps ** decay_rate)
    _fill(ph, claimed, lambda s: _pymax(
        (base_lr * t_warmup) / _pymax(1.0, pow_python(s - held, decay_rate)), min_lr))


noam_hold_annealing = _hold_policy("noam_hold_annealing", _noam_hold)


def _polynomial_hold(ph: _Phases, claimed: list[slice], warm: int, hold: int, base_lr: float,
                     max_steps: int, min_lr: float, power: float, cycle: bool) -> None:
    # step - hold_steps, over max_steps - max(warmup_steps, hold_steps): with no hold given
    # (hold_steps 0) the decay counts from step 0, not from the warm-up's end
    for part in claimed:
        ph.out[part] = _poly_decay("nemo.polynomial_hold_decay_annealing", base_lr,
                                   ph.steps(part) - hold, max_steps - max(warm, hold), power,
                                   min_lr, cycle, ph.first + part.start)


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

    def megatron_cosine(ph: _Phases, claimed: list[slice]) -> None:
        """``_linear_warmup_with_cosine_annealing`` past the warm-up, up to warm + decay."""
        span = _divides(name, ph, claimed, decay, "decay_steps == 0")
        _fill(ph, claimed, lambda s: min_lr + 0.5 * (cos(math.pi * ((s - warm) / span))
                                                     + 1.0) * (base_lr - min_lr))

    def lr_of(ph: _Phases) -> None:
        if constant > 0:
            if ph.first <= max_steps:  # every step up to max_steps asserts max_lr > min_lr
                _below_min(name, ph, [slice(0, 1)], base_lr, min_lr, strict=True)
            if warm > 0:
                ph.set(None, warm + 1, lambda s: base_lr * s / float(warm))
            ph.set(warm + decay + 1, max_steps + 1, min_lr)  # the constant steps
            ph.set(max_steps + 1, None, min_lr)
            megatron_cosine(ph, ph.take())
            return
        _warm_up(ph, base_lr, warm)
        ph.set(max_steps + 1, None, min_lr)
        claimed = ph.take()
        _below_min(name, ph, claimed, base_lr, min_lr)
        span = _divides(name, ph, claimed, max_steps - warm, "max_steps == warmup_steps")
        _fill(ph, claimed, lambda s: (base_lr - min_lr) * (
            0.5 * (1.0 + cos(math.pi * (s - warm) / span))) + min_lr)

    return _run(n, chunk, last_epoch, lr_of)


def noam_annealing(n: int, base_lr: float, d_model: int, warmup_steps: int | None = None,
                   warmup_ratio: float | None = None, max_steps: int | None = None,
                   min_lr: float = 0.0, last_epoch: int = -1, chunk: int = CHUNK) -> Chunks:
    """``NoamAnnealing``: at ``step = max(1, last_epoch)``, ``lr x d_model ** -0.5 x
    min(step ** -0.5, step x warmup ** -1.5)`` (without warm-up, ``step ** -0.5``); after the
    warm-up at least min_lr. max_steps only sizes warmup_ratio: there is no end."""
    warm = _count(warmup_steps, warmup_ratio, max_steps)
    normalize = float(d_model) ** -0.5
    ramp = float(warm) ** -1.5 if warm > 0 else 0.0

    def exact(s: np.ndarray) -> np.ndarray:
        """The class's arithmetic, both terms of the min computed."""
        s = np.maximum(s, 1.0)  # step = max(1, last_epoch)
        decay = pow_python(s, -0.5)
        mult = normalize * (_pymin(decay, s * ramp) if warm > 0 else decay)
        out = base_lr * mult
        return np.where(s > warm, _pymax(out, min_lr), out)

    def lr_of(ph: _Phases) -> None:
        _below_min("nemo.noam_annealing", ph, [slice(0, len(ph.out))], base_lr, min_lr)
        if 0 < warm < 2 ** 40:
            # away from the warm-up's end the min is decided by a margin of 1.5 / warmup
            # relative, far above rounding: step x warmup ** -1.5 before, step ** -0.5 after
            ph.set(1, warm - 1, lambda s: base_lr * (normalize * (s * ramp)))
            ph.set(warm + 2, None, lambda s: _pymax(
                base_lr * (normalize * pow_python(s, -0.5)), min_lr))
        _fill(ph, ph.take(), exact)

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
        ph.set(None, constant + 1, constant_lr)
        ph.set(max_steps + 1, None, min_lr)
        _fill(ph, ph.take(), lambda s: 1.0 / pow_python(s, 0.5))

    return _run(n, chunk, last_epoch, lr_of)
