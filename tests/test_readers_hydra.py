"""Hydra configs: the ``_target_`` that Hydra itself instantiates steps through the same lr as
lrplot's series; interpolations resolve (OmegaConf) or fail naming themselves; ``defaults:``
compose from the files at hand (a real project's tree, tests/data/foreign/hydra)."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from lrplot import readers, yamlio
from lrplot.cli import main
from lrplot.readers.run import RunFacts

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "tests" / "data" / "foreign" / "hydra" / "lightning-hydra-template" / "configs"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def hydra_lrs(node: dict, lr: float, steps: int) -> list[float]:
    """Hydra instantiates the node (``_partial_``: then binds the optimizer), and it is stepped."""
    torch = pytest.importorskip("torch")
    instantiate = pytest.importorskip("hydra.utils").instantiate
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    made = instantiate(node)
    scheduler = made(optimizer) if node.get("_partial_") else made
    lrs = [optimizer.param_groups[0]["lr"]]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


SCHEDULERS = [
    {"_target_": "torch.optim.lr_scheduler.OneCycleLR", "_partial_": True, "max_lr": 0.3,
     "total_steps": 40, "pct_start": 0.25},
    {"_target_": "torch.optim.lr_scheduler.CosineAnnealingWarmRestarts", "_partial_": True,
     "T_0": 7, "T_mult": 2, "eta_min": 1e-4},
    {"_target_": "transformers.get_cosine_schedule_with_warmup", "_partial_": True,
     "num_warmup_steps": 5, "num_training_steps": 40},
    {"_target_": "transformers.optimization.get_polynomial_decay_schedule_with_warmup",
     "_partial_": True, "num_warmup_steps": 3, "num_training_steps": 30, "power": 2.0},
]


@pytest.mark.parametrize("node", SCHEDULERS, ids=lambda n: n["_target_"].rsplit(".", 1)[-1])
def test_the_target_hydra_instantiates_gives_lrplots_series(tmp_path, node):
    if node["_target_"].startswith("transformers"):
        pytest.importorskip("transformers")
    expected = hydra_lrs(node, 0.05, 40)
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"optimizer": {"_target_": "torch.optim.SGD",
                                                    "_partial_": True, "lr": 0.05},
                                      "scheduler": node}))
    out = tmp_path / "o.json"
    result = run("compare", config, "--max-steps", 40, "-o", out)
    assert result.exit_code == 0, result.output
    [curve] = json.loads(out.read_text())["panels"][0]["curves"]
    assert len(curve["lr"]) == len(expected)
    for step, (a, b) in enumerate(zip(curve["lr"], expected)):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300), (step, a, b)


def test_interpolations_resolve_and_resolvers_never_run(tmp_path):
    pytest.importorskip("omegaconf")
    config = tmp_path / "config.yaml"
    config.write_text("epochs: 12\nbase: 0.2\n"
                      "optimizer: {_target_: torch.optim.SGD, _partial_: true, lr: '${base}'}\n"
                      "scheduler: {_target_: torch.optim.lr_scheduler.CosineAnnealingLR, "
                      "_partial_: true, T_max: '${epochs}'}\n"
                      "unrelated: '${oc.env:HOME}'\n")
    doc = yamlio.load(str(config))
    figure, ex = readers.convert(doc, RunFacts(max_steps=12))
    assert figure.data["curves"][0]["T_max"] == 12 and figure.data["base_lr"] == 0.2
    config.write_text(config.read_text().replace("T_max: '${epochs}'", "T_max: '${oc.env:HOME}'"))
    result = run("validate", config, "--max-steps", 12)
    assert result.exit_code == 2
    assert "uses the resolver 'oc.env', which lrplot never runs" in result.output
    assert str(Path.home()) not in result.output
    config.write_text(config.read_text().replace("'${oc.env:HOME}'", "'${epoch}'"))
    result = run("validate", config, "--max-steps", 12)
    assert result.exit_code == 2 and "cannot resolve an interpolation" in result.output \
        and "epoch" in result.output


def test_without_a_trainer_the_run_length_is_asked_for(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("scheduler: {_target_: torch.optim.lr_scheduler.StepLR, step_size: 3}\n")
    result = run("validate", config)
    assert result.exit_code == 2 and "give --max-steps N" in result.output


def template(tmp_path: Path, scheduler: str) -> Path:
    tree = tmp_path / "configs"
    shutil.copytree(TEMPLATE, tree)
    (tree / "model").mkdir()
    (tree / "model" / "mnist.yaml").write_text(
        "_target_: src.models.mnist_module.MNISTLitModule\n"
        "optimizer:\n  _target_: torch.optim.Adam\n  _partial_: true\n  lr: 0.002\n"
        f"scheduler:\n{scheduler}")
    return tree / "train.yaml"


def test_a_real_project_tree_composes_with_lightnings_arithmetic(tmp_path):
    train = template(tmp_path, "  _target_: torch.optim.lr_scheduler.CosineAnnealingLR\n"
                               "  _partial_: true\n  T_max: 30\n")
    result = run("validate", train, "--dataset-size", 55000, "--explain")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "batch_size = 128" in text and "data/mnist.yaml:3:1" in text
    assert "max_epochs = 30" in text and "trainer/default.yaml:6:1" in text
    assert "num_training_steps = 430 x max(30, 1) = 12900" in text
    assert "callbacks/default.yaml is not at hand" in text  # said, not silently skipped
    assert "once per epoch" in text  # the assumed interval, and how to change it
    out = tmp_path / "o.json"
    result = run("compare", train, "--dataset-size", 55000, "-o", out)
    assert result.exit_code == 0, result.output
    lr = json.loads(out.read_text())["panels"][0]["curves"][0]["lr"]
    assert len(lr) == 12901 and lr[0] == lr[429] == 0.002 and lr[430] < lr[429]


def test_a_plateau_scheduler_is_refused_by_name(tmp_path):
    train = template(tmp_path, "  _target_: torch.optim.lr_scheduler.ReduceLROnPlateau\n"
                               "  _partial_: true\n  mode: min\n  factor: 0.1\n"
                               "  patience: 10\n")
    result = run("validate", train, "--dataset-size", 55000)
    assert result.exit_code == 2
    assert "model/mnist.yaml:7:3: model.scheduler._target_: ReduceLROnPlateau follows a " \
           "validation metric" in result.output


def test_the_ddp_trainer_composes_its_own_defaults(tmp_path):
    train = template(tmp_path, "  _target_: torch.optim.lr_scheduler.StepLR\n  step_size: 5\n")
    text = train.read_text().replace("trainer: default.yaml", "trainer: ddp.yaml")
    train.write_text(text)
    result = run("validate", train, "--dataset-size", 55000, "--explain")
    assert result.exit_code == 0, result.output
    assert "world_size = 2" in result.output
    assert "batches_per_epoch = ceil(ceil(55000 / 2) / 128) = 215" in result.output


def test_defaults_stay_inside_the_config_directory(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("defaults:\n  - ../../etc/passwd\n"
                      "scheduler: {_target_: torch.optim.lr_scheduler.StepLR, step_size: 2}\n")
    result = run("validate", config, "--max-steps", 10)
    assert result.exit_code == 2 and "'..' leaves the config directory" in result.output
