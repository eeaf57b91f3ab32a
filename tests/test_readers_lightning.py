"""LightningCLI configs against the real Lightning Trainer.

A tiny LightningModule is trained on CPU with the optimizer and scheduler the YAML names (built
the way LightningCLI builds them: ``[optimizer], [scheduler]``, stepped per epoch, or a dict
with ``interval: step``); the lr of every optimizer step is recorded and compared with
lrplot's series of the same YAML (1e-12 relative), and the run length with
``trainer.estimated_stepping_batches``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from lrplot.cli import main
from lrplot.readers.run import distributed_batches


def lightning_lrs(config: dict, examples: int, interval: str) -> tuple[list[float], int]:
    torch = pytest.importorskip("torch")
    pl = pytest.importorskip("pytorch_lightning")
    seen: list[float] = []
    trainer_args = config["trainer"]
    batch = config["data"]["init_args"]["batch_size"]
    optimizer_cfg, scheduler_cfg = config["optimizer"], config["lr_scheduler"]

    class Tiny(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.Linear(2, 1)

        def training_step(self, batch, batch_idx):
            return self.layer(batch[0]).pow(2).mean()

        def configure_optimizers(self):
            cls = getattr(torch.optim, optimizer_cfg["class_path"].rsplit(".", 1)[-1])
            optimizer = cls(self.parameters(), **optimizer_cfg["init_args"])
            sched_cls = getattr(torch.optim.lr_scheduler,
                                scheduler_cfg["class_path"].rsplit(".", 1)[-1])
            scheduler = sched_cls(optimizer, **scheduler_cfg["init_args"])
            if interval == "epoch":
                return [optimizer], [scheduler]
            return {"optimizer": optimizer,
                    "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}

        def on_before_optimizer_step(self, optimizer):
            seen.append(optimizer.param_groups[0]["lr"])

        def on_train_end(self):
            seen.append(self.trainer.optimizers[0].param_groups[0]["lr"])

    data = torch.utils.data.TensorDataset(torch.arange(2 * examples, dtype=torch.float32)
                                          .reshape(examples, 2))
    loader = torch.utils.data.DataLoader(data, batch_size=batch)
    trainer = pl.Trainer(accelerator="cpu", devices=1, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False,
                         num_sanity_val_steps=0, **trainer_args)
    trainer.fit(Tiny(), loader)
    return seen, trainer.estimated_stepping_batches


def lrplot_run(tmp_path: Path, config: dict, *flags: str) -> tuple[list[float], str]:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["compare", str(path), *flags, "-o", str(out),
                                       "--explain"])
    assert result.exit_code == 0, result.output
    [curve] = json.loads(out.read_text())["panels"][0]["curves"]
    return curve["lr"], result.output


def config(trainer: dict, scheduler: str, init_args: dict, lr: float = 0.01,
           batch: int = 4) -> dict:
    return {"trainer": trainer, "model": {"class_path": "tiny.Model"},
            "data": {"init_args": {"batch_size": batch}},
            "optimizer": {"class_path": "torch.optim.SGD", "init_args": {"lr": lr}},
            "lr_scheduler": {"class_path": f"torch.optim.lr_scheduler.{scheduler}",
                             "init_args": init_args}}


CASES = [
    (config({"max_epochs": 4, "accumulate_grad_batches": 2}, "StepLR",
            {"step_size": 1, "gamma": 0.5}), 37, "epoch"),
    (config({"max_epochs": 3}, "CosineAnnealingLR", {"T_max": 3, "eta_min": 1e-4}), 20,
     "epoch"),
    (config({"max_epochs": 2, "accumulate_grad_batches": 3}, "OneCycleLR",
            {"max_lr": 0.1, "total_steps": 12}, batch=3), 50, "step"),
    (config({"max_epochs": 5, "max_steps": 11}, "ExponentialLR", {"gamma": 0.9}), 17, "step"),
    (config({"max_epochs": 5, "max_steps": 11}, "StepLR", {"step_size": 1, "gamma": 0.5}), 17,
     "epoch"),
    (config({"max_epochs": 3, "limit_train_batches": 0.5}, "LinearLR",
            {"start_factor": 0.1, "total_iters": 4}), 40, "step"),
    (config({"max_epochs": 2, "limit_train_batches": 3}, "MultiStepLR",
            {"milestones": [1, 4], "gamma": 0.3}), 40, "step"),
]


@pytest.mark.parametrize("cfg, examples, interval", CASES)
def test_lr_of_every_optimizer_step_equals_lightnings(tmp_path, cfg, examples, interval):
    expected, stepping = lightning_lrs(cfg, examples, interval)
    flags = ["--dataset-size", str(examples)] + (["--interval", "step"]
                                                  if interval == "step" else [])
    got, explained = lrplot_run(tmp_path, cfg, *flags)
    assert "num_training_steps = " in explained and f"= {stepping}  (" in explained
    assert len(got) == len(expected) == stepping + 1
    for step, (a, b) in enumerate(zip(got, expected)):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300), (step, a, b)


@pytest.mark.parametrize("examples, batch, world, drop_last", [
    (1000, 16, 2, False), (1001, 16, 3, False), (1001, 16, 3, True), (7, 4, 8, False)])
def test_distributed_batches_equal_torchs_sampler_and_dataloader(examples, batch, world,
                                                                 drop_last):
    torch = pytest.importorskip("torch")
    sampler = torch.utils.data.DistributedSampler(range(examples), num_replicas=world, rank=0)
    loader = torch.utils.data.DataLoader(range(examples), batch_size=batch, sampler=sampler,
                                         drop_last=drop_last)
    assert distributed_batches(examples, batch, world, drop_last)[0] == len(loader)


def test_the_assumed_interval_is_said_and_devices_auto_needs_world_size(tmp_path):
    cfg = config({"max_epochs": 2, "devices": "auto"}, "StepLR", {"step_size": 1})
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg))
    result = CliRunner().invoke(main, ["validate", str(path), "--dataset-size", "10"])
    assert result.exit_code == 2 and "give the number of processes with --world-size N" in \
        result.output
    result = CliRunner().invoke(main, ["validate", str(path), "--dataset-size", "10",
                                       "--world-size", "4"])
    assert result.exit_code == 0, result.output
    assert "steps the lr_scheduler once per epoch" in result.output and "--interval step" in \
        result.output


def test_a_project_class_is_named_never_imported(tmp_path):
    cfg = config({"max_epochs": 2}, "StepLR", {"step_size": 1})
    cfg["lr_scheduler"]["class_path"] = "mypkg.sched.WarmupCosine"
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg))
    result = CliRunner().invoke(main, ["validate", str(path), "--dataset-size", "10"])
    assert result.exit_code == 2
    assert "mypkg.sched.WarmupCosine is not a schedule lrplot knows" in result.output
