"""numpy kernels for fvcore's param schedulers and detectron2's lr schedulers, bit for bit: both
compute in Python floats, and each function below keeps their order of operations (quoted in
the docstrings); ``math.cos`` and ``**`` come from :mod:`lrplot.libm`.

A param scheduler is built once into a function of a float64 array of ``where`` values
(:func:`build`); ``LRMultiplier`` evaluates it at ``where = i / max_iter`` (``last_epoch /
self._max_iter``: both integers are exact in float64, so numpy's quotient is Python's) and
multiplies: ``base_lr * multiplier``. What fvcore raises at some ``where`` (a RuntimeError, an
IndexError) is a :class:`~lrplot.schedules.ScheduleError` naming the step.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from lrplot import libm
from lrplot.frameworks.detectron2.where import composite_lengths
from lrplot.kernel_tools import CHUNK, Chunks, Scratch, blockwise, spans
from lrplot.schedules import ScheduleError

WHERE_EPSILON = 1e-6
"""``ParamScheduler.WHERE_EPSILON``: added to ``where`` before it is compared or counted."""

Where = Callable[[np.ndarray], np.ndarray]


class Raises(Exception):
    """fvcore raises at element ``index`` of the ``where`` array it was given."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index
        self.message = message


def _first(bad: np.ndarray, message: str) -> None:
    if bad.any():
        raise Raises(int(np.argmax(bad)), message)


# -- fvcore.common.param_scheduler --------------------------------------------------------------


def constant(value: float) -> Where:
    """``ConstantParamScheduler``: raises ``RuntimeError`` at ``where >= 1.0``."""
    def f(w: np.ndarray) -> np.ndarray:
        _first(w >= 1.0, "ConstantParamScheduler raises at where >= 1 (RuntimeError)")
        return np.full(len(w), value, dtype=np.float64)
    return f


def cosine(start_value: float, end_value: float) -> Where:
    """``end + 0.5 * (start - end) * (1 + math.cos(math.pi * where))``."""
    half = 0.5 * (start_value - end_value)

    def f(w: np.ndarray) -> np.ndarray:
        out = libm.cos(math.pi * w)
        out += 1
        out *= half
        out += end_value
        return out
    return f


def exponential(start_value: float, decay: float) -> Where:
    """``start_value * (decay ** where)``."""
    return lambda w: start_value * libm.power(float(decay), w)


def linear(start_value: float, end_value: float) -> Where:
    """``end_value * where + start_value * (1 - where)``."""
    return lambda w: end_value * w + start_value * (1 - w)


def multistep(values: Sequence[float], num_updates: int | None,
              milestones: Sequence[int] | None) -> Where:
    """``values[bisect_right(milestones, int((where + 1e-6) * num_updates))]``, the milestones
    and num_updates as the constructor settles them; raises at ``where > 1.0``."""
    updates, bounds = _multistep_bounds(values, num_updates, milestones)
    table = np.asarray([float(v) for v in values])

    def f(w: np.ndarray) -> np.ndarray:
        _first(w > 1.0, "MultiStepParamScheduler raises at where > 1 (RuntimeError)")
        epoch = np.trunc((w + WHERE_EPSILON) * updates)
        return table[np.searchsorted(bounds, epoch, side="right")]
    return f


def _multistep_bounds(values: Sequence[float], num_updates: int | None,
                      milestones: Sequence[int] | None) -> tuple[int, np.ndarray]:
    if milestones is None:
        step_width = math.ceil(num_updates / float(len(values)))  # type: ignore[operator]
        milestones = [step_width * (idx + 1) for idx in range(len(values) - 1)]
    milestones = list(milestones)
    if num_updates is None:
        num_updates, milestones = milestones[-1], milestones[:-1]
    return num_updates, np.asarray(milestones, dtype=np.float64)


def polynomial(base_value: float, power: float) -> Where:
    """``base_value * (1 - where) ** power``; Python gives a complex number for a negative base
    and a fractional power, and raises ZeroDivisionError for ``0.0 ** -x``."""
    def f(w: np.ndarray) -> np.ndarray:
        base = 1 - w
        if power != int(power):
            _first(base < 0, "PolynomialDecayParamScheduler gives a complex number past "
                             "where = 1 (a fractional power of a negative number)")
        if power < 0 and (base == 0).any():
            raise ZeroDivisionError("0.0 cannot be raised to a negative power")
        return base_value * libm.power(base, float(power))
    return f


def step(num_updates: float, values: Sequence[float]) -> Where:
    """``values[int((where + 1e-6) * len(values))]``: an IndexError once ``where + 1e-6``
    reaches 1 (the last iterations of a run of more than 10^6)."""
    table = np.asarray([float(v) for v in values])
    count = len(values)

    def f(w: np.ndarray) -> np.ndarray:
        index = np.trunc((w + WHERE_EPSILON) * count)
        _first(index >= count, "StepParamScheduler raises IndexError once int((where + 1e-6) "
                               f"* {count}) reaches its {count} values")
        return table[index.astype(np.int64)]
    return f


def step_fixed_gamma(base_value: float, num_decays: int, gamma: float,
                     num_updates: int) -> Where:
    """``StepParamScheduler(num_updates, values)`` with ``values = [base_value]`` then
    ``values.append(values[-1] * gamma)`` num_decays times."""
    values = [base_value]
    for _ in range(num_decays):
        values.append(values[-1] * gamma)
    return step(num_updates, values)


def composite(schedulers: Sequence[Where], lengths: Sequence[float],
              interval_scaling: Sequence[str]) -> Where:
    """``CompositeParamScheduler``: the lengths as the constructor fixes them (``lengths[-1] =
    1.0 - sum(lengths[:-1])`` when they do not sum to 1.0), then per ``where``::

        i = 0; running_total = lengths[i]
        while (where + 1e-6) > running_total and i < len(schedulers) - 1:
            i += 1; running_total += lengths[i]
        rescaled: scheduler_where = (where - (running_total - lengths[i])) / lengths[i]
    """
    lengths, totals = composite_lengths(lengths)
    last = len(schedulers) - 1

    def f(w: np.ndarray) -> np.ndarray:
        shifted = w + WHERE_EPSILON
        out = np.empty(len(w))
        if all(a <= b for a, b in zip(totals, totals[1:])) and \
                bool(np.all(shifted[:-1] <= shifted[1:])):
            # the usual case, where grows with the step: scheduler k takes the steps from the
            # first with shifted > totals[k-1] to the first with shifted > totals[k], a slice
            cuts = [0, *(int(np.searchsorted(shifted, t, side="right"))
                         for t in totals[:last]), len(w)]
            shares: list[Any] = [slice(a, b) for a, b in zip(cuts, cuts[1:])]
        else:  # the loop as written, element-wise
            which = np.zeros(len(w), dtype=np.int64)
            going = np.ones(len(w), dtype=bool)
            for k in range(last):
                going &= shifted > totals[k]
                which += going
            shares = [np.flatnonzero(which == k) for k in range(len(schedulers))]
        for k, scheduler in enumerate(schedulers):
            at = shares[k]
            where = w[at]
            if not len(where):
                continue
            if interval_scaling[k] == "rescaled":
                if lengths[k] == 0:
                    raise ZeroDivisionError("float division by zero")
                where = (where - (totals[k] - lengths[k])) / lengths[k]
            try:
                out[at] = scheduler(where)
            except Raises as exc:
                first = at.start + exc.index if isinstance(at, slice) else int(at[exc.index])
                raise Raises(first, exc.message) from None
        return out
    return f


def warmup(scheduler: Where, warmup_factor: float, warmup_length: float,
           warmup_method: str = "linear", rescale_interval: bool = False) -> Where:
    """detectron2's ``WarmupParamScheduler``::

        end_value = scheduler(0.0) if rescale_interval else scheduler(warmup_length)
        start_value = warmup_factor * scheduler(0.0)
        warmup = ConstantParamScheduler(start_value) or LinearParamScheduler(start_value,
                                                                             end_value)
        CompositeParamScheduler([warmup, scheduler], interval_scaling=["rescaled", "rescaled"
            if rescale_interval else "fixed"], lengths=[warmup_length, 1 - warmup_length])
    """
    def at(where: float) -> float:
        try:
            return float(scheduler(np.array([where]))[0])
        except Raises as exc:
            raise ScheduleError(f"WarmupParamScheduler: the scheduler raises at where = "
                                f"{where!r}, which the warm-up asks for when built: "
                                f"{exc.message}") from None

    end_value = at(0.0) if rescale_interval else at(warmup_length)
    start_value = warmup_factor * at(0.0)
    ramp = constant(start_value) if warmup_method == "constant" else \
        linear(start_value, end_value)
    return composite([ramp, scheduler], [warmup_length, 1 - warmup_length],
                     ["rescaled", "rescaled" if rescale_interval else "fixed"])


BUILDERS: dict[str, Callable[..., Where]] = {
    "constant": constant, "cosine": cosine, "exponential": exponential, "linear": linear,
    "multistep": multistep, "polynomial": polynomial, "step": step,
    "step_fixed_gamma": step_fixed_gamma, "composite": composite, "warmup": warmup}
"""Kind name (after ``detectron2.``) -> the builder of its ``where`` function."""


def build(kind: str, params: Mapping[str, Any]) -> Where:
    """The ``where`` function of a param scheduler kind, its children built first."""
    name = kind.split(".", 1)[1]
    args = dict(params)
    for key in ("schedulers", "scheduler"):
        if key in args:
            children = [build(c.kind, c.mapping) for c in args[key]]
            args[key] = children if key == "schedulers" else children[0]
    return BUILDERS[name](**args)


# -- detectron2.solver.lr_scheduler -------------------------------------------------------------


def _multiplied(n: int, base_lr: float, multiplier: Where, max_iter: int, chunk: int,
                name: str) -> Chunks:
    """``LRMultiplier.get_lr``: ``base_lr * self._multiplier(self.last_epoch / self._max_iter)``
    at ``last_epoch = i``, block by block (``kernel_tools.blockwise``): a cosine's argument, its
    cosine and the affine map around it stay in the processor's cache from pass to pass."""
    work = Scratch()

    def fill(begin: int, end: int, out: np.ndarray) -> None:
        where = work.steps(begin, end, dtype=np.float64)  # integers, exact in float64
        where /= max_iter  # both exact in float64: the quotient is Python's int / int
        try:
            np.multiply(multiplier(where), base_lr, out=out)
        except Raises as exc:
            step = begin + exc.index
            raise ScheduleError(f"{name}: at step {step} (where = {step}/{max_iter} = "
                                f"{float(where[exc.index])!r}) fvcore's {exc.message}; "
                                f"detectron2 would stop there") from None

    return blockwise(n, chunk, fill)


def _alone(n: int, base_lr: float, kind: str, params: Mapping[str, Any], chunk: int) -> Chunks:
    """A param scheduler drawn alone: ``LRMultiplier`` with ``max_iter = n``."""
    return _multiplied(n, base_lr, build(f"detectron2.{kind}", params), n, chunk,
                       f"detectron2.{kind}")


def constant_lr(n: int, base_lr: float, value: float, chunk: int = CHUNK) -> Chunks:
    return _alone(n, base_lr, "constant", {"value": value}, chunk)


def cosine_lr(n: int, base_lr: float, start_value: float, end_value: float,
              chunk: int = CHUNK) -> Chunks:
    return _alone(n, base_lr, "cosine", {"start_value": start_value, "end_value": end_value},
                  chunk)


def exponential_lr(n: int, base_lr: float, start_value: float, decay: float,
                   chunk: int = CHUNK) -> Chunks:
    return _alone(n, base_lr, "exponential", {"start_value": start_value, "decay": decay}, chunk)


def linear_lr(n: int, base_lr: float, start_value: float, end_value: float,
              chunk: int = CHUNK) -> Chunks:
    return _alone(n, base_lr, "linear", {"start_value": start_value, "end_value": end_value},
                  chunk)


def multistep_lr(n: int, base_lr: float, values: Sequence[float], num_updates: int | None,
                 milestones: Sequence[int] | None, chunk: int = CHUNK) -> Chunks:
    return _alone(n, base_lr, "multistep", {"values": values, "num_updates": num_updates,
                                            "milestones": milestones}, chunk)


def polynomial_lr(n: int, base_lr: float, base_value: float, power: float,
                  chunk: int = CHUNK) -> Chunks:
    return _alone(n, base_lr, "polynomial", {"base_value": base_value, "power": power}, chunk)


def step_lr(n: int, base_lr: float, num_updates: float, values: Sequence[float],
            chunk: int = CHUNK) -> Chunks:
    return _alone(n, base_lr, "step", {"num_updates": num_updates, "values": values}, chunk)


def step_fixed_gamma_lr(n: int, base_lr: float, base_value: float, num_decays: int,
                        gamma: float, num_updates: int, chunk: int = CHUNK) -> Chunks:
    return _alone(n, base_lr, "step_fixed_gamma", {
        "base_value": base_value, "num_decays": num_decays, "gamma": gamma,
        "num_updates": num_updates}, chunk)


def composite_lr(n: int, base_lr: float, schedulers: Sequence, lengths: Sequence[float],
                 interval_scaling: Sequence[str], chunk: int = CHUNK) -> Chunks:
    return _alone(n, base_lr, "composite", {"schedulers": schedulers, "lengths": lengths,
                                            "interval_scaling": interval_scaling}, chunk)


def warmup_lr(n: int, base_lr: float, scheduler: Sequence, warmup_factor: float,
              warmup_length: float, warmup_method: str, rescale_interval: bool,
              chunk: int = CHUNK) -> Chunks:
    return _alone(n, base_lr, "warmup", {
        "scheduler": scheduler, "warmup_factor": warmup_factor, "warmup_length": warmup_length,
        "warmup_method": warmup_method, "rescale_interval": rescale_interval}, chunk)


def lr_multiplier(n: int, base_lr: float, multiplier: Sequence, max_iter: int,
                  chunk: int = CHUNK) -> Chunks:
    """``LRMultiplier(optimizer, multiplier, max_iter)``."""
    child = multiplier[0]
    yield from _multiplied(n, base_lr, build(child.kind, child.mapping), max_iter, chunk,
                           "detectron2.lr_multiplier")


def _warmup_factor(i: np.ndarray, method: str, warmup_iters: int,
                   warmup_factor: float) -> np.ndarray:
    """``_get_warmup_factor_at_iter``: 1.0 from warmup_iters on; before, warmup_factor
    (constant) or ``warmup_factor * (1 - alpha) + alpha``, ``alpha = iter / warmup_iters``."""
    out = np.ones(len(i))
    early = slice(0, int(np.searchsorted(i, warmup_iters)))  # the steps grow: one slice
    if method == "constant":
        out[early] = warmup_factor
    else:
        alpha = i[early] / warmup_iters
        out[early] = warmup_factor * (1 - alpha) + alpha
    return out


def warmup_multistep(n: int, base_lr: float, milestones: Sequence[int], gamma: float,
                     warmup_factor: float, warmup_iters: int, warmup_method: str,
                     chunk: int = CHUNK) -> Chunks:
    """``base_lr * warmup_factor * self.gamma ** bisect_right(self.milestones,
    self.last_epoch)``."""
    marks = np.asarray(milestones, dtype=np.int64)
    # gamma ** k for each count of milestones passed: Python's float ** int is C pow, once each
    powers = np.asarray([gamma ** k for k in range(len(milestones) + 1)], dtype=np.float64)
    for i in spans(n, chunk):
        factor = _warmup_factor(i, warmup_method, warmup_iters, warmup_factor)
        yield base_lr * factor * powers[np.searchsorted(marks, i, side="right")]


def warmup_cosine(n: int, base_lr: float, max_iters: int, warmup_factor: float,
                  warmup_iters: int, warmup_method: str, chunk: int = CHUNK) -> Chunks:
    """``base_lr * warmup_factor * 0.5 * (1.0 + math.cos(math.pi * self.last_epoch /
    self.max_iters))``."""
    work = Scratch()

    def fill(begin: int, end: int, out: np.ndarray) -> None:
        i = work.steps(begin, end)
        factor = _warmup_factor(i, warmup_method, warmup_iters, warmup_factor)
        out[...] = base_lr * factor * 0.5 * (1.0 + libm.cos(math.pi * i / max_iters))

    return blockwise(n, chunk, fill)


# -- detectron2.solver.build.build_lr_scheduler ------------------------------------------------


def solver_multiplier(base_lr: float, lr_scheduler_name: str, max_iter: int,
                      base_lr_end: float, solver_steps: Sequence[int], gamma: float,
                      num_decays: int, warmup_factor: float, warmup_iters: int,
                      warmup_method: str, rescale_interval: bool) -> Where:
    """The multiplier ``build_lr_scheduler(cfg, optimizer)`` hands to LRMultiplier."""
    if lr_scheduler_name == "WarmupMultiStepLR":
        steps = [x for x in solver_steps if x <= max_iter]
        sched = multistep([gamma ** k for k in range(len(steps) + 1)], max_iter, steps)
    elif lr_scheduler_name == "WarmupCosineLR":
        end_value = base_lr_end / base_lr
        if not 0.0 <= end_value <= 1.0:
            raise ScheduleError(f"detectron2.solver: BASE_LR_END / BASE_LR = {end_value!r} "
                                "must be within [0, 1] (build_lr_scheduler asserts it)")
        sched = cosine(1, end_value)
    else:
        sched = step_fixed_gamma(1.0, num_decays, gamma, max_iter)
    return warmup(sched, warmup_factor, min(warmup_iters / max_iter, 1.0), warmup_method,
                  rescale_interval)


def solver(n: int, base_lr: float, chunk: int = CHUNK, **params: Any) -> Chunks:
    """``LRMultiplier(optimizer, multiplier=sched, max_iter=cfg.SOLVER.MAX_ITER)``."""
    yield from _multiplied(n, base_lr, solver_multiplier(base_lr, **params),
                           params["max_iter"], chunk, "detectron2.solver")
