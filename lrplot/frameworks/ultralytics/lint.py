"""Lint rules for the Ultralytics and YOLOv5 loops' warm-up. Loaded by :mod:`lrplot.lint`
(``Framework.lint``)."""

from __future__ import annotations

from typing import Iterator

from lrplot.frameworks.ultralytics import loop
from lrplot.lint import Context, Finding, rule


def _rules(ctx: Context) -> str:
    return "yolov5" if ctx.curve.kind.name == "ultralytics.yolov5" else "yolo"


@rule("warmup-longer-than-run", "ultralytics.yolo", "ultralytics.yolov5",
      summary="the warm-up is as long as the run or longer: Ultralytics cuts it, YOLOv5 never "
              "leaves it")
def _warmup_longer_than_run(ctx: Context) -> Iterator[Finding]:
    p = ctx.p
    epochs, nb, warm = p["epochs"], p["nb"], p["warmup_epochs"]
    if _rules(ctx) == "yolov5":
        nw = loop.warmup_iterations(p, "yolov5")
        if nw < epochs * nb:
            return
        yield Finding(
            f"the warm-up lasts nw = max(round(warmup_epochs x nb), 100) = {nw} iterations, "
            f"and the run has {epochs} x {nb} = {epochs * nb}: the lr never reaches the "
            f"lrf schedule, and accumulate never reaches round(64 / batch)",
            "lower warmup_epochs (or train longer; the 100-iteration floor is train.py's)",
            ("warmup_epochs",))
        return
    if warm <= max(epochs - 1, 0):
        return
    nw = loop.warmup_iterations(p, "yolo")
    what = "no warm-up at all" if nw == 0 else \
        f"{max(epochs - 1, 0)} epochs of warm-up (nw = {nw} iterations)"
    yield Finding(
        f"warmup_epochs={warm:g} with epochs={epochs}: Ultralytics keeps the last epoch out of "
        f"the warm-up (min(warmup_epochs, epochs - 1)), so the run has {what}",
        f"set warmup_epochs at most {max(epochs - 1, 0)}", ("warmup_epochs",))


@rule("warmup-floor-dominates", "ultralytics.yolov5",
      summary="YOLOv5's 100-iteration warm-up floor outlasts warmup_epochs on a small dataset")
def _warmup_floor(ctx: Context) -> Iterator[Finding]:
    p = ctx.p
    asked = round(p["warmup_epochs"] * p["nb"])
    if asked >= 100 or loop.warmup_iterations(p, "yolov5") >= p["epochs"] * p["nb"]:
        return  # a warm-up longer than the run is the other rule's
    yield Finding(
        f"warmup_epochs={p['warmup_epochs']:g} x nb={p['nb']} is {asked} iterations, but "
        f"train.py warms up for max(that, 100) = 100 iterations: {100 / p['nb']:.3g} epochs "
        f"of warm-up, not {p['warmup_epochs']:g}",
        "expect the longer warm-up, or use more batches per epoch (a larger dataset or a "
        "smaller --batch-size)", ("warmup_epochs",))
