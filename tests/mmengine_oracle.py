"""The mmengine oracle: the real schedulers of mmengine.optim.scheduler, built as mmengine's
runner builds them (in list order, ``build_iter_from_epoch`` for ``convert_to_iter_based``) and
stepped as its ParamSchedulerHook steps them: after every iteration the iteration-based ones,
after every epoch the ``by_epoch`` ones, then ReduceOnPlateauLR with the validation metric.

mmdetection's QuadraticWarmupLR cannot be installed here (mmdet needs mmcv's compiled ops), so
it is a subclass of mmengine's own ``_ParamScheduler`` written to mmdet's documented rule
(open-mmlab/mmdetection mmdet/engine/schedulers/quadratic_warmup.py; read at the copy
shuyangsun/mmdetection@618d65a6d99980c9630d4d6d6d90c3bf94d09f1f): ``last_step == 0`` sets
``base * 1 / (end - begin)**2``, every later step adds ``base * (2 * last_step + 1) /
(end - begin)**2``; conversion multiplies begin and end by the epoch length.

Imports happen inside the functions: the golden tests import this module without mmengine.
"""

from __future__ import annotations

import warnings
from typing import Any, Mapping, Sequence

import numpy as np

LOCAL = ("steps_per_epoch", "initial_momentum", "convert_to_iter_based", "metric", "metric_file",
         "metric_column")
"""lrplot's parameters that are not the class's: the run, the optimizer, the metric source."""


def _quadratic_classes():
    from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
    from mmengine.optim.scheduler.momentum_scheduler import MomentumSchedulerMixin
    from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler

    class QuadraticWarmupParamScheduler(_ParamScheduler):
        def __init__(self, optimizer, param_name, begin=0, end=INF, last_step=-1,
                     by_epoch=True, verbose=False):
            if end >= INF:
                raise ValueError("end must be finite")
            self.total_iters = end - begin
            super().__init__(optimizer=optimizer, param_name=param_name, begin=begin, end=end,
                             last_step=last_step, by_epoch=by_epoch, verbose=verbose)

        @classmethod
        def build_iter_from_epoch(cls, *args, begin=0, end=INF, by_epoch=True,
                                  epoch_length=None, **kwargs):
            begin = begin * epoch_length
            if end != INF:
                end = end * epoch_length
            return cls(*args, begin=begin, end=end, by_epoch=False, **kwargs)

        def _get_value(self):
            step = self.last_step
            square = self.total_iters ** 2
            if step == 0:
                return [base * (2 * step + 1) / square for base in self.base_values]
            return [group[self.param_name] + base * (2 * step + 1) / square
                    for base, group in zip(self.base_values, self.optimizer.param_groups)]

    class QuadraticWarmupLR(LRSchedulerMixin, QuadraticWarmupParamScheduler):
        pass

    class QuadraticWarmupMomentum(MomentumSchedulerMixin, QuadraticWarmupParamScheduler):
        pass

    return {"QuadraticWarmupLR": QuadraticWarmupLR,
            "QuadraticWarmupMomentum": QuadraticWarmupMomentum}


def _class(name: str):
    from mmengine.optim import scheduler

    if name.startswith("QuadraticWarmup"):
        return _quadratic_classes()[name]
    return getattr(scheduler, name)


def _metric_of(params: Mapping[str, Any]):
    """The metric of validation epoch e (1 for the first), from lrplot's metric parameters."""
    if params.get("metric") is not None:
        from lrplot import expr

        expression = expr.parse(params["metric"])
        return lambda e: float(np.asarray(expression.evaluate(np.array([e])))[0])
    from lrplot.logcsv import metric_values

    values = metric_values(params["metric_file"], params.get("metric_column"))
    return lambda e: float(values[e - 1])


def run(schedulers: Sequence[tuple[str, Mapping[str, Any]]], steps: int, base_lr: float,
        steps_per_epoch: int | None, momentum: float = 0.9) -> dict[str, np.ndarray]:
    """Build ``schedulers`` ((class name, lrplot parameters), in list order) over one SGD group
    and train ``steps`` iterations; ``{"lr": ..., "momentum": ...}`` per iteration (without
    ``steps_per_epoch``: per scheduler step, every scheduler stepping in the same unit)."""
    import torch

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=base_lr, momentum=momentum)
    group = optimizer.param_groups[0]
    built, metrics = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, params in schedulers:
            cls = _class(name)
            kwargs = {k: v for k, v in params.items() if k not in LOCAL}
            if "restart_weights" in kwargs:
                kwargs["restart_weights"] = list(kwargs["restart_weights"])
            if params.get("convert_to_iter_based"):
                built.append(cls.build_iter_from_epoch(optimizer, epoch_length=steps_per_epoch,
                                                       **kwargs))
            else:
                built.append(cls(optimizer, **kwargs))
            if getattr(built[-1], "need_val_args", False):
                metrics.append((built[-1], _metric_of(params)))
        lr, mom = np.empty(steps), np.empty(steps)
        epoch = 0
        for i in range(steps):
            lr[i], mom[i] = group["lr"], group["momentum"]
            if i == steps - 1:
                break  # what follows the last iteration sets no lr that is used
            optimizer.step()  # no gradient: nothing moves, mmengine's step counter does
            if steps_per_epoch is None:
                for s in built:
                    s.step()
                epoch += 1
            else:
                for s in built:
                    if not s.by_epoch:
                        s.step()
                if (i + 1) % steps_per_epoch:
                    continue
                epoch += 1
                for s in built:
                    if s.by_epoch:
                        s.step()
            for s, metric in metrics:
                s.step({s.monitor: metric(epoch)})
    return {"lr": lr, "momentum": mom}


def class_of(kind: str) -> str:
    """The mmengine class name of an lrplot kind name (a list's bare class name is already
    mmengine's, as lrplot reads it)."""
    from lrplot import schedules

    if "." not in kind:
        return kind
    return schedules.get(kind).framework_class


def series(kind: str, steps: int, base_lr: float, params: Mapping[str, Any]
           ) -> dict[str, np.ndarray]:
    """An lrplot mmengine kind (a single scheduler, or ``mmengine.param_scheduler`` with its
    ``schedulers`` as mappings) run by the real mmengine."""
    p = dict(params)
    spe = p.get("steps_per_epoch")
    momentum = p.get("initial_momentum", 0.9)
    if kind.endswith("param_scheduler"):
        entries = [(class_of(c["type"]), {k: v for k, v in c.items() if k != "type"})
                   for c in p["schedulers"]]
    else:
        entries = [(class_of(kind), p)]
    return run(entries, steps, base_lr, spe, momentum)


def lrs(kind: str, steps: int, base_lr: float, params: Mapping[str, Any]) -> np.ndarray:
    return series(kind, steps, base_lr, params)["lr"]


def momentum_series(kind: str, steps: int, base_lr: float, params: Mapping[str, Any]
                    ) -> dict[str, np.ndarray]:
    """The lr, and the momentum of the momentum kinds (the golden files store it for them)."""
    found = series(kind, steps, base_lr, params)
    return found if kind.endswith("_momentum") else {"lr": found["lr"]}
