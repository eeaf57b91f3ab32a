"""``lrplot stats``: the numbers behind the picture (lrplot.stats), for a kind or configs."""

from __future__ import annotations

from typing import Any

import click

from lrplot.cli import COUNT, InputError
from lrplot.cli.sources import Source, SourceGroup


class Steps(click.ParamType):
    """``--at 1000,5000`` (repeatable): steps, written as counts are (1e3 too)."""

    name = "steps"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        steps = []
        for item in str(value).split(","):
            step = COUNT.convert(item, param, ctx)
            if step < 0:
                self.fail(f"expected steps >= 0, got {item.strip()!r}", param, ctx)
            steps.append(step)
        return tuple(steps)


def _stats(sources: list[Source], below: float | None, fmt: str, rtol: float,
           at: tuple[tuple[int, ...], ...] = ()) -> None:
    from lrplot import stats

    rows = []
    steps = tuple(step for group in at for step in group)
    for source in sources:
        for note in source.spec.notes:
            click.echo(note, err=True)
        try:
            rows.extend(stats.figure_stats(source.spec, below=below, rtol=rtol, at=steps))
        except ValueError as exc:
            located = getattr(exc, "problems", None)  # a SpecError names its place already
            raise InputError([str(p) for p in located] if located else
                             [f"{source.name}: {exc}"]) from None
    click.echo(stats.FORMATS[fmt](rows), nl=False)


def _finite(value: float | None, param: click.Parameter) -> float | None:
    """A threshold must be a number: every comparison with NaN is false, so ``--below nan``
    would silently report nothing."""
    import math

    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"expected a finite number such as 0.01, got {value}",
                                 param=param)
    return value


command = SourceGroup(
    "stats", _stats,
    [click.Option(["--below"], type=float, metavar="LR", callback=lambda ctx, param, value:
                  _finite(value, param),
                  help="Also report the first step whose lr is below LR."),
     click.Option(["--at"], type=Steps(), multiple=True, metavar="STEP,...",
                  help="Also report the lr at these steps (comma list or repeat the flag): "
                       "lr[STEP] is the value after STEP scheduler steps."),
     click.Option(["--format", "fmt"], type=click.Choice(["table", "csv", "json"]),
                  default="table", show_default=True, help="Output format."),
     click.Option(["--rtol"], type=click.FloatRange(min=0), default=1e-4, show_default=True,
                  callback=lambda ctx, param, value: _finite(value, param),
                  help="Logged (type: data) and planned lr diverge beyond this relative "
                       "difference.")],
    help="Summary numbers per curve: initial, peak (and its step), minimum, final, mean and sum "
         "of the lr, and the first step below a threshold.\n\n"
         "The sum of the lr over all steps is how far plain SGD moves a weight with a unit "
         "gradient: schedules with equal sums travel equally far. A logged curve (type: data) is "
         "compared with its panel's planned schedule: where they first diverge, and by how much.",
    epilog="Examples:\n\n  lrplot stats cosine --t-max 150 --steps 400 --below 0.01\n\n"
           "  lrplot stats hf.cosine --num-warmup-steps 500 --num-training-steps 10000 "
           "--at 1000,5000\n\n"
           "  lrplot stats configs/article.yaml --format csv\n\n"
           "  lrplot stats exponential --gamma 0.9,0.95 --format json",
)
