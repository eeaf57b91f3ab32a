"""Ultralytics default.yaml / args.yaml and YOLOv5 hyp.*.yaml / opt.yaml, read as the trainers
read them and compared, param group by param group and optimizer step by optimizer step, with
ultralytics 8.4.190's own code (tests/ultralytics_oracle.py; its build_optimizer decides
``optimizer: auto``) and the port of YOLOv5's train.py. The real configs are named in
tests/data/ultralytics/PROVENANCE.md."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

import ultralytics_oracle as oracle
from lrplot.cli import main
from test_readers_lint import lint
from test_readers_trainers import fail

DATA = Path(__file__).resolve().parent / "data" / "ultralytics"


def compare(path, *flags):
    out = Path(str(path) + ".out.json")
    result = CliRunner().invoke(main, ["compare", str(path), *flags, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    out.unlink()
    return data["panels"][0]["curves"], result.output


def _source():
    pytest.importorskip("torch")
    try:
        oracle.ultralytics_source()
    except ImportError as exc:
        pytest.skip(f"ultralytics' source is not installed: {exc}")


def _same(curves, run):
    assert len(curves) == len(run["lr"])
    for curve, lrs, momenta in zip(curves, run["lr"], run["momentum"]):
        np.testing.assert_array_equal(curve["lr"], lrs, err_msg=curve["label"])
        if "momentum" in curve:
            np.testing.assert_array_equal(curve["momentum"], momenta, err_msg=curve["label"])


def _args(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {k: data[k] for k in ("lrf", "cos_lr", "momentum", "warmup_epochs",
                                 "warmup_momentum", "warmup_bias_lr", "nbs", "lr0",
                                 "weight_decay") if k in data}


@pytest.mark.parametrize("images, classes, groups, optimizer", [
    (1000, 3, 3, "AdamW"),  # ceil(1000 / 64) x 30 = 480 iterations <= 10000
    (40000, None, 8, "MuSGD"),  # 625 x 30 > 10000: MuSGD, the head's groups at 3 x lr
])
def test_default_yaml_auto_optimizer(images, classes, groups, optimizer):
    _source()
    flags = ["--dataset-size", str(images), "--epochs", "30"] + \
        (["--classes", str(classes)] if classes else [])
    curves, _ = compare(DATA / "default.yaml", *flags)
    run = oracle.yolo_run(-(-images // 16), dataset=images, nc=classes or 10, epochs=30,
                          **{**_args(DATA / "default.yaml"), "optimizer": "auto"})
    assert run["optimizer"] == optimizer and len(curves) == groups
    _same(curves, run)


def test_public_args_yaml():
    """A run's args.yaml: epochs 150, batch 16, optimizer auto on the CPU."""
    _source()
    curves, output = compare(DATA / "args.yaml", "--dataset-size", "700", "--classes", "2")
    run = oracle.yolo_run(-(-700 // 16), dataset=700, nc=2, epochs=150,
                          **{**_args(DATA / "args.yaml"), "optimizer": "auto"})
    _same(curves, run)
    assert [c["label"] for c in curves] == ["pg0 weight", "pg1 bn", "pg2 bias"]


@pytest.mark.parametrize("optimizer", ["SGD", "RMSProp", "Adam"])
def test_named_optimizer_and_devices(tmp_path, optimizer):
    """The bias group warms down from warmup_bias_lr; device '0,1,2,3' shards the images over
    four processes of batch // 4 each."""
    _source()
    text = (DATA / "default.yaml").read_text(encoding="utf-8")
    path = tmp_path / "args.yaml"
    path.write_text(text.replace("optimizer: auto", f"optimizer: {optimizer}")
                    .replace("device: #", "device: 0,1,2,3 #")
                    .replace("cos_lr: False", "cos_lr: True"), encoding="utf-8")
    curves, _ = compare(path, "--dataset-size", "1001", "--epochs", "12", "--explain")
    nb = -(-(-(-1001 // 4)) // 4)  # ceil(ceil(1001 / 4) / (16 // 4))
    run = oracle.yolo_run(nb, epochs=12, **{**_args(DATA / "default.yaml"),
                                            "optimizer": optimizer, "cos_lr": True})
    _same(curves, run)
    assert curves[2]["lr"][0] == 0.1 and curves[0]["lr"][0] == 0.0


def test_compile_drops_the_last_batch_and_steps_per_epoch(tmp_path):
    path = tmp_path / "args.yaml"
    path.write_text("lr0: 0.02\nlrf: 0.1\nwarmup_bias_lr: 0.05\nnbs: 64\noptimizer: SGD\n"
                    "compile: true\nbatch: 32\nepochs: 5\n")
    curves, _ = compare(path, "--dataset-size", "1000")  # floor(1000 / 32) = 31
    direct, _ = compare(path, "--steps-per-epoch", "31")
    assert curves == direct
    _source()
    run = oracle.yolo_run(31, epochs=5, batch=32, lr0=0.02, lrf=0.1, warmup_bias_lr=0.05)
    _same(curves, run)


@pytest.mark.parametrize("name", ["hyp.scratch-low.yaml", "hyp.scratch-high.yaml"])
def test_yolov5_hyp_files(name):
    pytest.importorskip("torch")
    curves, output = compare(DATA / name, "--epochs", "30", "--batch-size", "16",
                             "--dataset-size", "1000")
    hyp = yaml.safe_load((DATA / name).read_text())
    run = oracle.yolov5_run(63, epochs=30, batch=16, **{k: hyp[k] for k in oracle.YOLOV5_DEFAULTS
                                                         if k in hyp})
    _same(curves, run)
    assert [c["label"] for c in curves] == ["pg0 biases", "pg1 weights with decay",
                                            "pg2 BatchNorm weights"]
    assert "--cos-lr" in output  # the hyp file cannot say: the default is named


def test_yolov5_opt_yaml(tmp_path):
    """A YOLOv5 run's opt.yaml holds the hyps and train.py's options (cos_lr, optimizer)."""
    pytest.importorskip("torch")
    hyp = yaml.safe_load((DATA / "hyp.scratch-low.yaml").read_text())
    path = tmp_path / "opt.yaml"
    path.write_text(yaml.safe_dump({"epochs": 20, "batch_size": 32, "cos_lr": True,
                                    "optimizer": "AdamW", "quad": False, "hyp": hyp}))
    curves, _ = compare(path, "--steps-per-epoch", "40")
    run = oracle.yolov5_run(40, epochs=20, batch=32, cos_lr=True, optimizer="AdamW",
                            **{k: hyp[k] for k in oracle.YOLOV5_DEFAULTS if k in hyp})
    _same(curves, run)


def test_missing_facts_name_their_flags(tmp_path):
    hyp = DATA / "hyp.scratch-low.yaml"
    assert "--epochs" in fail(hyp, "--batch-size", "16", "--dataset-size", "100")
    assert "--batch-size" in fail(hyp, "--epochs", "10", "--dataset-size", "100")
    assert "--dataset-size" in fail(hyp, "--epochs", "10", "--batch-size", "16")
    default = DATA / "default.yaml"
    assert "--dataset-size" in fail(default, "--steps-per-epoch", "10")  # auto needs images
    assert "--classes" in fail(default, "--dataset-size", "100")
    assert "--epochs 2.5" in fail(hyp, "--epochs", "2.5", "--batch-size", "16",
                                  "--dataset-size", "100")


def test_bad_values_are_located(tmp_path):
    base = "lr0: 0.01\nlrf: 0.01\nwarmup_bias_lr: 0.1\nnbs: 64\n"
    cases = {"time: 2.0\n": ("time", "1:1"), "batch: -1\n": ("--batch-size", "1:1"),
             "optimizer: SGDD\n": ("'SGD'", "1:1"), "lrf: oops\n": ("lrf", "1:1")}
    for extra, (words, where) in cases.items():
        path = tmp_path / "args.yaml"
        path.write_text(extra + base.replace("lrf: 0.01\n", "") if "lrf" in extra
                        else extra + base)
        message = fail(path, "--steps-per-epoch", "10")
        assert words in message and where in message, message
    path = tmp_path / "hyp.yaml"
    path.write_text("lr0: 0.01\nlrf: 0.01\nmomentum: 0.9\nwarmup_epochs: 3\nobj: 1.0\n"
                    "anchor_t: 4.0\nwarmup_bias_lr: 0.1\n")
    assert "warmup_momentum" in fail(path, "--epochs", "3", "--batch-size", "8",
                                     "--steps-per-epoch", "9", "--from", "yolov5")
    assert "--max-steps" in fail(DATA / "default.yaml", "--max-steps", "9")


def test_lint_warmup_traps():
    found = lint(DATA / "hyp.scratch-low.yaml", "--epochs", "30", "--batch-size", "16",
                 "--dataset-size", "320")  # nb = 20: 3 x 20 = 60 < 100
    assert "warmup-floor-dominates" in found
    assert "hyp.scratch-low.yaml:13" in found["warmup-floor-dominates"]["where"]
    found = lint(DATA / "hyp.scratch-low.yaml", "--epochs", "30", "--batch-size", "16",
                 "--dataset-size", "3200")
    assert "warmup-floor-dominates" not in found
    found = lint(DATA / "default.yaml", "--epochs", "3", "--steps-per-epoch", "50",
                 "--dataset-size", "800", "--classes", "5")
    assert "warmup-longer-than-run" in found


@pytest.mark.parametrize("fraction, images", [("0.25", 250), ("[0.5, 1.0, 0.0]", 500),
                                              ("300", 300), ("1", 1000), ("5000", 1000)])
def test_fraction_cuts_the_training_images(tmp_path, fraction, images):
    """BaseDataset keeps ``round(N x fraction)`` images (a count when an integer above 1; the
    first entry of a list): nb and optimizer: auto see those."""
    path = tmp_path / "args.yaml"
    path.write_text(f"lr0: 0.01\nlrf: 0.01\nwarmup_bias_lr: 0.1\nnbs: 64\noptimizer: SGD\n"
                    f"epochs: 4\nfraction: {fraction}\n")
    curves, _ = compare(path, "--dataset-size", "1000")
    direct, _ = compare(path, "--steps-per-epoch", str(-(-images // 16)))
    assert curves == direct


def test_yolov5_opt_yaml_autobatch_names_the_flag(tmp_path):
    hyp = yaml.safe_load((DATA / "hyp.scratch-low.yaml").read_text())
    path = tmp_path / "opt.yaml"
    path.write_text(yaml.safe_dump({"epochs": 20, "batch_size": -1, "hyp": hyp}))
    message = fail(path, "--steps-per-epoch", "40")
    assert "batch_size: AutoBatch (-1)" in message and "--batch-size N" in message
    curves, _ = compare(path, "--steps-per-epoch", "40", "--batch-size", "32")
    assert len(curves) == 3
