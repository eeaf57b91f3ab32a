"""mmengine's parameter schedulers, stepped as its runner steps them, bit for bit, vectorized.

Every mmengine scheduler is chainable: each ``step()`` inside its window ``[begin, end)`` changes
the optimizer's current value in one of four ways, always in Python floats:

- MUL ``x * f`` (LinearLR, ConstantLR, StepLR, MultiStepLR, ExponentialLR, and the cosine and
  poly forms when their minimum is 0);
- ADD ``x + c`` (QuadraticWarmupLR, CosineAnnealingLR's step past a half period);
- AFFINE ``r * (x - m) + m`` (CosineAnnealingLR, PolyLR, CosineRestartLR with a minimum m);
- SET ``x = v`` (OneCycleLR, the start of a CosineRestartLR period, QuadraticWarmupLR's first).

Several schedulers on one optimizer (a config's ``param_scheduler`` list) apply their operations
in the order mmengine's runner performs them: each constructor steps once (in list order), then
after iteration ``i`` every iteration-based scheduler steps (in list order), and after each epoch
every ``by_epoch`` one, then ReduceOnPlateauLR with the validation metric. This module lists the
operations of each scheduler (a pure function of its step count), merges them in that order and
applies them: a run of MULs is one ``np.multiply.accumulate`` and a run of ADDs one
``np.add.accumulate`` (both strictly left to right, so rounded exactly as the loop), a run of
AFFINEs the checked speculative recursion of the torch cosine kernel; short runs and plateau
decisions step in Python. ``lr[i]`` is the value after the last operation placed before
iteration ``i``.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from lrplot import libm
from lrplot.frameworks.mmengine.phases import INF, convert, onecycle_phase_ends
from lrplot.frameworks.pytorch.kernels import _affine_recursion
from lrplot.kernel_tools import CHUNK, Chunks
from lrplot.schedules import ScheduleError

MUL, ADD, AFFINE, SET, PLATEAU = range(5)

SHORT = 24
"""Runs of fewer operations than this step in Python: numpy's per-call cost is larger."""

CONSTRUCT, ITERATION, EPOCH, VALIDATION = range(4)
"""When, at one position, an operation happens: constructors, then the iteration schedulers'
step after the iteration, the epoch schedulers' after the epoch, and validation's last."""


@dataclass
class _Plateau:
    """ReduceOnPlateauLR's state (mmengine's attributes of the same names)."""

    p: Mapping[str, Any]
    metrics: Callable[[int], float]
    best: float = 0.0
    num_bad_epochs: int = 0
    cooldown_counter: int = 0
    last_value: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.best = INF if self.p["rule"] == "less" else -INF  # mmengine's rule_worse

    def better(self, a: float, best: float) -> bool:
        threshold = self.p["threshold"]
        if self.p["rule"] == "less":
            return a < best * (1. - threshold) if self.p["threshold_rule"] == "rel" \
                else a < best - threshold
        return a > best * (threshold + 1.) if self.p["threshold_rule"] == "rel" \
            else a > best + threshold

    def step(self, x: float, epoch: int) -> float:
        metric = self.metrics(epoch)
        self.last_value.append(metric)
        if self.better(metric, self.best):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.p["patience"]:
            value = max(float(x) * self.p["factor"], self.p["min_value"])
            if x - value > self.p["eps"]:
                x = value
            self.cooldown_counter = self.p["cooldown"]
            self.num_bad_epochs = 0
        return x


@dataclass
class Scheduler:
    """One built scheduler: its kind's short name, parameters after ``convert_to_iter_based``,
    its place in the list and the initial value it read from the optimizer."""

    name: str
    p: dict[str, Any]
    index: int
    base: float
    plateau: _Plateau | None = None

    @property
    def by_epoch(self) -> bool:
        return self.p["by_epoch"]


def _metric_source(p: Mapping[str, Any]) -> Callable[[int], float]:
    """The metric of validation epoch ``e`` (1 for the first)."""
    if p["metric"] is not None:
        from lrplot import expr

        expression = expr.parse(p["metric"])
        return lambda epoch: float(np.asarray(expression.evaluate(np.array([epoch])))[0])
    from lrplot.logcsv import metric_values

    column = metric_values(p["metric_file"], p["metric_column"])

    def row(epoch: int) -> float:
        if epoch > len(column):
            raise ScheduleError(f"metric_file has {len(column)} values; validation epoch "
                                f"{epoch} needs one more")
        return float(column[epoch - 1])
    return row


def build(entries: Sequence[tuple[str, Mapping[str, Any]]], base: float,
          steps_per_epoch: int | None) -> list[Scheduler]:
    """The schedulers of one series (lr or momentum) in list order, as the runner builds
    them: converted where asked, each reading the optimizer's initial value (OneCycleLR
    overwrites it, for itself and every scheduler built after it)."""
    built, initial = [], base
    for index, (name, params) in enumerate(entries):
        p = dict(params)
        if p["convert_to_iter_based"]:
            if not steps_per_epoch:
                raise ScheduleError("convert_to_iter_based needs steps_per_epoch (mmengine's "
                                    "epoch_length)")
            p = convert(name, p, steps_per_epoch)
        if name == "onecycle":
            initial = p["eta_max"] / p["div_factor"]
        sched = Scheduler(name, p, index, initial)
        if name == "plateau":
            sched.plateau = _Plateau(p, _metric_source(p))
        built.append(sched)
    return built


# -- each scheduler's operations at its steps s = last_step (0 at begin) -------------------------

Ops = tuple[np.ndarray, np.ndarray, np.ndarray]  # (kind, a, m) per step


def _mul(s: np.ndarray, factor: np.ndarray) -> Ops:
    return np.full(len(s), MUL), np.asarray(factor, dtype=np.float64), np.zeros(len(s))


def _affine(kinds: np.ndarray, a: np.ndarray, m: float) -> Ops:
    """AFFINE with minimum ``m``, or MUL where ``m`` is 0 (``r * (x - 0.0) + 0.0 == r * x``)."""
    if m == 0.0:
        kinds = np.where(kinds == AFFINE, MUL, kinds)
    return kinds, a, np.where(kinds == AFFINE, m, 0.0)


def _ops_linear(sc: Scheduler, s: np.ndarray) -> Ops:
    p = sc.p
    sf, ef = p["start_factor"], p["end_factor"]
    total = p["end"] - p["begin"] - 1
    with np.errstate(all="ignore"):
        f = 1. + (ef - sf) / (total * sf + (s - 1) * (ef - sf))
    return _mul(s, np.where(s == 0, sf, f))


def _ops_constant(sc: Scheduler, s: np.ndarray) -> Ops:
    factor = sc.p["factor"]
    total = sc.p["end"] - sc.p["begin"] - 1
    return _mul(s, np.where(s == 0, factor, np.where(s == total, 1.0 / factor, 1.0)))


def _ops_step(sc: Scheduler, s: np.ndarray) -> Ops:
    hit = (s != 0) & (s % sc.p["step_size"] == 0)
    return _mul(s, np.where(hit, sc.p["gamma"], 1.0))


def _ops_multistep(sc: Scheduler, s: np.ndarray) -> Ops:
    f = np.ones(len(s))
    for milestone, count in Counter(sc.p["milestones"]).items():
        f[s == milestone] = sc.p["gamma"] ** count
    return _mul(s, f)


def _ops_exponential(sc: Scheduler, s: np.ndarray) -> Ops:
    return _mul(s, np.where(s == 0, 1.0, sc.p["gamma"]))


def _eta_min(sc: Scheduler) -> float:
    ratio = sc.p.get("eta_min_ratio")
    if ratio is None:
        return sc.p["eta_min"] if sc.p["eta_min"] is not None else 0.
    return sc.base * ratio


def _ops_cosine(sc: Scheduler, s: np.ndarray) -> Ops:
    T = sc.p["T_max"] or (sc.p["end"] - sc.p["begin"])
    m = _eta_min(sc)
    # s is consecutive: cos(pi * (s - 1) / T) is the previous step's cos(pi * s / T)
    k = np.arange(int(s[0]) - 1, int(s[-1]) + 1, dtype=np.float64) if len(s) else np.empty(0)
    with np.errstate(all="ignore"):
        one_plus_cos = 1 + libm.cos(math.pi * k / T)
        r = one_plus_cos[1:] / one_plus_cos[:-1]
    bump = (s - 1 - T) % (2 * T) == 0
    kinds = np.where(bump, ADD, AFFINE)
    if bump.any():
        r[bump] = (sc.base - m) * (1 - math.cos(math.pi / T)) / 2
    if len(s) and s[0] == 0:
        kinds[0], r[0] = MUL, 1.0
    return _affine(kinds, r, m)


def _ops_poly(sc: Scheduler, s: np.ndarray) -> Ops:
    total = sc.p["end"] - sc.p["begin"] - 1
    with np.errstate(all="ignore"):
        f = libm.power(1 - 1 / (total - s + 1).astype(np.float64), sc.p["power"])
    kinds = np.where(s == 0, MUL, AFFINE)
    return _affine(kinds, np.where(s == 0, 1.0, f), sc.p["eta_min"])


def _ops_onecycle(sc: Scheduler, s: np.ndarray) -> Ops:
    p = sc.p
    total = p["total_steps"] if p["total_steps"] is not None else p["end"] - p["begin"]
    if len(s) and int(s.max()) > total:
        raise ScheduleError(f"OneCycleLR stepped {int(s.max()) + 1} times: its total_steps is "
                            f"{total} (mmengine raises ValueError)")
    initial = p["eta_max"] / p["div_factor"]
    values = {"initial": initial, "max": p["eta_max"], "min": initial / p["final_div_factor"]}
    ends = onecycle_phase_ends(p, total)
    starts = [0, *ends[:-1]]
    pairs = [("initial", "max"), ("max", "min")] if len(ends) == 2 else \
        [("initial", "max"), ("max", "initial"), ("initial", "min")]
    phase = np.full(len(s), len(ends) - 1)
    for i in reversed(range(len(ends) - 1)):
        phase[s <= ends[i]] = i
    out = np.empty(len(s))
    sf = s.astype(np.float64)
    for i, (lo, hi) in enumerate(pairs):
        sel = phase == i
        pct = (sf[sel] - starts[i]) / (ends[i] - starts[i])
        start, end = values[lo], values[hi]
        if p["anneal_strategy"] == "cos":
            out[sel] = end + (start - end) / 2.0 * (libm.cos(math.pi * pct) + 1)
        else:
            out[sel] = (end - start) * pct + start
    return np.full(len(s), SET), out, np.zeros(len(s))


def _ops_cosine_restart(sc: Scheduler, s: np.ndarray) -> Ops:
    periods = list(sc.p["periods"])
    cumulative = np.array([sum(periods[:i + 1]) for i in range(len(periods))])
    idx = np.searchsorted(cumulative, s, side="right")
    inside = idx < len(periods)
    idx_in = np.minimum(idx, len(periods) - 1)
    restart = np.where(idx_in == 0, 0, cumulative[np.maximum(idx_in - 1, 0)])
    step = (s - restart).astype(np.float64)
    period = np.array(periods, dtype=np.float64)[idx_in]
    weight = np.array(sc.p["restart_weights"], dtype=np.float64)[idx_in]
    m = _eta_min(sc)
    with np.errstate(all="ignore"):
        r = (1 + libm.cos(math.pi * step / period)) / (1 + libm.cos(math.pi * (step - 1) / period))
    kinds = np.where(~inside, MUL, np.where(step == 0, SET, AFFINE))
    a = np.where(~inside, 1.0, np.where(step == 0, sc.base * weight, r))
    return _affine(kinds, a, m)


def _ops_quadratic_warmup(sc: Scheduler, s: np.ndarray) -> Ops:
    T2 = (sc.p["end"] - sc.p["begin"]) ** 2
    a = sc.base * (2 * s + 1).astype(np.float64) / T2
    return np.where(s == 0, SET, ADD), a, np.zeros(len(s))


OPS: dict[str, Callable[[Scheduler, np.ndarray], Ops]] = {
    "linear": _ops_linear, "constant": _ops_constant, "step": _ops_step,
    "multistep": _ops_multistep, "exponential": _ops_exponential, "cosine": _ops_cosine,
    "poly": _ops_poly, "onecycle": _ops_onecycle, "cosine_restart": _ops_cosine_restart,
    "quadratic_warmup": _ops_quadratic_warmup,
}


# -- placing the operations on the iterations ------------------------------------------------------

def _steps_at(sc: Scheduler, lo: int, hi: int, spe: int | None) -> tuple[np.ndarray, np.ndarray,
                                                                          int]:
    """The global steps ``g`` of ``sc`` placed at positions ``lo <= pos < hi``, their
    positions and their phase. A scheduler steps once in its constructor (``g = 0``, position
    0); an iteration-based one then before iteration ``g``, a ``by_epoch`` one before iteration
    ``g * spe`` (after epoch ``g``)."""
    scale = spe if (spe and sc.by_epoch) else 1
    first = 0 if sc.plateau is None else 1  # the plateau scheduler does not step in __init__
    g_lo, g_hi = max(first, -(-lo // scale)), -(-hi // scale)
    begin, end = sc.p["begin"], sc.p["end"]
    g = np.arange(max(g_lo, begin), max(min(g_hi, end), max(g_lo, begin)), dtype=np.int64)
    phase = VALIDATION if sc.plateau is not None else (EPOCH if scale > 1 or (
        sc.by_epoch and spe) else ITERATION)
    return g, g * scale, phase


def _gather(scheds: list[Scheduler], lo: int, hi: int, spe: int | None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every operation placed in ``[lo, hi)``, in the runner's order: (position, kind, a, m,
    which plateau scheduler and epoch for PLATEAU)."""
    parts = []
    for sc in scheds:
        g, pos, phase = _steps_at(sc, lo, hi, spe)
        if not len(g):
            continue
        s = g - sc.p["begin"]
        if sc.plateau is not None:
            kinds, a, m = np.full(len(g), PLATEAU), g.astype(np.float64), np.zeros(len(g))
        else:
            kinds, a, m = OPS[sc.name](sc, s)
        if len(scheds) == 1:  # in order already; x * 1.0 == x keeps one value per step
            return pos, kinds, a, m, np.zeros(len(pos), dtype=np.int64)
        keep = ~((kinds == MUL) & (a == 1.0))  # x * 1.0 == x: not to break others' runs
        phases = np.where(g == 0, CONSTRUCT, phase)
        if not keep.all():
            pos, phases, kinds, a, m = pos[keep], phases[keep], kinds[keep], a[keep], m[keep]
        if len(pos):
            parts.append((pos, phases, np.full(len(pos), sc.index), kinds, a, m))
    if not parts:
        empty = np.empty(0)
        return empty.astype(np.int64), empty.astype(np.int64), empty, empty, empty
    if len(parts) == 1:  # one scheduler's steps come in order
        pos, _, index, kinds, a, m = parts[0]
        return pos, kinds, a, m, index
    parts.sort(key=lambda part: (int(part[0][0]), int(part[1][0]), int(part[2][0])))
    if all(int(prev[0][-1]) < int(part[0][0]) for prev, part in zip(parts, parts[1:])):
        # windows one after another (a warm-up, then a decay): already in the runner's order
        pos, _, index, kinds, a, m = (np.concatenate(x) for x in zip(*parts))
        return pos, kinds, a, m, index
    pos, phases, index, kinds, a, m = (np.concatenate(x) for x in zip(*parts))
    # position, then phase, then list order: one stable sort of a combined key
    order = np.argsort((pos * 4 + phases) * len(scheds) + index, kind="stable")
    return pos[order], kinds[order], a[order], m[order], index[order]


def _apply(pos: np.ndarray, kinds: np.ndarray, a: np.ndarray, m: np.ndarray, who: np.ndarray,
           x: float, scheds: list[Scheduler]) -> np.ndarray:
    """The value after each operation, from ``x``, rounded as mmengine's loop rounds: long runs
    of one operation vectorized, everything between them in Python (:func:`_between`). Where
    the operations of a position are fused, only its last one's value is set (the value of a
    position, the only one read, is its last operation's); the others are NaN."""
    n = len(kinds)
    out = np.empty(n)
    if not n:
        return out
    cut = np.flatnonzero((kinds[1:] != kinds[:-1]) | (m[1:] != m[:-1]) | (kinds[1:] == PLATEAU))
    starts = np.concatenate(([0], cut + 1))
    stops = np.append(starts[1:], n)
    long = ((stops - starts) >= SHORT) & (kinds[starts] != PLATEAU)
    by_index = {sc.index: sc for sc in scheds}
    done = 0
    for i, j in zip(starts[long].tolist(), stops[long].tolist()):
        if done < i:
            x = _between(pos, kinds, a, m, who, x, out, done, i, by_index)
        kind = int(kinds[i])
        if kind == AFFINE:
            x = _affine_recursion(a[i:j], x, float(m[i]), out[i:j])
        elif kind == SET:
            out[i:j] = a[i:j]
            x = float(a[j - 1])
        else:
            buf = np.empty(j - i + 1)
            buf[0] = x
            buf[1:] = a[i:j]
            with np.errstate(all="ignore"):
                (np.multiply if kind == MUL else np.add).accumulate(buf, out=buf)
            out[i:j] = buf[1:]
            x = float(buf[-1])
        done = j
    if done < n:
        _between(pos, kinds, a, m, who, x, out, done, n, by_index)
    return out


def _between(pos: np.ndarray, kinds: np.ndarray, a: np.ndarray, m: np.ndarray,
             who: np.ndarray, x: float, out: np.ndarray, i: int, j: int,
             by_index: dict[int, Scheduler]) -> float:
    """Operations ``i .. j-1``, which no long run of one operation covers. Schedulers over the
    same iterations (a warm-up and a decay both by iteration) interleave their operations, the
    same few at every position: those stretches run in one Python loop per stretch that applies
    a position's operations together (:func:`_fused`), the rest one by one (:func:`_loop`)."""
    for start, stop, width in _repeats(pos, kinds, m, i, j):
        if i < start:
            x = _loop(kinds, a, m, who, x, out, i, start, by_index)
        x = _fused(kinds, a, m, x, out, start, stop, width)
        i = stop
    if i < j:
        x = _loop(kinds, a, m, who, x, out, i, j, by_index)
    return x


FUSED_WIDTHS = (2, 3, 4)
"""Operations per position that :func:`_fused` takes together: two to four schedulers over the
same iterations."""


def _repeats(pos: np.ndarray, kinds: np.ndarray, m: np.ndarray, i: int, j: int
             ) -> list[tuple[int, int, int]]:
    """The stretches ``(start, stop, width)`` of operations ``i .. j-1`` where at least
    :data:`SHORT` consecutive positions each have ``width`` operations of the same kinds and
    minima in the same order (no plateau decision), in order."""
    p = pos[i:j]
    if len(p) < 2 * SHORT:
        return []
    starts = np.flatnonzero(np.concatenate(([True], p[1:] != p[:-1])))
    sizes = np.diff(np.append(starts, len(p)))
    same = np.zeros(len(starts), dtype=bool)  # position g's operations repeat at g + 1
    k, mm = kinds[i:j], m[i:j]
    for width in FUSED_WIDTHS:
        g = np.flatnonzero((sizes[:-1] == width) & (sizes[1:] == width))
        if not len(g):
            continue
        differs = (k[:-width] != k[width:]) | (mm[:-width] != mm[width:]) | \
            (k[:-width] == PLATEAU)  # NaN minima differ: one by one
        count = np.concatenate(([0], np.cumsum(differs)))
        same[g] = count[starts[g] + width] == count[starts[g]]
    out = []
    # runs of positions g0 .. g1 (g1 - g0 >= SHORT) with same[g0 .. g1 - 1]: all alike
    edges = np.flatnonzero(np.diff(np.concatenate(([0], same.astype(np.int8), [0]))))
    for g0, g1 in zip(edges[0::2].tolist(), edges[1::2].tolist()):
        if g1 - g0 >= SHORT:  # positions g0 .. g1, the last included
            start = int(starts[g0])
            out.append((i + start, i + int(starts[g1]) + int(sizes[g1]), int(sizes[g0])))
    return out


_OPERATION = {MUL: "({x}) * a{t}", ADD: "({x}) + a{t}", AFFINE: "a{t} * (({x}) - m{t}) + m{t}",
              SET: "a{t}"}
"""Each operation on the value ``{x}`` as :func:`_loop` computes it (the same roundings in the
same order), for the loops :func:`_fused_loop` makes."""


@functools.lru_cache(maxsize=64)
def _fused_loop(pattern: tuple[int, ...]) -> Callable[..., np.ndarray]:
    """A Python loop applying the operations ``pattern`` (kinds) at each position, in order,
    with :func:`_loop`'s arithmetic, and giving the value after each position: its source is
    made from :data:`_OPERATION` alone (no value of a config reaches it), so each position
    costs one step of a generator instead of one loop iteration per operation with a test of
    its kind. The columns are buffers (memoryviews: their floats are made as they are read)
    and numpy fills the result straight from the generator: no list in between."""
    width = len(pattern)
    value = "x"
    for t, kind in enumerate(pattern):
        value = _OPERATION[kind].format(x=value, t=t)
    names = ", ".join(f"a{t}" for t in range(width))
    source = (f"def loop(x, columns, minima, count):\n"
              f"    {''.join(f'm{t}, ' for t in range(width))}= minima\n"
              f"    def values(x):\n"
              f"        for {names} in zip(*columns):\n"
              f"            x = {value}\n"
              f"            yield x\n"
              f"    return np.fromiter(values(x), np.float64, count)\n")
    namespace: dict[str, Any] = {"np": np}
    exec(compile(source, f"<mmengine fused loop {pattern}>", "exec"), namespace)
    return namespace["loop"]


def _fused(kinds: np.ndarray, a: np.ndarray, m: np.ndarray, x: float, out: np.ndarray,
           i: int, j: int, width: int) -> float:
    """Operations ``i .. j-1``: the same ``width`` operations at each of their positions."""
    pattern = tuple(int(k) for k in kinds[i:i + width])
    columns = [memoryview(a[i + t:j:width]) for t in range(width)]
    values = _fused_loop(pattern)(x, columns, [float(v) for v in m[i:i + width]],
                                  (j - i) // width)
    out[i:j] = np.nan
    out[i + width - 1:j:width] = values
    return float(values[-1]) if len(values) else x


def _lockstep(scheds: list[Scheduler], lo: int, hi: int, spe: int | None, x: float
              ) -> tuple[np.ndarray, np.ndarray] | None:
    """The positions in ``[lo, hi)`` and the value after each, when two to four schedulers
    (no plateau) step at the same positions in the same phase, each repeating one operation
    and minimum after a few first steps: a warm-up and a decay over the same iterations. None
    otherwise. The general path's sort, runs and bookkeeping cost more than the arithmetic
    here; the roundings are the same (list order at each position, :func:`_loop`'s
    operations), so the values are too."""
    if len(scheds) not in FUSED_WIDTHS or any(sc.plateau is not None for sc in scheds):
        return None
    placed = [_steps_at(sc, lo, hi, spe) for sc in scheds]
    g, pos, phase = placed[0]
    if len(g) < 2 * SHORT or any(p != phase or not np.array_equal(q, pos) for _, q, p in placed):
        return None
    ops = [OPS[sc.name](sc, g - sc.p["begin"]) for sc in scheds]
    changes = [np.flatnonzero((kinds != kinds[-1]) | (m != m[-1])) for kinds, _, m in ops]
    head = max(int(c[-1]) + 1 if len(c) else 0 for c in changes)  # NaN minima: all of them
    if head > SHORT:
        return None
    width = len(ops)
    kinds, a, m = (np.stack([op[part][:head] for op in ops], axis=1).ravel() for part in range(3))
    out = np.empty(head * width)
    x = _loop(kinds, a, m, np.zeros(len(kinds), dtype=np.int64), x, out, 0, len(kinds), {})
    pattern = tuple(int(op[0][-1]) for op in ops)
    tail = _fused_loop(pattern)(x, [memoryview(op[1][head:]) for op in ops],
                                [float(op[2][-1]) for op in ops], len(g) - head)
    return pos, np.concatenate((out[width - 1::width], tail))


def _loop(kinds: np.ndarray, a: np.ndarray, m: np.ndarray, who: np.ndarray, x: float,
          out: np.ndarray, i: int, j: int, by_index: dict[int, Scheduler]) -> float:
    """Operations ``i .. j-1`` one by one, as Python floats (short runs, interleaved
    schedulers, plateau decisions); returns the last value."""
    values = []
    append = values.append
    for kind, v, mm, k in zip(kinds[i:j].tolist(), a[i:j].tolist(), m[i:j].tolist(),
                              range(i, j)):
        if kind == MUL:
            x = x * v
        elif kind == AFFINE:
            x = v * (x - mm) + mm
        elif kind == ADD:
            x = x + v
        elif kind == SET:
            x = v
        else:
            x = by_index[int(who[k])].plateau.step(x, int(v))  # type: ignore[union-attr]
        append(x)
    out[i:j] = values
    return x


def run(n: int, base: float, entries: Sequence[tuple[str, Mapping[str, Any]]],
        steps_per_epoch: int | None, chunk: int = CHUNK, series: str = "value") -> Chunks:
    """The value (lr or momentum) at iterations ``0..n-1`` under the schedulers ``entries``
    (short kind name, parameters), in chunks; ``series="metric"`` gives the last metric the
    first plateau scheduler saw (NaN before the first validation)."""
    scheds = build(entries, base, steps_per_epoch)
    x = float(base)
    metric = math.nan
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        lockstep = None if series == "metric" else _lockstep(scheds, lo, hi, steps_per_epoch, x)
        if lockstep is not None:
            pos, values = lockstep
        else:
            pos, kinds, a, m, who = _gather(scheds, lo, hi, steps_per_epoch)
            values = _apply(pos, kinds, a, m, who, x, scheds)
        at = np.arange(lo, hi)
        if series == "metric":
            mask = kinds == PLATEAU
            ppos = pos[mask]
            seen = np.array([v for sc in scheds if sc.plateau for v in sc.plateau.last_value]
                            )[-len(ppos):] if len(ppos) else np.empty(0)
            idx = np.searchsorted(ppos, at, side="right") - 1
            piece = np.where(idx >= 0, seen[np.maximum(idx, 0)] if len(seen) else metric,
                             metric)
            if len(seen):
                metric = float(seen[-1])
            yield piece
        elif len(pos) == hi - lo and (pos == at).all():
            yield values  # one operation before each iteration: the values are the series
        else:
            last = np.searchsorted(pos, at, side="right") - 1
            yield np.where(last >= 0, values[np.maximum(last, 0)] if len(values) else x, x)
        if len(values):
            x = float(values[-1])


# -- the kernels ---------------------------------------------------------------------------------

WINDOW = ("begin", "end", "by_epoch", "convert_to_iter_based")


def _single(name: str, momentum: bool) -> Callable[..., Chunks]:
    def kernel(n: int, base_lr: float, chunk: int = CHUNK, series: str = "lr",
               **params: Any) -> Chunks:
        spe = params.pop("steps_per_epoch")
        if momentum:
            base = params.pop("initial_momentum")
            if series == "lr":
                return iter([np.full(n, float(base_lr))])
            series = "value" if series == "momentum" else series
        else:
            base = base_lr
        return run(n, base, [(name, params)], spe, chunk, series)
    kernel.__name__ = name + ("_momentum" if momentum else "")
    return kernel


for _name in (*OPS, "plateau"):
    globals()[_name] = _single(_name, False)
    if _name != "onecycle":
        globals()[_name + "_momentum"] = _single(_name, True)


def _short_name(kind: str) -> tuple[str, bool]:
    name = kind.split(".", 1)[1]
    return (name[:-len("_momentum")], True) if name.endswith("_momentum") else (name, False)


def param_scheduler(n: int, base_lr: float, schedulers: Sequence[Any],
                    steps_per_epoch: int | None, initial_momentum: float, chunk: int = CHUNK,
                    series: str = "lr") -> Chunks:
    """A config's ``param_scheduler`` list: the lr schedulers on the lr, the momentum ones on
    the momentum, each series stepped as the runner steps them."""
    lr_entries, momentum_entries = [], []
    for child in schedulers:
        name, is_momentum = _short_name(child.kind)
        params = {k: v for k, v in child.mapping.items() if k not in ("steps_per_epoch",
                                                                      "initial_momentum")}
        (momentum_entries if is_momentum else lr_entries).append((name, params))
    if series == "momentum":
        return run(n, initial_momentum, momentum_entries, steps_per_epoch, chunk)
    if series == "metric":
        with_plateau = lr_entries if any(e[0] == "plateau" for e in lr_entries) \
            else momentum_entries
        return run(n, base_lr, with_plateau, steps_per_epoch, chunk, "metric")
    return run(n, base_lr, lr_entries, steps_per_epoch, chunk)


def iterate(chunks: Iterator[np.ndarray]) -> np.ndarray:
    return np.concatenate(list(chunks))
