"""The validated figure: a :class:`FigureSpec` holds panels, a :class:`Panel` holds curves, a
:class:`Curve` is one fully resolved schedule (kind, every parameter, base_lr, steps, label).

These are frozen values. :mod:`lrplot.spec` builds them (from flags, YAML or a mapping) and is the
only place that checks them; what reads them (compute, lint, the renderers and writers) trusts
them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from lrplot.params import format_value
from lrplot.problems import Problem, SpecError
from lrplot.schedules import Kind

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Curve:
    kind: Kind
    params: Mapping[str, Any]  # every parameter of the kind, by framework name
    base_lr: float
    steps: int
    label: str
    origin: tuple = field(default=(), compare=False)  # key path of the curve in its YAML config
    auto_steps: bool = field(default=False, compare=False)  # steps is the default horizon
    where: str = field(default="", compare=False)  # location named by evaluation errors
    extras: tuple[str, ...] = field(default=(), compare=False)  # e.g. ("momentum",): also drawn
    steps_per_epoch: int | None = None  # iterations per epoch (x axis and steps in iterations)
    interval: str = "step"  # the training loop steps the scheduler every "step" or "epoch"
    lint_ignore: tuple[str, ...] = field(default=(), compare=False)  # acknowledged lint rules

    @property
    def scheduler_steps(self) -> int:
        """How many values the scheduler itself produces: ``steps``, or one per epoch when it is
        stepped once per epoch."""
        if self.interval == "epoch" and self.steps_per_epoch:
            return -(-self.steps // self.steps_per_epoch)
        return self.steps

    @property
    def schedule(self) -> dict[str, Any]:
        """The fully resolved schedule, as written to JSON output."""
        from lrplot.schedules import to_data

        params = {k: to_data(v) for k, v in self.params.items()}
        loop = {"steps_per_epoch": self.steps_per_epoch, "interval": self.interval} \
            if self.steps_per_epoch and "steps_per_epoch" not in params else {}
        return {"type": self.kind.name, **params, "base_lr": self.base_lr, **loop}

    def lr(self) -> np.ndarray:
        return self.values("lr")

    def values(self, series: str = "lr") -> np.ndarray:
        """The lr series, or one of the kind's extras (``"momentum"``), as one array."""
        import numpy as np

        pieces = list(self.chunks(series=series))
        # kernels yield arrays they do not keep: a single one needs no copy (unless read-only)
        if len(pieces) == 1 and pieces[0].flags.writeable:
            return pieces[0]
        return np.concatenate(pieces)

    def chunks(self, chunk: int | None = None, series: str = "lr") -> Iterator[np.ndarray]:
        """The series in consecutive pieces (the kind's chunked kernel). A failure that shows
        only when evaluating (an expression dividing by zero at some step) raises
        :class:`SpecError` located at the curve."""
        from lrplot.expr import ExprError
        from lrplot.schedules import ScheduleError

        from lrplot.limits import check_finite

        import numpy as np

        start = 0
        try:
            repeat = self.steps_per_epoch if self.interval == "epoch" and \
                self.steps_per_epoch else 1
            pieces = iter(self.kind.chunks(self.scheduler_steps, self.base_lr, self.params,
                                           chunk and max(1, chunk // repeat), series=series))
            if repeat > 1:  # stepped once per epoch: each value holds for an epoch's iterations
                pieces = _per_iteration(pieces, repeat, self.steps)
            while True:
                with np.errstate(all="ignore"):  # an overflow is reported below, not warned
                    piece = next(pieces, None)
                if piece is None:
                    break
                # an overflow to inf (or a NaN) is refused, never drawn or written; logged
                # data curves are NaN before their first logged step, by design
                message = check_finite(piece, start, series) \
                    if self.kind.framework != "data" and series != "metric" else None
                if message:
                    raise SpecError([Problem(self.where, f"curve {self.label!r}: {message}")])
                start += len(piece)
                yield piece
        except (ExprError, ScheduleError) as exc:
            raise SpecError([Problem(self.where, self._name_expression(str(exc)))]) from None
        except (OverflowError, ZeroDivisionError) as exc:  # Python float arithmetic in a kernel
            what = "overflows float64" if isinstance(exc, OverflowError) else "divides by zero"
            raise SpecError([Problem(self.where, f"curve {self.label!r}: the {series} "
                                                 f"{what} after step {start}: the schedule "
                                                 "overflows, as it would in the framework; use "
                                                 "fewer steps or gentler parameters")]) from None

    def _name_expression(self, message: str) -> str:
        """``--lr-lambda: '1/(epoch-5)' fails at ...``: the flag (or key) whose expression failed
        while evaluating, before the message that quotes it."""
        for p in self.kind.params:
            value = self.params.get(p.name)
            if p.type == "expr" and value is not None and message.startswith(repr(str(value))):
                return f"{p.flag if not self.origin else p.key}: {message}"
        return message


def _per_iteration(pieces: Iterator[np.ndarray], repeat: int, steps: int
                   ) -> Iterator[np.ndarray]:
    import numpy as np

    left = steps
    block = 1 << 20  # values per array yielded: an epoch of 10^9 iterations is not one array
    for piece in pieces:
        total = min(len(piece) * repeat, left)  # never expand values past the last step
        for start in range(0, total, block):
            index = np.arange(start, min(start + block, total), dtype=np.int64) // repeat
            yield piece[index]
        left -= total
        if left <= 0:
            break


@dataclass(frozen=True)
class Panel:
    title: str | None
    curves: tuple[Curve, ...]


@dataclass(frozen=True)
class FigureSpec:
    title: str | None
    panels: tuple[Panel, ...]
    log_y: bool = False
    notes: tuple[str, ...] = field(default=())  # e.g. which horizon was chosen, and why
    annotate: bool = False  # mark milestones, phase boundaries, peak/min/final (lrplot.annotate)

    @property
    def curves(self) -> list[Curve]:
        return [c for p in self.panels for c in p.curves]

    def input_files(self) -> list[str]:
        """The files the figure reads besides its config: data curves' CSVs and path
        parameters (a plateau's metric file)."""
        found = []
        for curve in self.curves:
            if curve.kind.framework == "data":
                found.append(curve.params["path"])
            found += [curve.params[p.name] for p in curve.kind.params
                      if p.type == "path" and curve.params.get(p.name)]
        return [f for f in found if isinstance(f, str)]


def describe(kind: Kind, params: Mapping[str, Any]) -> str:
    """``StepLR(step_size=50, gamma=0.5)``: the parameters that differ from their defaults
    (and the required ones), as a user would write the constructor call."""
    defaults = kind.defaults()
    inner = ", ".join(f"{name}={format_value(v)}" for name, v in params.items()
                      if name not in defaults or defaults[name] != v)
    text = f"{kind.framework_class}({inner})"
    return text if len(text) <= _AUTO_LABEL else text[:_AUTO_LABEL - 4] + "...)"


_AUTO_LABEL = 1000
"""Longest generated label (40,000 milestones would otherwise make one that takes minutes to
draw); one a user writes is refused over ``LRPLOT_MAX_TEXT`` instead."""
