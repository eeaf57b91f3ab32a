"""A literal, torch-free port of torch.optim.lr_scheduler's objects, for composite schedules.

SequentialLR and ChainedScheduler are not functions of the step: their children share one
optimizer ``param_group`` and each child reads the lr the others left there. Hand-overs restart
a child from its closed form at epoch 0 (or, without one, from ``get_lr()`` on whatever lr is
current — MultiplicativeLR continues from the previous child), constructors have side effects
that survive (CyclicLR sets the lr and momentum, OneCycleLR overwrites ``initial_lr``), and a
ChainedScheduler first child steps without the initial guard. Every one of those updates rounds,
so the only faithful evaluation is the sequential one: this module replays torch 2.13's code,
statement for statement, on a plain dict standing in for the param group — a Python loop per
step (documented exception to lrplot's vectorized kernels; about 1-3 microseconds per child and
step).

Standalone kinds never come here: they have vectorized kernels
(lrplot.frameworks.pytorch.kernels). The parity tests check this port against real torch for every
kind as a child, nested and chained.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from lrplot.schedules import Child, ScheduleError

TABLE_BLOCK = 1 << 16


class Group(dict):
    """The optimizer's single param group: lr, initial_lr, momentum, max_lr, ..."""


class Optimizer:
    """SGD as far as the schedulers can tell: one group with an lr and a momentum of 0."""

    def __init__(self, lr: float):
        self.param_groups = [Group(lr=lr, momentum=0)]
        self.defaults = {"lr": lr, "momentum": 0}

    @property
    def group(self) -> Group:
        return self.param_groups[0]


class _Table:
    """An lrplot expression's values at integer arguments, evaluated a block at a time with
    numpy (lrplot.expr); an argument where Python would raise raises ScheduleError only when
    it is actually used."""

    def __init__(self, source: str, where: str):
        from lrplot import expr

        self.expression = expr.parse(source)
        self.where = where
        self.blocks: dict[int, tuple[list, list]] = {}

    def __call__(self, x: int) -> Any:
        block = x // TABLE_BLOCK
        if block not in self.blocks:
            start = block * TABLE_BLOCK
            values, errors = self.expression.table(np.arange(start, start + TABLE_BLOCK))
            self.blocks[block] = (values, errors)
        values, errors = self.blocks[block]
        i = x - block * TABLE_BLOCK
        if errors is not None and errors[i]:
            raise ScheduleError(f"{self.where}: {errors[i]}")
        return values[i]


# -- the base class ------------------------------------------------------------------------------


class LRScheduler:
    has_closed_form = False

    def __init__(self, optimizer: Optimizer, where: str):
        self.optimizer = optimizer
        self.where = where
        group = optimizer.group
        group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"]]
        self.last_epoch = -1
        self._is_initial = False
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def step(self) -> None:
        self._step_count += 1
        self._update_lr(None)

    def _update_lr(self, epoch: int | None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            if self.has_closed_form:
                values = self.closed_form_lr()
            else:
                values = self.get_lr()
        self.optimizer.group["lr"] = values[0]

    def get_lr(self) -> list[float]:
        raise ScheduleError(f"{self.where}: torch raises NotImplementedError here (a composite "
                            "schedule cannot be handed over to at a milestone)")

    def closed_form_lr(self) -> list[float]:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def lr(self) -> float:
        return self.optimizer.group["lr"]


class LambdaLR(LRScheduler):
    def __init__(self, optimizer: Optimizer, where: str, lr_lambda: str):
        self.f = _Table(lr_lambda, f"{where}.lr_lambda")
        super().__init__(optimizer, where)

    def get_lr(self) -> list[float]:
        return [base_lr * self.f(self.last_epoch) for base_lr in self.base_lrs]


class MultiplicativeLR(LRScheduler):
    def __init__(self, optimizer: Optimizer, where: str, lr_lambda: str):
        self.f = _Table(lr_lambda, f"{where}.lr_lambda")
        super().__init__(optimizer, where)

    def get_lr(self) -> list[float]:
        if not self._is_initial:
            return [self.lr * self.f(self.last_epoch)]
        return [self.lr]


class StepLR(LRScheduler):
    has_closed_form = True

    def __init__(self, optimizer: Optimizer, where: str, step_size: int, gamma: float):
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, where)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [self.lr]
        return [self.lr * self.gamma]

    def closed_form_lr(self) -> list[float]:
        return [b * self.gamma ** (self.last_epoch // self.step_size) for b in self.base_lrs]


class MultiStepLR(LRScheduler):
    has_closed_form = True

    def __init__(self, optimizer: Optimizer, where: str, milestones: Sequence[int],
                 gamma: float):
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, where)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return [self.lr]
        return [self.lr * self.gamma ** self.milestones[self.last_epoch]]

    def closed_form_lr(self) -> list[float]:
        milestones = sorted(self.milestones.elements())
        return [b * self.gamma ** bisect_right(milestones, self.last_epoch)
                for b in self.base_lrs]


class ConstantLR(LRScheduler):
    has_closed_form = True

    def __init__(self, optimizer: Optimizer, where: str, factor: float, total_iters: int):
        self.factor, self.total_iters = factor, total_iters
        super().__init__(optimizer, where)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [self.lr * self.factor]
        if self.last_epoch != self.total_iters:
            return [self.lr]
        return [self.lr * (1.0 / self.factor)]

    def closed_form_lr(self) -> list[float]:
        return [b * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
                for b in self.base_lrs]


class LinearLR(LRScheduler):
    has_closed_form = True

    def __init__(self, optimizer: Optimizer, where: str, start_factor: float,
                 end_factor: float, total_iters: int):
        self.start_factor, self.end_factor = start_factor, end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, where)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [self.lr * self.start_factor]
        if self._is_initial or self.last_epoch > self.total_iters:
            return [self.lr]
        s, e = self.start_factor, self.end_factor
        return [self.lr * (1.0 + (e - s) / (self.total_iters * s
                                            + (self.last_epoch - 1) * (e - s)))]

    def closed_form_lr(self) -> list[float]:
        s, e = self.start_factor, self.end_factor
        return [b * (s + (e - s) * min(self.total_iters, self.last_epoch) / self.total_iters)
                for b in self.base_lrs]


class ExponentialLR(LRScheduler):
    has_closed_form = True

    def __init__(self, optimizer: Optimizer, where: str, gamma: float):
        self.gamma = gamma
        super().__init__(optimizer, where)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return [self.lr]
        return [self.lr * self.gamma]

    def closed_form_lr(self) -> list[float]:
        return [b * self.gamma ** self.last_epoch for b in self.base_lrs]


class PolynomialLR(LRScheduler):
    has_closed_form = True

    def __init__(self, optimizer: Optimizer, where: str, total_iters: int, power: float):
        self.total_iters, self.power = total_iters, power
        super().__init__(optimizer, where)

    def get_lr(self) -> list[float]:
        if self._is_initial or self.last_epoch > self.total_iters:
            return [self.lr]
        T = self.total_iters
        decay = ((1.0 - self.last_epoch / T) / (1.0 - (self.last_epoch - 1) / T)) ** self.power
        return [self.lr * decay]

    def closed_form_lr(self) -> list[float]:
        T = self.total_iters
        return [b * (1.0 - min(T, self.last_epoch) / T) ** self.power for b in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    has_closed_form = True

    def __init__(self, optimizer: Optimizer, where: str, T_max: int, eta_min: float):
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, where)

    def get_lr(self) -> list[float]:
        T, eta, t = self.T_max, self.eta_min, self.last_epoch
        if self._is_initial:
            return [self.lr]
        if self._step_count == 1 and t > 0:
            return [eta + (b - eta) * (1 + math.cos(t * math.pi / T)) / 2 for b in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:
            return [self.lr + (b - eta) * (1 - math.cos(math.pi / T)) / 2
                    for b in self.base_lrs]
        return [(1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
                * (self.lr - eta) + eta]

    def closed_form_lr(self) -> list[float]:
        T, eta = self.T_max, self.eta_min
        return [eta + (b - eta) * (1 + math.cos(math.pi * self.last_epoch / T)) / 2
                for b in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    def __init__(self, optimizer: Optimizer, where: str, T_0: int, T_mult: int,
                 eta_min: float):
        self.T_0 = self.T_i = T_0
        self.T_mult, self.eta_min = T_mult, eta_min
        self.T_cur = -1
        super().__init__(optimizer, where)

    def get_lr(self) -> list[float]:
        eta = self.eta_min
        return [eta + (b - eta) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for b in self.base_lrs]

    def step(self) -> None:
        # torch's step(epoch=None); lrplot never passes an explicit epoch but construction
        # (last_epoch < 0) takes the explicit branch with epoch 0.
        if self.last_epoch < 0:
            epoch = 0
            self.T_i = self.T_0
            self.T_cur = epoch
        else:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        self.last_epoch = math.floor(epoch)
        self.optimizer.group["lr"] = self.get_lr()[0]


class CyclicLR(LRScheduler):
    def __init__(self, optimizer: Optimizer, where: str, base_lr: float, max_lr: float,
                 step_size_up: int, step_size_down: int | None, mode: str, gamma: float,
                 scale_fn: str | None, scale_mode: str, cycle_momentum: bool,
                 base_momentum: float, max_momentum: float):
        group = optimizer.group
        own_base_lrs = [base_lr]
        group["lr"] = base_lr
        self.max_lrs = [max_lr]
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        self.mode, self.gamma = mode, gamma
        if scale_fn is not None:
            self.scale_fn: Callable[[int], Any] = _Table(scale_fn, f"{where}.scale_fn")
            self.scale_mode = scale_mode
        elif mode == "triangular":
            self.scale_fn, self.scale_mode = (lambda x: 1.0), "cycle"
        elif mode == "triangular2":
            self.scale_fn, self.scale_mode = (lambda x: 1 / (2.0 ** (x - 1))), "cycle"
        else:
            self.scale_fn, self.scale_mode = (lambda x: gamma ** x), "iterations"
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.base_momentums, self.max_momentums = [base_momentum], [max_momentum]
            group["momentum"] = max_momentum
            group["max_momentum"] = max_momentum
            group["base_momentum"] = base_momentum
        super().__init__(optimizer, where)
        self.base_lrs = own_base_lrs

    def get_lr(self) -> list[float]:
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        arg = cycle if self.scale_mode == "cycle" else self.last_epoch
        lrs = []
        for base_lr, max_lr in zip(self.base_lrs, self.max_lrs):
            base_height = (max_lr - base_lr) * scale_factor
            lrs.append(base_lr + base_height * self.scale_fn(arg))
        if self.cycle_momentum:
            for base_m, max_m in zip(self.base_momentums, self.max_momentums):
                base_height = (max_m - base_m) * scale_factor
                self.optimizer.group["momentum"] = max_m - base_height * self.scale_fn(arg)
        return lrs


class OneCycleLR(LRScheduler):
    def __init__(self, optimizer: Optimizer, where: str, max_lr: float,
                 total_steps: int | None, epochs: int | None, steps_per_epoch: int | None,
                 pct_start: float, anneal_strategy: str, cycle_momentum: bool,
                 base_momentum: float, max_momentum: float, div_factor: float,
                 final_div_factor: float, three_phase: bool):
        from lrplot.frameworks.pytorch import onecycle

        self.total_steps = onecycle.total(total_steps, epochs, steps_per_epoch)
        names = {"initial": "initial_lr", "max": "max_lr", "min": "min_lr",
                 "max_m": "max_momentum", "base_m": "base_momentum"}
        self.phases = [(end, names[a], names[b], names[c], names[d])
                       for end, a, b, c, d in onecycle.phases(self.total_steps, pct_start,
                                                              three_phase)]
        self.anneal_strategy = anneal_strategy
        group = optimizer.group
        group["initial_lr"] = max_lr / div_factor
        group["max_lr"] = max_lr
        group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            group["momentum"] = max_momentum
            group["max_momentum"] = max_momentum
            group["base_momentum"] = base_momentum
        super().__init__(optimizer, where)

    def anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            cos_out = math.cos(math.pi * pct) + 1
            return end + (start - end) / 2.0 * cos_out
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        step_num = self.last_epoch
        if step_num > self.total_steps:
            raise ScheduleError(f"{self.where}: stepped {step_num} times, past its "
                                f"total_steps={self.total_steps} (torch raises ValueError)")
        group = self.optimizer.group
        start_step = 0.0
        for i, (end_step, start_lr, end_lr, start_m, end_m) in enumerate(self.phases):
            if step_num <= end_step or i == len(self.phases) - 1:
                pct = (step_num - start_step) / (end_step - start_step)
                lr = self.anneal(group[start_lr], group[end_lr], pct)
                if self.cycle_momentum:
                    group["momentum"] = self.anneal(group[start_m], group[end_m], pct)
                return [lr]
            start_step = end_step
        raise AssertionError("unreachable")  # pragma: no cover


class ChainedScheduler(LRScheduler):
    def __init__(self, optimizer: Optimizer, where: str, schedulers: Sequence[LRScheduler]):
        self.optimizer = optimizer
        self.where = where
        self._schedulers = list(schedulers)
        self._is_initial = False

    def step(self) -> None:
        for scheduler in self._schedulers:
            scheduler.step()


class TrainingLoop(ChainedScheduler):
    """Not a torch class: separate schedulers on one optimizer, stepped by the training loop at
    their own intervals (``epochs[i]``: the iterations per epoch of a scheduler stepped once
    per epoch, None for one stepped every iteration). After each iteration the loop steps the
    schedulers stepped every iteration, in order, then, at the end of an epoch, those stepped
    every epoch, in order — a loop that calls ``sched_iter.step()`` every iteration and
    ``sched_epoch.step()`` every epoch."""

    def __init__(self, optimizer: Optimizer, where: str, schedulers: Sequence[LRScheduler],
                 epochs: Sequence[int | None]):
        super().__init__(optimizer, where, schedulers)
        self.epochs = list(epochs)
        self.iteration = 0

    def step(self) -> None:
        self.iteration += 1
        for scheduler, epoch in zip(self._schedulers, self.epochs):
            if epoch is None:
                scheduler.step()
        for scheduler, epoch in zip(self._schedulers, self.epochs):
            if epoch is not None and self.iteration % epoch == 0:
                scheduler.step()


class SequentialLR(LRScheduler):
    def __init__(self, optimizer: Optimizer, where: str, schedulers: Sequence[LRScheduler],
                 milestones: Sequence[int]):
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = -1 + 1
        self.optimizer = optimizer
        self.where = where
        self._is_initial = False
        group = optimizer.group
        group["lr"] = group["initial_lr"]
        self._recursive_undo(self)
        self._schedulers[bisect_right(self._milestones, 0)]._initial_step()

    def _recursive_undo(self, scheduler: Any) -> None:
        if scheduler is not self and not hasattr(scheduler, "_schedulers"):
            scheduler.last_epoch -= 1
            return
        for s in scheduler._schedulers:
            self._recursive_undo(s)

    def step(self) -> None:
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()


# -- building from lrplot's children -------------------------------------------------------------

CLASSES: dict[str, type] = {
    "lambda": LambdaLR, "multiplicative": MultiplicativeLR, "step": StepLR,
    "multistep": MultiStepLR, "constant": ConstantLR, "linear": LinearLR,
    "exponential": ExponentialLR, "polynomial": PolynomialLR, "cosine": CosineAnnealingLR,
    "cosine-restarts": CosineAnnealingWarmRestarts, "cyclic": CyclicLR, "onecycle": OneCycleLR,
}


def build(optimizer: Optimizer, kind: str, params: Mapping[str, Any], where: str,
          base_lr: float | None = None) -> LRScheduler:
    """A scheduler on ``optimizer``; children of composites are built first, in order. A
    CyclicLR child without a base_lr of its own takes the optimizer's initial lr."""
    if kind in ("sequential", "chained"):
        children = [build(optimizer, c.kind, c.mapping, f"{where}.schedulers[{i}]", c.base_lr)
                    for i, c in enumerate(params["schedulers"])]
        if kind == "chained" and any(c.interval for c in params["schedulers"]):
            return TrainingLoop(optimizer, where, children,
                                [c.steps_per_epoch if c.interval == "epoch" else None
                                 for c in params["schedulers"]])
        if kind == "chained":
            return ChainedScheduler(optimizer, where, children)
        return SequentialLR(optimizer, where, children, params["milestones"])
    options = dict(params)
    if kind == "cyclic":
        options["base_lr"] = optimizer.defaults["lr"] if base_lr is None else base_lr
    return CLASSES[kind](optimizer, where, **options)


def run(n: int, base_lr: float, kind: str, params: Mapping[str, Any], chunk: int,
        series: str = "lr") -> Iterator[np.ndarray]:
    """Construct the scheduler on a fresh optimizer (lr = base_lr), then step it; yield the
    group's ``series`` ("lr" or "momentum") after construction and after each step."""
    optimizer = Optimizer(base_lr)
    group = optimizer.group
    key = "lr" if series == "lr" else "momentum"
    try:
        scheduler = build(optimizer, kind, params, kind)
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            out = np.empty(stop - start)
            for i in range(stop - start):
                if start + i:
                    scheduler.step()
                out[i] = group[key]
            yield out
    except ZeroDivisionError:
        raise ScheduleError(f"{kind}: torch raises ZeroDivisionError here") from None
    except OverflowError as exc:
        raise ScheduleError(f"{kind}: torch raises OverflowError here ({exc})") from None


SEGMENT_KINDS = ("exponential", "step", "multistep", "constant", "linear", "polynomial",
                 "cosine", "cosine-restarts", "lambda")
"""Children whose stretch of a SequentialLR equals their own vectorized kernel: their
constructors only touch the lr (which SequentialLR resets to initial_lr = base_lr), the lr
they hand over to at their milestone (the closed form at epoch 0, or get_lr() for LambdaLR and
CosineAnnealingWarmRestarts) is the kernel's lr[0] bit for bit — but for CosineAnnealingLR,
whose ``eta_min + (base_lr - eta_min)`` is passed as the kernel's start — and every later step
depends only on their own epoch and the lr they left."""


def sequential(n: int, base_lr: float, schedulers: Sequence[Child], milestones: Sequence[int],
               chunk: int = 1 << 16, series: str = "lr") -> Iterator[np.ndarray]:
    """SequentialLR. Children of :data:`SEGMENT_KINDS` (linear warm-up then cosine, ...) are
    evaluated stretch by stretch with their vectorized kernels; anything else (CyclicLR and
    OneCycleLR change the group beyond its lr, MultiplicativeLR continues from the previous
    lr, composites) is replayed step by step (see the module docstring)."""
    if series == "lr" and all(c.kind in SEGMENT_KINDS for c in schedulers):
        return _segments(n, base_lr, schedulers, milestones, chunk)
    return run(n, base_lr, "sequential", {"schedulers": schedulers, "milestones": milestones},
               chunk, series)


def _segments(n: int, base_lr: float, schedulers: Sequence[Child], milestones: Sequence[int],
              chunk: int) -> Iterator[np.ndarray]:
    from lrplot.schedules import get

    bounds = [0, *milestones, n]
    for i, child in enumerate(schedulers):
        begin, end = min(n, bounds[i]), min(n, bounds[i + 1])
        if end <= begin:
            continue
        params = child.mapping
        options: dict[str, Any] = {"chunk": chunk}
        if child.kind == "cosine" and i > 0:
            eta = params["eta_min"]
            options["start"] = eta + (base_lr - eta) * (1 + math.cos(0.0)) / 2
        kernel = get(child.kind).kernel_function()
        try:
            yield from kernel(end - begin, base_lr, **params, **options)
        except ScheduleError:
            raise
        except ValueError as exc:  # an expression failing at some step (lrplot.expr)
            raise ScheduleError(f"sequential.schedulers[{i}]: {exc}") from None


def chained(n: int, base_lr: float, schedulers: Sequence[Child], chunk: int = 1 << 16,
            series: str = "lr") -> Iterator[np.ndarray]:
    """ChainedScheduler. When every child multiplies the lr by a factor of its own epoch
    (ExponentialLR, StepLR, MultiStepLR, ConstantLR, LinearLR, PolynomialLR,
    MultiplicativeLR: kernels that are a
    :class:`~lrplot.frameworks.pytorch.kernels.RunningProduct`), the
    chain is one running product of their factors interleaved in child order — child 1's at
    epoch t, child 2's at t, ..., then epoch t + 1 — the very multiplications torch makes, in its
    order; anything else is replayed step by step (see the module docstring for why). Children
    with their own interval are stepped by the training loop (:class:`TrainingLoop`); as plain
    products they are one running product too (:func:`_looped_product`)."""
    if series == "lr":
        factors = _product_factors(schedulers)
        if factors is not None and any(c.interval for c in schedulers):
            return _looped_product(n, base_lr, factors, [
                c.steps_per_epoch if c.interval == "epoch" else None for c in schedulers], chunk)
        if factors is not None:
            return _interleaved_product(n, base_lr, factors, chunk)
    return run(n, base_lr, "chained", {"schedulers": schedulers}, chunk, series)


def _product_factors(schedulers: Sequence[Child]) -> list[tuple[Callable, str]] | None:
    """Each child's per-epoch factor function (and what to blame when its expression fails, as
    the step-by-step replay names it), or None when a child is not a plain product."""
    from lrplot.frameworks.pytorch.kernels import RunningProduct
    from lrplot.schedules import get

    factors = []
    for index, child in enumerate(schedulers):
        if child.base_lr is not None:
            return None
        kernel = get(child.kind).kernel_function()
        try:
            product = kernel(1, 1.0, **child.mapping)
        except Exception:  # torch's own error, reproduced by the step-by-step replay
            return None
        if not isinstance(product, RunningProduct):
            return None
        expressions = [p.name for p in get(child.kind).params if p.type == "expr"]
        where = f"chained.schedulers[{index}]" + "".join(f".{name}" for name in expressions[:1])
        factors.append((product.factors, where))
    return factors


def _looped_product(n: int, base_lr: float, factors: Sequence[tuple[Callable, str]],
                    epochs: Sequence[int | None], chunk: int) -> Iterator[np.ndarray]:
    """:class:`TrainingLoop` of plain products as one running product: the children are
    constructed in order (their factors at 0, in child order), then after iteration i - 1 the
    per-iteration children multiply in their factor at i, in order, and at an epoch's end the
    per-epoch children their factor at the epoch, in order. Where a child does not step its
    column holds 1.0, and multiplying by 1.0 changes no float: the very products torch makes."""
    order = [i for i, e in enumerate(epochs) if e is None] + \
        [i for i, e in enumerate(epochs) if e is not None]
    construction = [order.index(i) for i in range(len(order))]  # row 0: in child order
    lr = base_lr
    per_step = len(factors)
    for start in range(0, n, chunk):
        t = np.arange(start, min(n, start + chunk))
        grid = np.ones((len(t), per_step))
        for column, child in enumerate(order):
            (f, where), epoch = factors[child], epochs[child]
            try:
                if epoch is None:
                    grid[:, column] = f(t)
                elif (ends := t % epoch == 0).any():
                    grid[ends, column] = f(t[ends] // epoch)
            except ScheduleError:
                raise
            except ValueError as exc:  # an expression failing at some epoch (lrplot.expr)
                raise ScheduleError(f"{where}: {exc}") from None
        if start == 0:
            grid[0] = grid[0, construction]
        values = np.empty(grid.size + 1)
        values[0] = lr
        values[1:] = grid.ravel()
        np.multiply.accumulate(values, out=values)
        lr = values[-1]
        yield values[per_step::per_step].copy()


def _interleaved_product(n: int, base_lr: float, factors: Sequence[tuple[Callable, str]],
                         chunk: int) -> Iterator[np.ndarray]:
    lr = base_lr
    per_step = len(factors)
    for start in range(0, n, chunk):
        t = np.arange(start, min(n, start + chunk))
        grid = np.empty((len(t), per_step))
        for i, (f, where) in enumerate(factors):
            try:
                grid[:, i] = f(t)
            except ScheduleError:
                raise
            except ValueError as exc:  # an expression failing at some epoch (lrplot.expr)
                raise ScheduleError(f"{where}: {exc}") from None
        values = np.empty(grid.size + 1)
        values[0] = lr
        values[1:] = grid.ravel()
        np.multiply.accumulate(values, out=values)
        lr = values[-1]
        yield values[per_step::per_step].copy()
