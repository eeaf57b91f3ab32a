"""A LightningModule's ``configure_optimizers`` read from its .py file as data (never
imported): the series equals the lr of every optimizer step of Lightning's own Trainer running
the same method on CPU."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lrplot.cli import main

MODULE = Path(__file__).parent / "data" / "foreign" / "lightning" / "captioning_module.py"


def _lrplot(tmp_path: Path, path: Path, *flags: str) -> tuple[int, str, list[float]]:
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["compare", str(path), *flags, "-o", str(out)])
    if result.exit_code:
        return result.exit_code, result.output, []
    [curve] = json.loads(out.read_text())["panels"][0]["curves"]
    return 0, result.output, curve["lr"]


def test_a_public_modules_configure_optimizers_equals_lightnings_trainer(tmp_path):
    torch = pytest.importorskip("torch")
    pl = pytest.importorskip("pytorch_lightning")
    seen: list[float] = []
    examples, batch, epochs, lr = 37, 4, 3, 1e-4

    class Captioning(pl.LightningModule):  # the fixture's method, run by the real Trainer
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.Linear(2, 1)
            self.learning_rate, self.weight_decay = lr, 0.01

        def training_step(self, batch, batch_idx):
            return self.layer(batch[0]).pow(2).mean()

        def configure_optimizers(self):
            optimizer = torch.optim.AdamW(self.parameters(), lr=self.learning_rate,
                                          weight_decay=self.weight_decay)
            scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
                optimizer, T_max=self.trainer.estimated_stepping_batches, eta_min=1e-6)
            return {"optimizer": optimizer,
                    "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}

        def on_before_optimizer_step(self, optimizer):
            seen.append(optimizer.param_groups[0]["lr"])

        def on_train_end(self):
            seen.append(self.trainer.optimizers[0].param_groups[0]["lr"])

    data = torch.utils.data.TensorDataset(torch.arange(2 * examples, dtype=torch.float32)
                                          .reshape(examples, 2))
    trainer = pl.Trainer(accelerator="cpu", devices=1, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False,
                         num_sanity_val_steps=0, max_epochs=epochs)
    trainer.fit(Captioning(), torch.utils.data.DataLoader(data, batch_size=batch))
    code, output, lrs = _lrplot(tmp_path, MODULE, "--dataset-size", str(examples),
                                "--batch-size", str(batch), "--epochs", str(epochs),
                                "--world-size", "1", "--learning-rate", str(lr))
    assert code == 0, output
    assert lrs == pytest.approx(seen, rel=1e-12)


def test_the_module_is_detected_and_never_imported(tmp_path):
    module = tmp_path / "model.py"
    module.write_text(MODULE.read_text().replace("import torch\n", "import torch\n"
                                                 "raise SystemExit('imported')\n"))
    code, output, lrs = _lrplot(tmp_path, module, "--steps-per-epoch", "10", "--epochs", "2",
                                "--learning-rate", "0.1")
    assert code == 0, output
    assert len(lrs) == 21 and lrs[0] == 0.1 and lrs[-1] == pytest.approx(1e-6)


@pytest.mark.parametrize("method, where, said", [
    ("optimizer = torch.optim.SGD(self.parameters(), lr=0.1)\n"
     "        scheduler = StepLR(optimizer, step_size=self.step)\n"
     "        return [optimizer], [scheduler]", "10:49", "self.step: cannot be read"),
    ("optimizer = torch.optim.SGD(self.parameters(), lr=self.lr)\n"
     "        scheduler = StepLR(optimizer, step_size=2)\n"
     "        return [optimizer], [scheduler]", "9:59", "--learning-rate"),
    ("optimizer = torch.optim.SGD(self.parameters(), lr=0.1)\n"
     "        scheduler = StepLR(optimizer, step_size=2)\n"
     "        return {'optimizer': optimizer, 'lr_scheduler': {'scheduler': scheduler, "
     "'frequency': 2}}", "11:95", "frequency other than 1"),
    ("optimizer = torch.optim.SGD(self.parameters(), lr=0.1)\n"
     "        return optimizer", "10:16", "must return"),
])
def test_what_cannot_be_read_is_an_error_at_its_place(tmp_path, method, where, said):
    module = tmp_path / "model.py"
    module.write_text("import torch\nfrom torch.optim.lr_scheduler import StepLR\n\n\n"
                      "class Model:\n    def __init__(self):\n        self.lr = 0.1\n"
                      "    def configure_optimizers(self):\n        " + method + "\n")
    code, output, _ = _lrplot(tmp_path, module, "--steps-per-epoch", "10", "--epochs", "2")
    assert code == 2, output
    assert f"model.py:{where}" in output and said in output and "Traceback" not in output


def test_epoch_interval_from_the_returned_lists(tmp_path):
    module = tmp_path / "model.py"
    module.write_text("import torch\n\n\nclass Model:\n    def configure_optimizers(self):\n"
                      "        optimizer = torch.optim.SGD(self.parameters(), lr=0.5)\n"
                      "        gamma = 0.5\n"
                      "        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, "
                      "step_size=1, gamma=gamma)\n"
                      "        return [optimizer], [scheduler]\n")
    code, output, lrs = _lrplot(tmp_path, module, "--steps-per-epoch", "3", "--epochs", "3",
                                "--from", "lightning")
    assert code == 0, output
    assert lrs == [0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.0625]


def test_names_chained_too_deep_are_an_error_not_a_crash(tmp_path):
    lines = ["def configure_optimizers(self):", "    n0 = 1"] + \
        [f"    n{i} = n{i - 1}" for i in range(1, 20000)] + \
        ["    o = torch.optim.SGD(p, lr=0.1)", "    s = StepLR(o, step_size=n19999)",
         "    return [o], [s]"]
    module = tmp_path / "model.py"
    module.write_text("\n".join(lines) + "\n")
    code, output, _ = _lrplot(tmp_path, module, "--steps-per-epoch", "3", "--epochs", "2")
    assert code == 2 and "too deep" in output and "Traceback" not in output, output


def _project(tmp_path: Path, init_args: dict) -> Path:
    """A LightningCLI YAML without lr_scheduler whose model is the fixture module, reading its
    lr from self.hparams."""
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "model.py").write_text(
        MODULE.read_text().replace("lr=self.learning_rate", "lr=self.hparams.learning_rate"))
    config = tmp_path / "cli.yaml"
    config.write_text("trainer: {max_epochs: 3, accumulate_grad_batches: 2}\n"
                      "model: {class_path: proj.model.CaptioningModule, init_args: "
                      f"{json.dumps(init_args)}}}\n"
                      "data: {init_args: {batch_size: 4}}\n")
    return config


def test_a_lightning_cli_yaml_combined_with_its_models_configure_optimizers(tmp_path):
    torch = pytest.importorskip("torch")
    config = _project(tmp_path, {"learning_rate": 0.001})
    code, output, lrs = _lrplot(tmp_path, config, "--dataset-size", "37")
    assert code == 0, output
    # ceil(37 / 4) = 10 batches, accumulation 2: 5 optimizer steps per epoch, 3 epochs
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.001)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=15, eta_min=1e-6)
    expected = [optimizer.param_groups[0]["lr"]]
    for _ in range(15):
        optimizer.step()
        scheduler.step()
        expected.append(optimizer.param_groups[0]["lr"])
    assert lrs == pytest.approx(expected, rel=1e-12)


def test_an_hparam_the_yaml_does_not_give_is_named(tmp_path):
    config = _project(tmp_path, {"lr": 0.001})
    code, output, _ = _lrplot(tmp_path, config, "--dataset-size", "37")
    assert code == 2 and "model.py:16:61" in output, output
    assert "self.hparams.learning_rate: not in the config's model.init_args (given: lr)" in output
