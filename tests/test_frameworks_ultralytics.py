"""ultralytics.yolo against ultralytics 8.4.190's own code (its loop's pieces compiled from the
installed source, tests/ultralytics_oracle.py) and ultralytics.yolov5 against the port of
YOLOv5's train.py at ultralytics_oracle.YOLOV5_SOURCE: every param group's lr and momentum at
every optimizer step of random runs, bit for bit; the run's length in optimizer steps too."""

from __future__ import annotations

import random

import numpy as np
import pytest

import ultralytics_oracle as oracle
from lrplot import schedules
from lrplot.compute import kernel_values
from lrplot.frameworks.ultralytics import kernels, loop

LOOP = ("epochs", "batch", "lrf", "cos_lr", "warmup_epochs", "warmup_bias_lr",
        "warmup_momentum", "momentum", "optimizer")


def _source():
    pytest.importorskip("torch")
    try:
        return oracle.ultralytics_source()
    except ImportError as exc:
        pytest.skip(f"ultralytics' source is not installed: {exc}")


def _random_run(seed: int, optimizers: tuple[str, ...]) -> tuple[int, dict]:
    rng = random.Random(seed)
    nb = rng.choice([1, 2, 3, 7, 16, 45, 130])
    args = {"epochs": rng.choice([1, 2, 3, 6, 11]),
            "batch": rng.choice([1, 5, 8, 16, 24, 32, 48, 64, 100, 256]),
            "lrf": rng.choice([0.01, 0.1, 0.5, 1.0]), "cos_lr": rng.random() < 0.5,
            "warmup_epochs": rng.choice([0.0, 0.3, 1.0, 2.5, 3.0, 40.0]),
            "warmup_bias_lr": rng.choice([0.0, 0.1, 0.05]),
            "warmup_momentum": rng.choice([0.8, 0.5]), "momentum": rng.choice([0.937, 0.9]),
            "optimizer": rng.choice(optimizers), "lr0": rng.choice([0.01, 0.001, 0.0123])}
    return nb, args


def _compare(kind_name: str, nb: int, args: dict, run: dict, group_param: str,
             groups: list) -> None:
    kind = schedules.get(kind_name)
    params = {**kind.defaults(), "nb": nb, **{k: v for k, v in args.items() if k in LOOP}}
    if "nbs" in args:
        params["nbs"] = args["nbs"]
    n = len(run["iterations"])
    rules = "yolov5" if kind_name.endswith("yolov5") else "yolo"
    assert loop.optimizer_steps(params, rules) == n
    chunks = list(kernels.iterations(n, params, rules, chunk=7))  # chunked as compute streams
    assert (np.concatenate(chunks).tolist() if chunks else []) == run["iterations"]
    for g, group in enumerate(groups):
        p = {**params, group_param: group}
        lr = kernel_values(kind, n, run["initial_lr"][g], p)
        np.testing.assert_array_equal(lr, np.array(run["lr"][g], dtype=np.float64),
                                      err_msg=f"group {g} {p}")
        momentum = kernel_values(kind, n, run["initial_lr"][g], p, series="momentum")
        np.testing.assert_array_equal(momentum, np.array(run["momentum"][g], dtype=np.float64),
                                      err_msg=f"momentum, group {g} {p}")


@pytest.mark.parametrize("seed", range(40))
def test_yolo_every_group_against_ultralytics(seed):
    _source()
    nb, args = _random_run(seed, ("SGD", "Adam", "AdamW", "RMSprop", "NAdam"))
    args["nbs"] = random.Random(seed).choice([64, 64, 32, 100])
    run = oracle.yolo_run(nb, **args)
    assert run["names"] == ["weight", "bn", "bias"]  # param group 2 is the biases
    _compare("ultralytics.yolo", nb, args, run, "param_group", run["names"])


@pytest.mark.parametrize("seed", range(6))
def test_yolo_musgd_groups(seed):
    """MuSGD's eight groups: each group of build_optimizer split in two, the head's at 3 x lr."""
    _source()
    nb, args = _random_run(100 + seed, ("MuSGD",))
    run = oracle.yolo_run(nb, **args)
    assert len(run["names"]) == 8 and run["initial_lr"][0] == args["lr0"] * 3
    _compare("ultralytics.yolo", nb, args, run, "param_group", run["names"])


@pytest.mark.parametrize("seed", range(40))
def test_yolov5_every_group_against_its_train_py(seed):
    pytest.importorskip("torch")
    nb, args = _random_run(200 + seed, ("SGD", "Adam", "AdamW"))
    run = oracle.yolov5_run(nb, **args)
    _compare("ultralytics.yolov5", nb, args, run, "group", [0, 1, 2])


def test_past_the_run_the_loop_goes_on():
    """Steps past epochs x nb iterations continue the loop's arithmetic (lf past epochs)."""
    _source()
    for kind, run, extra in (("ultralytics.yolo", oracle.yolo_run, {"param_group": "bias"}),
                             ("ultralytics.yolov5", oracle.yolov5_run, {"group": 0})):
        got = run(9, optimizer_steps=120, epochs=4, batch=32, cos_lr=True)
        k = schedules.get(kind)
        p = {**k.defaults(), "nb": 9, "epochs": 4, "batch": 32, "cos_lr": True, **extra}
        g = 2 if kind == "ultralytics.yolo" else 0
        np.testing.assert_array_equal(kernel_values(k, 120, 0.01, p), got["lr"][g][:120])


def test_interp_is_numpys():
    rng = np.random.default_rng(3)
    for _ in range(300):
        nw = int(rng.integers(1, 5000))
        start, end = float(rng.random()), float(rng.random() * 10)
        for x in rng.integers(0, nw + 3, 20).tolist():
            assert loop.interp(x, nw, start, end) == float(np.interp(x, [0, nw], [start, end]))


def test_default_yaml_run_length():
    """default.yaml (epochs 100, batch 16, nbs 64) over 500 batches an epoch: accumulate 4
    after a warm-up of 1500 iterations whose accumulate ramps up from 1."""
    p = {**schedules.get("ultralytics.yolo").defaults(), "nb": 500}
    assert loop.warmup_iterations(p, "yolo") == 1500
    runs = list(loop.runs(p, "yolo"))
    assert runs[0] == (0, 1, runs[0][2]) and runs[-1][1] == 4 and runs[-1][2] is None


CODE_CURVES = [
    {"type": "ultralytics.yolo", "nb": 30, "epochs": 6, "param_group": "bias", "steps": 80},
    {"type": "ultralytics.yolo", "nb": 7, "epochs": 12, "cos_lr": True, "batch": 24,
     "warmup_epochs": 0.0, "steps": 200},  # past the run
    {"type": "ultralytics.yolov5", "nb": 20, "epochs": 8, "group": 0, "batch": 40, "steps": 90},
    {"type": "ultralytics.yolov5", "nb": 50, "epochs": 5, "cos_lr": True, "lrf": 0.1,
     "base_lr": 0.002},
]


@pytest.mark.parametrize("mapping", CODE_CURVES, ids=lambda m: m["type"])
def test_emitted_code_reproduces_the_series(mapping):
    """``lrplot code``: the loop's arithmetic without a model; run, it gives lrplot's series
    bit for bit."""
    import lrplot
    from lrplot import codegen, compute

    (curve,) = lrplot.load({"curves": [mapping]}).curves
    code = codegen.curve_code(curve)
    namespace: dict = {}
    exec(compile(code, "<lrplot code>", "exec"), namespace)  # noqa: S102
    np.testing.assert_array_equal(np.array(namespace["lrs"]), compute.values(curve),
                                  err_msg=code)


@pytest.mark.parametrize("lrf, epochs, group", [(0.01, 1, 1), (0.01, 30, 0), (0.2, 3, 1),
                                                (0.0, 7, 0)])
def test_yolov5_refuses_the_negative_lrs_past_its_run(lrf, epochs, group):
    """Linear lf without a floor: lrplot refuses the steps where lf < 0 (train.py stops at
    epochs long before), and every step before them is >= 0."""
    import re

    import lrplot

    kind = schedules.get("ultralytics.yolov5")
    p = {**kind.defaults(), "nb": 5, "epochs": epochs, "lrf": lrf, "batch": 64, "group": group}
    message = kind.check_steps(p, 10**6)
    last = int(re.search(r"exceeds (\d+)", message).group(1))
    assert last >= loop.optimizer_steps(p, "yolov5")
    assert kind.check_steps(p, last) is None
    assert (lrplot.schedule("ultralytics.yolov5", steps=last, base_lr=0.01, **{
        k: v for k, v in p.items() if k != "optimizer"}) >= 0).all()
    assert kind.check_steps({**p, "cos_lr": True}, 10**6) is None


def test_events_mark_the_warmup_end_and_the_run_end():
    from lrplot.schedules import events_of

    p = {"type": "ultralytics.yolo", **schedules.get("ultralytics.yolo").defaults(), "nb": 50,
         "epochs": 10}
    n = loop.optimizer_steps(p, "yolo")
    found = events_of(p, n + 10)
    warm_end = loop.steps_before(p, "yolo", 151)  # nw = 150: iterations 0..150 warm up
    assert found == [(warm_end, "warm-up end (nw=150)"), (n, "epochs 10 end")]


@pytest.mark.parametrize("nb, args", [
    (3, {"epochs": 12, "batch": 1}),  # accumulate ramp 1 -> 64 over nw = 9: only iteration 0
    (2, {"epochs": 40, "batch": 2, "warmup_epochs": 30.0}),  # 1 -> 32 over 60 iterations
    (1, {"epochs": 300, "batch": 3, "warmup_epochs": 0.5}),  # round(0.5) = 0: no warm-up
    (9, {"epochs": 20, "batch": 200}),  # nbs / batch < 1: accumulate 1
])
def test_accumulate_ramps_steeper_and_flatter_than_the_iterations(nb, args):
    pytest.importorskip("torch")
    run = oracle.yolov5_run(nb, **args)
    _compare("ultralytics.yolov5", nb, args, run, "group", [0, 1, 2])
    _source()
    run = oracle.yolo_run(nb, **args)
    _compare("ultralytics.yolo", nb, args, run, "param_group", run["names"])
