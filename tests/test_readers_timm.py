"""timm train.py configs (args.yaml, and command lines in shell files) against timm itself:
``create_scheduler(args, optimizer, updates_per_epoch)`` as train.py calls it, with train.py's
argument defaults, driven by train.py's loop (``step_update`` after every update, ``step`` at
the end of every epoch, for the ``num_epochs`` it returns); lrplot's series must agree at every
update (1e-12 relative)."""

from __future__ import annotations

import json
import math
from argparse import Namespace
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from frameworks_oracle import timm_scheduler_module
from lrplot.cli import main
from lrplot.readers.timm import TRAIN_DEFAULTS

ROOT = Path(__file__).resolve().parents[1]
FOREIGN = ROOT / "tests" / "data" / "foreign" / "timm"


def timm_run(args: dict, updates_per_epoch: int) -> list[float]:
    torch = pytest.importorskip("torch")
    try:
        factory = timm_scheduler_module("scheduler_factory")
    except ImportError:
        pytest.skip("timm is not installed")
    full = Namespace(**{**TRAIN_DEFAULTS, **args})
    lr = full.lr
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    scheduler, num_epochs = factory.create_scheduler(full, optimizer, updates_per_epoch)
    lrs, updates = [], 0
    for epoch in range(num_epochs):
        for _ in range(updates_per_epoch):
            lrs.append(optimizer.param_groups[0]["lr"])
            updates += 1
            scheduler.step_update(num_updates=updates)
        scheduler.step(epoch + 1)
    lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


def lrplot_series(tmp_path: Path, name: str, text: str, *flags: str) -> list[float]:
    path = tmp_path / name
    path.write_text(text)
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["compare", str(path), *flags, "-o", str(out)])
    assert result.exit_code == 0, result.output
    [curve] = json.loads(out.read_text())["panels"][0]["curves"]
    return curve["lr"]


CASES = [
    {"sched": "cosine", "epochs": 12, "lr": 0.4},
    {"sched": "cosine", "epochs": 10, "lr": 0.1, "warmup_prefix": True, "cooldown_epochs": 3,
     "min_lr": 1e-4, "lr_noise": [0.4, 0.8]},
    {"sched": "cosine", "epochs": 6, "lr": 0.05, "sched_on_updates": True, "warmup_epochs": 2},
    {"sched": "step", "epochs": 15, "lr": 0.2, "decay_epochs": 4, "decay_rate": 0.5},
    # the docs' EfficientNet recipe: a fractional decay period, noise from 0.42 x 50
    {"sched": "step", "epochs": 50, "lr": 0.016, "decay_epochs": 2.4, "decay_rate": 0.97,
     "warmup_lr": 1e-6, "lr_noise": [0.42, 0.9]},
    # noise bounds that are not whole: 0.29 x 100 = 28.999999999999996, 0.57 x 100 = 56.99...
    {"sched": "cosine", "epochs": 100, "lr": 0.1, "lr_noise": [0.29, 0.57]},
    {"sched": "multistep", "epochs": 15, "lr": 0.2, "decay_milestones": [5, 9]},
    {"sched": "poly", "epochs": 9, "lr": 0.3, "decay_rate": 2.0, "lr_cycle_limit": 2,
     "lr_cycle_mul": 1.5},
    {"sched": "tanh", "epochs": 8, "lr": 0.1, "warmup_epochs": 0},
]


@pytest.mark.parametrize("args", CASES, ids=lambda a: a["sched"])
def test_args_yaml_equals_train_py(tmp_path, args):
    # 203 examples, batch 16, drop_last: 12 batches; accumulation 1
    expected = timm_run(args, 12)
    text = yaml.safe_dump({"model": "resnet18", "opt": "sgd", "batch_size": 16, **args})
    got = lrplot_series(tmp_path, "args.yaml", text, "--dataset-size", "203")
    assert len(got) == len(expected)
    for step, (a, b) in enumerate(zip(got, expected)):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300), (step, a, b)


def test_a_command_line_in_a_shell_file(tmp_path):
    args = {"sched": "cosine", "epochs": 20, "lr": 0.4, "warmup_epochs": 3, "warmup_lr": 1e-4,
            "cooldown_epochs": 2, "batch_size": 64, "grad_accum_steps": 2}
    # 8 processes: ceil(4100 / 8) = 513 examples each, floor(513 / 64) = 8 batches, 4 updates
    expected = timm_run(args, 4)
    text = ("#!/bin/bash\n# ResNet recipe\n"
            "./distributed_train.sh 8 /data/imagenet --model resnet50 -b 64 --sched cosine \\\n"
            "  --epochs 20 --lr 0.4 --warmup-epochs 3 --warmup-lr 1e-4 --cooldown-epochs 2 \\\n"
            "  --grad-accum-steps 2 --amp\n")
    got = lrplot_series(tmp_path, "train.sh", text, "--dataset-size", "4100")
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_train_py_defaults_apply_and_lr_base_scales(tmp_path):
    path = tmp_path / "train.sh"
    path.write_text("python train.py /data --model vit_small --opt adamw -b 32 --epochs 4\n")
    result = CliRunner().invoke(main, ["validate", str(path), "--dataset-size", "1000",
                                       "--explain"])
    assert result.exit_code == 0, result.output
    assert "warmup_epochs = 5  (default of timm 1.0 train.py)" in result.output
    assert "lr = 0.1 x sqrt(32 / 256)" in result.output  # adamw: sqrt scaling
    assert "warmup_lr = 1e-05  (default of timm 1.0 train.py)" in result.output
    assert f"{path}:1:53 batch_size" in result.output  # where -b is


def test_unknown_sched_and_missing_run_facts(tmp_path):
    path = tmp_path / "args.yaml"
    path.write_text("model: resnet18\nopt: sgd\nsched: plateau\nepochs: 10\n")
    result = CliRunner().invoke(main, ["validate", str(path), "--dataset-size", "100"])
    assert result.exit_code == 2 and "sched 'plateau' is not read" in result.output
    path.write_text("model: resnet18\nopt: sgd\nsched: cosine\nepochs: 10\n")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and "--dataset-size N" in result.output \
        and f"{path}:4:1: epochs" in result.output


@pytest.mark.parametrize("name", sorted(p.name for p in FOREIGN.glob("*") if p.suffix != ".md")
                         if FOREIGN.exists() else [])
def test_public_timm_configs_read(name):
    result = CliRunner().invoke(main, ["validate", str(FOREIGN / name), "--dataset-size",
                                       "1281167", "--world-size", "8"])
    assert result.exit_code == 0, result.output
