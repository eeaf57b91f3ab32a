"""The schedules of the Ultralytics and YOLOv5 training loops, as the kinds ``ultralytics.yolo``
and ``ultralytics.yolov5``. Declarations only; the kernels are in
lrplot.frameworks.ultralytics.kernels, the loop's counting in lrplot.frameworks.ultralytics.loop.

Both are two-level schedules: a per-epoch LambdaLR (``lrf`` linear, or ``cos_lr``'s one-cycle
over ``epochs``) and, inside the loop, a per-iteration warm-up by ``np.interp`` over ``nw``
iterations in which the bias group warms *down* from ``warmup_bias_lr`` while the others rise
from 0, the momentum rises from ``warmup_momentum``, and the batches accumulated per optimizer
step rise from 1 to ``round(nbs / batch)``.

lrplot's step ``k`` is the loop's ``k``-th **optimizer step** (not its iteration): the series is
the lr of one param group at every optimizer step, and base_lr is that group's ``initial_lr``
(``lr0``). ``nb`` is the loop's iterations per epoch (``len(train_loader)``). The default length
is the run's optimizer steps in ``epochs x nb`` iterations.

Sources: ultralytics 8.4.190 ``ultralytics/engine/trainer.py`` (``_setup_scheduler``,
``_get_warmup_iterations``, ``_build_train_pipeline``, ``_do_train``) and ``ultralytics/utils/
torch_utils.py`` ``one_cycle``; ultralytics/yolov5 ``train.py`` at commit
5081342f04fb287fc2e5f2b5a4e06752b7937b1c. Defaults are ultralytics' ``cfg/default.yaml`` and
YOLOv5's ``data/hyps/hyp.scratch-low.yaml`` with train.py's options.
"""

from __future__ import annotations

from typing import Any, Mapping

from lrplot.frameworks.ultralytics import loop
from lrplot.params import Param
from lrplot.schedules import Event, Kind, register

YOLO_OPTIMIZERS = ("SGD", "MuSGD", "Adam", "Adamax", "AdamW", "NAdam", "RAdam", "RMSprop")
"""What ``build_optimizer`` builds (``optimizer: auto`` is resolved by the config reader)."""

YOLOV5_OPTIMIZERS = ("SGD", "Adam", "AdamW")
"""train.py's ``--optimizer`` choices."""


def _common(epochs_help: str) -> tuple[Param, ...]:
    return (
        Param("nb", "int", "iterations per epoch: batches of the training loader "
              "(len(train_loader))", min=1),
        Param("epochs", "int", epochs_help, default=100, min=1),
        Param("batch", "int", "the total batch size (accumulate = round(nbs / batch))",
              default=16, min=1),
        Param("lrf", "float", "final lr fraction: lf falls from 1 to lrf over epochs",
              default=0.01, min=0),
        Param("cos_lr", "bool", "one-cycle (cosine) lf instead of linear", default=False),
        Param("warmup_epochs", "float", "warm-up length in epochs (fractions allowed)",
              default=3.0, min=0),
        Param("warmup_bias_lr", "float", "the bias group's lr at iteration 0 (it warms down "
              "to its target)", default=0.1, min=0),
        Param("warmup_momentum", "float", "the momentum at iteration 0", default=0.8, min=0),
        Param("momentum", "float", "SGD momentum (Adam's beta1) after the warm-up",
              default=0.937, min=0),
    )


def _extras(p: Mapping[str, Any]) -> tuple[str, ...]:
    return ("momentum",)


def _events(rules: str):
    """The warm-up's end (the first optimizer step past iteration nw) and the run's end."""
    def events(p: Mapping[str, Any], n: int) -> list[Event]:
        found = []
        if loop.warming(p, rules):
            nw = loop.warmup_iterations(p, rules)
            found.append((loop.steps_before(p, rules, nw + 1), f"warm-up end (nw={nw})"))
        found.append((loop.optimizer_steps(p, rules), f"epochs {p['epochs']} end"))
        return found
    return events


def _negative_lr(p: Mapping[str, Any], steps: int) -> str | None:
    """YOLOv5's linear lf has no floor: past the run it falls below 0. train.py never gets
    there (it stops at ``epochs``); lrplot refuses the steps rather than draw negative lrs."""
    lrf, epochs = p["lrf"], p["epochs"]
    if p["cos_lr"] or lrf >= 1:
        return None
    x = max(epochs, int(epochs / (1 - lrf)) - 2)
    while (1 - x / epochs) * (1.0 - lrf) + lrf >= 0:
        x += 1
    # epoch x + 1 trains at lf(x); in the warm-up, epoch x already heads for lf(x)
    epoch = x if x * p["nb"] <= loop.warmup_iterations(p, "yolov5") else x + 1
    last = loop.steps_before(p, "yolov5", epoch * p["nb"])
    if steps <= last:
        return None
    return (f"exceeds {last}: from optimizer step {last} (epoch {epoch}, past the run's "
            f"{epochs} epochs) YOLOv5's linear lf({x}) is negative; train.py stops at epochs")


def _horizon(rules: str):
    def horizon(p: Mapping[str, Any]) -> tuple[int, str]:
        return max(1, loop.optimizer_steps(p, rules)), "the optimizer steps of epochs x nb " \
                                                       "iterations"
    return horizon


YOLO = register(Kind(
    name="ultralytics.yolo", framework_class="BaseTrainer",
    summary="Ultralytics YOLO (8.4.190): per-epoch lrf linear or cos_lr one-cycle, "
            "per-iteration warm-up (bias group warms down), momentum warm-up; per optimizer "
            "step",
    params=(
        *_common("training epochs (lf spans them; the warm-up is capped at epochs - 1)"),
        Param("nbs", "int", "nominal batch size", default=64, min=1),
        Param("param_group", "choice", "the param group: weight (with decay), bn (no decay), "
              "bias (warms down from warmup_bias_lr), muon (MuSGD)", default="weight",
              choices=("weight", "bn", "bias", "muon")),
        Param("optimizer", "choice", "the optimizer built (SGD, MuSGD and RMSprop have a "
              "momentum the warm-up sets; Adam's family keeps beta1)", default="SGD",
              choices=YOLO_OPTIMIZERS),
    ),
    kernel="lrplot.frameworks.ultralytics.kernels:yolo",
    horizon=_horizon("yolo"), events=_events("yolo"), framework="ultralytics", extras=_extras,
    extra_series=("momentum",),
    example="--nb 120 --epochs 30 --param-group weight,bias",
))

YOLOV5 = register(Kind(
    name="ultralytics.yolov5", framework_class="train",
    summary="YOLOv5 train.py: as ultralytics.yolo, but the warm-up lasts at least 100 "
            "iterations and the scheduler steps at an epoch's end (epoch e trains at lf(e-1))",
    params=(
        *_common("train.py's --epochs (lf spans them)"),
        Param("group", "int", "the param group j: 0 biases (warm down from warmup_bias_lr), "
              "1 weights with decay, 2 BatchNorm weights", default=1, min=0, max=2),
        Param("optimizer", "choice", "--optimizer (SGD has a momentum the warm-up sets; Adam "
              "and AdamW keep beta1)", default="SGD", choices=YOLOV5_OPTIMIZERS),
    ),
    kernel="lrplot.frameworks.ultralytics.kernels:yolov5",
    horizon=_horizon("yolov5"), events=_events("yolov5"), framework="ultralytics",
    extras=_extras, check_steps=_negative_lr,
    extra_series=("momentum",),
    example="--nb 120 --epochs 30 --group 0,1",
))
