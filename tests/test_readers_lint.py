"""``lrplot lint`` learns trainer-level mistakes from the readers: a warm-up as long as the run,
warmup_ratio and warmup_steps both set, a schedule sized for the other stepping interval or
shorter than the run. Each is located in the user's file."""

from __future__ import annotations

import json

from click.testing import CliRunner

from lrplot.cli import main


def lint(path, *flags):
    result = CliRunner().invoke(main, ["lint", str(path), "--format", "json", *flags])
    assert result.exit_code == 0, result.output
    start = result.stdout.index("[")
    return {w["rule"]: w for w in json.loads(result.stdout[start:result.stdout.rindex("]") + 1])}


def test_hf_warmup_both_set_and_longer_than_the_run(tmp_path):
    path = tmp_path / "args.yaml"
    path.write_text("lr_scheduler_type: cosine\nwarmup_ratio: 0.1\nwarmup_steps: 500\n"
                    "max_steps: 300\nper_device_train_batch_size: 8\n")
    found = lint(path)
    assert found["warmup-both-set"]["where"].startswith(f"{path}:2:1")
    assert "warmup_steps is used" in found["warmup-both-set"]["message"]
    assert found["warmup-longer-than-run"]["where"].startswith(f"{path}:3:1")


LIGHTNING = """trainer:
  max_epochs: 5
data:
  init_args:
    batch_size: 16
optimizer:
  class_path: torch.optim.SGD
  init_args:
    lr: 0.1
lr_scheduler:
  class_path: torch.optim.lr_scheduler.{cls}
  init_args:
    {arg}: {value}
"""


def test_a_step_sized_schedule_stepped_per_epoch(tmp_path):
    path = tmp_path / "cli.yaml"
    path.write_text(LIGHTNING.format(cls="CosineAnnealingLR", arg="T_max", value=320))
    found = lint(path, "--dataset-size", "1000")  # 63 steps per epoch, 315 in all
    assert "step-sized-per-epoch" in found
    assert found["step-sized-per-epoch"]["where"].startswith(f"{path}:13:5")


def test_an_epoch_sized_schedule_stepped_per_step(tmp_path):
    path = tmp_path / "cli.yaml"
    path.write_text(LIGHTNING.format(cls="StepLR", arg="step_size", value=2))
    found = lint(path, "--dataset-size", "1000", "--interval", "step")
    assert "epoch-sized-per-step" in found


def test_a_schedule_shorter_than_the_run(tmp_path):
    path = tmp_path / "cli.yaml"
    path.write_text(LIGHTNING.format(cls="CosineAnnealingLR", arg="T_max", value=100))
    found = lint(path, "--dataset-size", "1000", "--interval", "step")
    assert "set T_max to 315" in found["schedule-shorter-than-run"]["fix"]


def test_timm_warmup_longer_than_the_schedule(tmp_path):
    path = tmp_path / "train.sh"
    path.write_text("python train.py /data --model resnet18 --epochs 4 --lr 0.1\n")
    found = lint(path, "--dataset-size", "1000")  # train.py's default warmup: 5 epochs
    assert "warmup-longer-than-run" in found
