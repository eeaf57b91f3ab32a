"""Parity helpers shared by scripts/make_goldens.py and the parity tests.

- :func:`torch_lrs` steps a real ``torch.optim.lr_scheduler`` and records the lr series, with
  lrplot's convention: ``lr[0]`` right after construction, ``lr[i]`` after ``i`` calls of
  ``scheduler.step()``. It is the only place that drives torch.
- :func:`assert_lr_close` is the comparison every parity test uses.
- :func:`load_goldens` / :func:`dump_goldens` read and write ``tests/golden/torch.json``.

torch is imported lazily, so the golden tests can import this module without torch installed.

Adding a kind: add one entry to :data:`TORCH_KINDS` — the torch class name when lrplot's
parameters are torch's constructor arguments, or a builder ``f(optimizer, params) -> scheduler``
when they need translating (a lambda given as text, child schedulers, ...).
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any, Callable, Mapping, Union

import numpy as np

Builder = Callable[[Any, Mapping[str, Any]], Any]

TORCH_KINDS: dict[str, Union[str, Builder]] = {
    "exponential": "ExponentialLR",
    "step": "StepLR",
    "multistep": "MultiStepLR",
    "cosine": "CosineAnnealingLR",
    "constant": "ConstantLR",
    "linear": "LinearLR",
    "polynomial": "PolynomialLR",
    "cosine-restarts": "CosineAnnealingWarmRestarts",
    "onecycle": "OneCycleLR",
}
"""lrplot kind name -> torch scheduler class name, or a builder for kinds that need one."""


# -- builders for kinds whose parameters need translating (added to TORCH_KINDS below) ----------

_MATH_NAMES = ("cos", "sin", "tan", "exp", "log", "log10", "sqrt", "floor", "ceil")


def python_function(source: str) -> Callable[[Any], Any]:
    """An lrplot expression as the Python function a torch user would write: ``eval`` of the
    same text with the math functions in scope (test code only; lrplot itself never evals)."""
    code = compile(source, "<expr>", "eval")
    scope = {name: getattr(math, name) for name in _MATH_NAMES}
    scope.update(min=min, max=max, abs=abs, pi=math.pi, e=math.e)

    def f(value: Any) -> Any:
        return eval(code, {"__builtins__": {}}, {**scope, "epoch": value, "step": value,
                                                   "x": value})
    return f


def _lambda_kind(class_name: str) -> Builder:
    def build(optimizer: Any, params: Mapping[str, Any]) -> Any:
        from torch.optim import lr_scheduler

        return getattr(lr_scheduler, class_name)(optimizer, python_function(params["lr_lambda"]))
    return build


def _cyclic(optimizer: Any, params: Mapping[str, Any]) -> Any:
    """CyclicLR's base_lr is lrplot's base_lr: the optimizer's lr (each group's), unless a
    child schedule sets its own."""
    from torch.optim import lr_scheduler

    args = {k: _torch_arg(v) for k, v in params.items() if k != "base_lr"}
    if args.get("scale_fn") is not None:
        args["scale_fn"] = python_function(args["scale_fn"])
    base_lr = params.get("base_lr")
    if base_lr is None:  # each group's lr as the optimizer was built (torch_series notes it)
        base_lr = [g.get("lrplot_lr", optimizer.defaults["lr"]) for g in optimizer.param_groups]
        base_lr = base_lr[0] if len(base_lr) == 1 else base_lr
    return lr_scheduler.CyclicLR(optimizer, base_lr=base_lr, **args)


def _children(optimizer: Any, children: Any) -> list:
    """Child schedulers from lrplot's curve mappings, constructed in order as a user would."""
    from lrplot import schedules

    built = []
    for child in children:
        kind = schedules.get(child["type"]).name
        built.append(build_scheduler(kind, optimizer, {k: v for k, v in child.items()
                                                        if k != "type"}))
    return built


def _sequential(optimizer: Any, params: Mapping[str, Any]) -> Any:
    from torch.optim import lr_scheduler

    children = _children(optimizer, params["schedulers"])
    return lr_scheduler.SequentialLR(optimizer, children, list(params["milestones"]))


def _chained(optimizer: Any, params: Mapping[str, Any]) -> Any:
    from torch.optim import lr_scheduler

    return lr_scheduler.ChainedScheduler(_children(optimizer, params["schedulers"]))


class _Plateau:
    """ReduceLROnPlateau stepped with its metric: the t-th step() passes metric(t) (an
    expression of epoch = t) or the t-th value of a CSV column (read with the csv module)."""

    def __init__(self, optimizer: Any, params: Mapping[str, Any]):
        from torch.optim import lr_scheduler

        args = {k: v for k, v in params.items()
                if k not in ("metric", "metric_file", "metric_column")}
        self.scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, **args)
        if params.get("metric") is not None:
            f = python_function(params["metric"])
            self.metric = lambda t: float(f(t))
        else:
            import csv

            with open(params["metric_file"], newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
            column = params.get("metric_column") or next(
                k for k in rows[0] if k.lower() not in ("step", "epoch"))
            values = [float(r[column]) for r in rows]
            self.metric = lambda t: values[t - 1]
        self.t = 0

    def step(self) -> None:
        self.t += 1
        self.scheduler.step(self.metric(self.t))


TORCH_KINDS.update({
    "plateau": _Plateau,
    "lambda": _lambda_kind("LambdaLR"),
    "multiplicative": _lambda_kind("MultiplicativeLR"),
    "cyclic": _cyclic,
    "sequential": _sequential,
    "chained": _chained,
})

GOLDEN_PATH = Path(__file__).parent / "golden" / "torch.json"
SERIES_GOLDEN_PATH = Path(__file__).parent / "golden" / "torch_series.json"
"""Parameter groups and momentum (tests/test_kinds_torch.py)."""
LOOP_GOLDEN_PATH = Path(__file__).parent / "golden" / "torch_loop.json"
"""Schedulers stepped by the training loop at their own intervals (tests/test_child_intervals.py)."""

RTOL = 1e-12
"""Relative tolerance of every parity comparison."""

TINY = 1e-300
"""Absolute slack, so that an exact 0 (lr == eta_min == 0 at T_max) or an underflowed value
is matched by 0 or by something negligibly small; far below any normal float64 lr."""


def _torch_arg(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def build_scheduler(kind: str, optimizer: Any, params: Mapping[str, Any]) -> Any:
    from torch.optim import lr_scheduler

    entry = TORCH_KINDS[kind]
    if callable(entry):
        return entry(optimizer, params)
    cls = getattr(lr_scheduler, entry)
    return cls(optimizer, **{k: _torch_arg(v) for k, v in params.items()})


def torch_series(kind: str, steps: int, base_lr: Any = 0.1, optimizer: str = "sgd",
                 **params: Any) -> dict[str, np.ndarray]:
    """Like :func:`torch_lrs`, for every parameter group (``base_lr`` a list: one group each)
    and with momentum: ``{"lr": array[groups, steps], "momentum": ...}``. ``optimizer`` is
    ``"sgd"`` (momentum in ``group['momentum']``) or ``"adam"`` (in ``group['betas'][0]``)."""
    import torch

    lrs = list(base_lr) if isinstance(base_lr, (list, tuple)) else [base_lr]
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr, "lrplot_lr": lr}
              for lr in lrs]
    opt = torch.optim.SGD(groups, lr=lrs[0]) if optimizer == "sgd" else \
        torch.optim.Adam(groups, lr=lrs[0])
    lr = np.empty((len(lrs), steps))
    momentum = np.empty((len(lrs), steps))

    def momentum_of(group: Mapping[str, Any]) -> float:
        return group["momentum"] if optimizer == "sgd" else group["betas"][0]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scheduler = build_scheduler(kind, opt, params)
        for i in range(steps):
            if i:
                scheduler.step()
            for g, group in enumerate(opt.param_groups):
                lr[g, i] = group["lr"]
                momentum[g, i] = momentum_of(group)
    return {"lr": lr, "momentum": momentum}


def torch_lrs(kind: str, steps: int, base_lr: float = 0.1, **params: Any) -> np.ndarray:
    """``lr[0..steps-1]`` as torch computes it: SGD on one parameter, a fresh scheduler, and
    ``param_groups[0]['lr']`` after construction and after each ``scheduler.step()``."""
    import torch

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=base_lr)
    group = optimizer.param_groups[0]
    out = np.empty(steps)
    with warnings.catch_warnings():
        # "lr_scheduler.step() before optimizer.step()" and friends: values are unaffected.
        warnings.simplefilter("ignore")
        scheduler = build_scheduler(kind, optimizer, params)
        out[0] = group["lr"]
        for i in range(1, steps):
            scheduler.step()
            out[i] = group["lr"]
    return out


def torch_loop_lrs(schedulers: list[Mapping[str, Any]], steps: int, steps_per_epoch: int,
                   base_lr: float = 0.1) -> np.ndarray:
    """``lr[0..steps-1]`` of separate torch schedulers on one optimizer, built in order from
    lrplot's child mappings and stepped by a training loop at each one's ``interval``: after
    every iteration ``sched_iter.step()`` for those stepped per iteration (in order), then at
    the end of every epoch of ``steps_per_epoch`` iterations ``sched_epoch.step()`` for those
    stepped per epoch (in order). ``lr[i]`` is the lr of optimizer step i."""
    import torch

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=base_lr)
    group = optimizer.param_groups[0]
    out = np.empty(steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        built = [(child.get("interval", "step"), _children(optimizer, [
            {k: v for k, v in child.items() if k != "interval"}])[0]) for child in schedulers]
        per_iteration = [s for interval, s in built if interval == "step"]
        per_epoch = [s for interval, s in built if interval == "epoch"]
        for iteration in range(steps):
            out[iteration] = group["lr"]
            optimizer.step()
            for scheduler in per_iteration:
                scheduler.step()
            if (iteration + 1) % steps_per_epoch == 0:
                for scheduler in per_epoch:
                    scheduler.step()
    return out


def assert_lr_close(actual: Any, expected: Any, *, indices: Any = None, context: str = "",
                    rtol: float = RTOL, atol: float = TINY) -> None:
    """``actual`` matches ``expected`` within ``rtol`` relative (+ ``atol`` absolute).

    Equal values (infinities included) and NaN against NaN always match. On failure the
    message lists the first mismatching steps with both values and their relative error.
    """
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{context}: shape {actual.shape} != {expected.shape}"
    same = (actual == expected) | (np.isnan(actual) & np.isnan(expected))
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.abs(actual - expected) <= rtol * np.abs(expected) + atol
    bad = np.flatnonzero(~(same | close))
    if bad.size == 0:
        return
    steps = np.arange(len(expected)) if indices is None else np.asarray(indices)
    lines = [f"{context}: {bad.size} of {expected.size} values differ by more than rtol={rtol}"]
    for j in bad[:8]:
        e, a = float(expected[j]), float(actual[j])
        rel = abs(a - e) / abs(e) if e != 0 else math.inf
        lines.append(f"  step {steps[j]}: expected {e!r}, got {a!r} (rel err {rel:.3g})")
    raise AssertionError("\n".join(lines))


def load_goldens(path: Path = GOLDEN_PATH) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def dump_goldens(data: Mapping[str, Any], path: Path = GOLDEN_PATH) -> None:
    """Write the fixture compactly, one case per line (reviewable diffs, small file).

    ``json`` writes floats with ``repr``, which round-trips float64 exactly.
    """
    head = {k: v for k, v in data.items() if k != "cases"}
    lines = [json.dumps(case, allow_nan=False, separators=(",", ":")) for case in data["cases"]]
    text = json.dumps(head, indent=1, allow_nan=False)[:-2]
    text += ',\n "cases": [\n' + ",\n".join(lines) + "\n ]\n}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def subsample(steps: int, extra: tuple[int, ...], *, full_limit: int, samples: int, edge: int
              ) -> list[int] | None:
    """The step indices a fixture stores of a run: None (every step) up to ``full_limit``
    steps, else about ``samples`` evenly spaced ones (a prime stride, so that periodic schedules
    are not sampled in phase), the first and last ``edge`` and the ``extra`` steps."""
    if steps <= full_limit:
        return None
    stride = _prime_at_least(steps // samples)
    keep = set(range(0, steps, stride)) | set(range(edge)) | set(range(steps - edge, steps))
    keep |= {t for t in extra if 0 <= t < steps}
    return sorted(keep)


def _prime_at_least(n: int) -> int:
    n = max(n, 2)
    while any(n % d == 0 for d in range(2, int(n**0.5) + 1)):
        n += 1
    return n
