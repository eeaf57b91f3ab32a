"""``lrplot code`` for ultralytics.yolo and ultralytics.yolov5: the training loop's own lr
arithmetic without a model — its LambdaLR factor, the warm-up's ``np.interp`` and the
optimizer-step test — recording the param group's lr at every optimizer step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lrplot.codegen import _Script, literal

if TYPE_CHECKING:
    from lrplot.spec import Curve


def write_script(curve: Curve, script: _Script) -> None:
    p = dict(curve.params)
    v5 = curve.kind.name == "ultralytics.yolov5"
    bias = p["group"] == 0 if v5 else p["param_group"] == "bias"
    script.need("import math")
    script.need("import numpy as np")
    lines = script.lines
    lines += [
        f"epochs, nb, batch = {p['epochs']}, {p['nb']}, {p['batch']}",
        f"lr0 = {literal(float(curve.base_lr))}  # this param group's initial_lr",
        f"lrf, cos_lr = {literal(float(p['lrf']))}, {p['cos_lr']}",
        f"warmup_epochs = {literal(float(p['warmup_epochs']))}",
        f"start = {literal(float(p['warmup_bias_lr']) if bias else 0.0)}  # "
        + ("the bias group warms down from warmup_bias_lr" if bias else "the others rise from 0"),
        "",
    ]
    one_cycle = "max((1 - math.cos(x * math.pi / epochs)) / 2, 0) * (lrf - 1) + 1"
    if v5:
        lines += [
            "def lf(x):  # YOLOv5 train.py @ 5081342",
            "    if cos_lr:  # one_cycle(1, lrf, epochs)",
            f"        return {one_cycle}",
            "    return (1 - x / epochs) * (1.0 - lrf) + lrf  # linear",
            "",
            "nbs = 64",
            "nw = max(round(warmup_epochs * nb), 100)",
            "accumulate = max(round(nbs / batch), 1)",
            "lr = lr0 * lf(0)  # LambdaLR at construction",
            "lrs, last_opt_step, epoch = [], -1, 0",
            f"while len(lrs) < {curve.steps}:",
            "    for i in range(nb):",
            "        ni = i + nb * epoch",
            "        if ni <= nw:  # warm-up",
            "            xi = [0, nw]",
            "            accumulate = max(1, np.interp(ni, xi, [1, nbs / batch]).round())",
            "            lr = np.interp(ni, xi, [start, lr0 * lf(epoch)])",
            "        if ni - last_opt_step >= accumulate:  # the optimizer steps",
            "            lrs.append(float(lr))",
            "            last_opt_step = ni",
            f"            if len(lrs) == {curve.steps}:",
            "                break",
            "    lr = lr0 * lf(epoch)  # scheduler.step() when the epoch ends",
            "    epoch += 1",
        ]
        return
    lines += [
        f"nbs = {p['nbs']}",
        "def lf(x):  # ultralytics 8.4.190 _setup_scheduler",
        "    if cos_lr:  # one_cycle(1, lrf, epochs)",
        f"        return {one_cycle}",
        "    return max(1 - x / epochs, 0) * (1.0 - lrf) + lrf  # linear",
        "",
        "w = min(warmup_epochs, max(epochs - 1, 0))",
        "nw = round(w * nb) if w > 0 else 0  # _get_warmup_iterations",
        "accumulate = min(max(round(nbs / batch), 1), nb * epochs)  # _build_train_pipeline",
        "acc0 = accumulate",
        "lrs, last_opt_step, epoch = [], -1, 0",
        f"while len(lrs) < {curve.steps}:",
        "    lr = lr0 * lf(epoch)  # scheduler.step() when the epoch starts",
        "    for i in range(nb):",
        "        ni = i + nb * epoch",
        "        if nw and ni <= nw:  # warm-up",
        "            xi = [0, nw]",
        "            accumulate = max(1, int(np.interp(ni, xi, [1, acc0]).round()))",
        "            lr = float(np.interp(ni, xi, [start, lr0 * lf(epoch)]))",
        "        if ni - last_opt_step >= accumulate:  # the optimizer steps",
        "            lrs.append(lr)",
        "            last_opt_step = ni",
        f"            if len(lrs) == {curve.steps}:",
        "                break",
        "    epoch += 1",
    ]
