"""Hugging Face TrainingArguments configs against the real Trainer.

A tiny torch model is trained on CPU by transformers' own Trainer (no download: the model and
the dataset are built here), and the lr its optimizer holds at every optimizer step is recorded
by a callback. lrplot reads the same arguments written as YAML, with the dataset size as a flag,
and must give the same number of steps and the same lr at each one (1e-12 relative). The
sharded dataloader length for several processes is checked against accelerate's own
``BatchSamplerShard`` and the Trainer's ``set_initial_training_values``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from lrplot import readers, yamlio
from lrplot.cli import main
from lrplot.readers.run import RunFacts, sharded_batches

ROOT = Path(__file__).resolve().parents[1]
FOREIGN = ROOT / "tests" / "data" / "foreign" / "hf"


def lrplot_series(tmp_path: Path, args: dict, *flags: str) -> list[float]:
    config = tmp_path / "args.yaml"
    config.write_text(yaml.safe_dump(args))
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["compare", str(config), *flags, "-o", str(out)])
    assert result.exit_code == 0, result.output
    curves = json.loads(out.read_text())["panels"][0]["curves"]
    assert len(curves) == 1
    return curves[0]["lr"]


# -- the live Trainer -----------------------------------------------------------------------------


def trainer_lrs(tmp_path: Path, args: dict, examples: int) -> list[float]:
    """The lr of every optimizer step the real Trainer takes, and the value after the last."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("accelerate")

    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(2, 1)

        def forward(self, x, labels):
            return {"loss": torch.nn.functional.mse_loss(self.linear(x).squeeze(-1), labels)}

    data = [{"x": torch.tensor([float(i), 1.0]), "labels": torch.tensor(0.5)}
            for i in range(examples)]
    seen: list[float] = []

    class Record(transformers.TrainerCallback):
        def on_optimizer_step(self, args, state, control, optimizer=None, **kwargs):
            seen.append(optimizer.param_groups[0]["lr"])

        def on_train_end(self, args, state, control, optimizer=None, **kwargs):
            seen.append(optimizer.param_groups[0]["lr"])  # after the last scheduler.step()

    training = transformers.TrainingArguments(
        output_dir=str(tmp_path / "run"), report_to=[], save_strategy="no",
        logging_strategy="no", use_cpu=True, disable_tqdm=True, seed=0, **args)
    trainer = transformers.Trainer(model=Tiny(), args=training, train_dataset=data,
                                   callbacks=[Record()])
    trainer.train()
    return seen


CASES = [
    # (TrainingArguments, dataset size)
    ({"learning_rate": 1e-3, "lr_scheduler_type": "cosine", "num_train_epochs": 3.0,
      "per_device_train_batch_size": 4, "gradient_accumulation_steps": 3,
      "warmup_steps": 0.1}, 45),
    ({"learning_rate": 0.02, "lr_scheduler_type": "linear", "num_train_epochs": 2.5,
      "per_device_train_batch_size": 3, "gradient_accumulation_steps": 2,
      "dataloader_drop_last": True, "warmup_steps": 4}, 40),
    ({"learning_rate": 5e-4, "lr_scheduler_type": "polynomial", "max_steps": 17,
      "per_device_train_batch_size": 8, "warmup_steps": 0.25,
      "lr_scheduler_kwargs": {"power": 2.0, "lr_end": 1e-6}}, 30),
    ({"learning_rate": 3e-3, "lr_scheduler_type": "cosine_with_min_lr", "num_train_epochs": 1.3,
      "per_device_train_batch_size": 5, "gradient_accumulation_steps": 4,
      "warmup_steps": 0.2, "lr_scheduler_kwargs": {"min_lr_rate": 0.1}}, 77),
    ({"learning_rate": 1e-3, "lr_scheduler_type": "warmup_stable_decay",
      "num_train_epochs": 2, "per_device_train_batch_size": 2,
      "warmup_steps": 3, "lr_scheduler_kwargs": {"num_decay_steps": 5}}, 21),
    ({"learning_rate": 1e-3, "lr_scheduler_type": "constant_with_warmup",
      "num_train_epochs": 1, "per_device_train_batch_size": 2, "warmup_steps": 0.5}, 11),
    ({"learning_rate": 2e-3, "num_train_epochs": 1, "per_device_train_batch_size": 16}, 9),
]


@pytest.mark.parametrize("args, examples", CASES)
def test_lr_of_every_optimizer_step_equals_the_real_trainers(tmp_path, args, examples):
    expected = trainer_lrs(tmp_path, args, examples)
    got = lrplot_series(tmp_path, args, "--dataset-size", str(examples))
    assert len(got) == len(expected)  # the optimizer steps, and the value after the last
    for step, (a, b) in enumerate(zip(got, expected)):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300), (step, a, b)


def test_the_transformers_5_trainer_refuses_warmup_ratio_that_lrplot_reads_as_a_ratio():
    transformers = pytest.importorskip("transformers")
    with pytest.raises(TypeError, match="warmup_ratio"):
        transformers.TrainingArguments(output_dir="unused", warmup_ratio=0.1)


@pytest.mark.parametrize("examples, batch, world, drop_last", [
    (1091, 8, 1, False), (1091, 8, 3, False), (1091, 8, 3, True), (100, 10, 4, False),
    (100, 10, 4, True), (7, 8, 2, False), (33, 4, 8, False), (33, 4, 8, True)])
def test_sharded_batches_equal_accelerates_and_the_trainers_update_steps(
        examples, batch, world, drop_last):
    torch = pytest.importorskip("torch")
    data_loader = pytest.importorskip("accelerate.data_loader")
    sampler = torch.utils.data.BatchSampler(range(examples), batch, drop_last)
    shard = data_loader.BatchSamplerShard(sampler, num_processes=world, process_index=0)
    assert sharded_batches(examples, batch, world, drop_last)[0] == len(shard)


@pytest.mark.parametrize("accum", [1, 3, 8])
def test_update_steps_per_epoch_follow_the_trainers_set_initial_training_values(tmp_path, accum):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    args = transformers.TrainingArguments(output_dir=str(tmp_path), gradient_accumulation_steps=accum,
                                          num_train_epochs=2.5, use_cpu=True, report_to=[])
    trainer = transformers.Trainer(model=torch.nn.Linear(1, 1), args=args)
    loader = torch.utils.data.DataLoader(list(range(101)), batch_size=4)
    values = trainer.set_initial_training_values(args, loader)
    doc = yamlio.loads(f"gradient_accumulation_steps: {accum}\nnum_train_epochs: 2.5\n"
                       "per_device_train_batch_size: 4\n", "args.yaml")
    figure, explanation = readers.convert(doc, RunFacts(dataset_size=101), "hf")
    derived = {line.name: line.value for line in explanation.lines}
    assert derived["update_steps_per_epoch"] == values[1]
    assert derived["num_training_steps"] == values[-1]


# -- what the reader says -------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_the_issue_example_is_explained_step_by_step(tmp_path):
    config = tmp_path / "args.yaml"
    config.write_text("learning_rate: 2.0e-5\nnum_train_epochs: 3.0\nlr_scheduler_type: cosine\n"
                      "per_device_train_batch_size: 8\nwarmup_steps: 0.1\n")
    result = run("validate", str(config), "--dataset-size", "1091", "--explain")
    assert result.exit_code == 0, result.output
    assert "num_training_steps = ceil(3.0 x 137) = 411  (Trainer, transformers 5.x)" in \
        result.output
    assert "batches_per_epoch = ceil(1091 / 8) = 137" in result.output
    assert f"{config}:2:1 num_train_epochs" in result.output
    assert "num_warmup_steps = ceil(411 x 0.1) = 42" in result.output


def test_a_missing_fact_names_the_flags_and_the_key(tmp_path):
    config = tmp_path / "args.yaml"
    config.write_text("lr_scheduler_type: cosine\nnum_train_epochs: 3\n"
                      "per_device_train_batch_size: 8\n")
    result = run("compare", str(config), "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 2
    assert f"{config}:2:1: num_train_epochs: 3 needs the optimizer steps per epoch: give " \
           "--dataset-size N [--world-size N] or --steps-per-epoch N" in result.output
    assert not (tmp_path / "x.json").exists()
    assert "Traceback" not in result.output


def test_rules_4_reads_warmup_ratio_and_lets_warmup_steps_win(tmp_path):
    config = tmp_path / "args.yaml"
    config.write_text("lr_scheduler_type: linear\nmax_steps: 100\nwarmup_ratio: 0.05\n"
                      "per_device_train_batch_size: 8\n")
    doc = yamlio.load(str(config))
    _, ex = readers.convert(doc, RunFacts(rules="4"))
    assert {line.name: line.value for line in ex.lines}["num_warmup_steps"] == 5
    _, ex5 = readers.convert(doc, RunFacts())
    assert {line.name: line.value for line in ex5.lines}["num_warmup_steps"] == 5
    assert any("transformers 5 has no warmup_ratio" in n for n in ex5.notes)
    config.write_text("lr_scheduler_type: linear\nmax_steps: 100\nwarmup_steps: 0.5\n"
                      "per_device_train_batch_size: 8\n")
    result = run("validate", str(config), "--rules", "4")
    assert result.exit_code == 2 and "is a ratio only under transformers 5" in result.output
    result = run("validate", str(config), "--rules", "3")
    assert result.exit_code == 2 and "--rules 3" in result.output


def test_unknown_scheduler_names_are_refused_with_the_near_miss(tmp_path):
    config = tmp_path / "args.yaml"
    config.write_text("lr_scheduler_type: cosin\nmax_steps: 10\nper_device_train_batch_size: 8\n")
    result = run("validate", str(config))
    assert result.exit_code == 2
    assert f"{config}:1:1: lr_scheduler_type: unknown lr_scheduler_type 'cosin'; did you mean " \
           "'cosine'?" in result.output
    config.write_text("lr_scheduler_type: reduce_lr_on_plateau\nmax_steps: 10\n"
                      "per_device_train_batch_size: 8\n")
    result = run("validate", str(config))
    assert result.exit_code == 2 and "follows an evaluation metric" in result.output


def test_a_bad_kwarg_is_located_in_the_users_file(tmp_path):
    config = tmp_path / "args.yaml"
    config.write_text("lr_scheduler_type: cosine\nmax_steps: 10\nper_device_train_batch_size: 8\n"
                      "lr_scheduler_kwargs:\n  num_cycle: 2\n")
    result = run("validate", str(config))
    assert result.exit_code == 2
    assert f"{config}:5:3" in result.output and "num_cycle" in result.output \
        and "num_cycles" in result.output


def test_json_and_kwargs_as_json_text(tmp_path):
    config = tmp_path / "args.json"
    config.write_text(json.dumps({"lr_scheduler_type": "cosine", "max_steps": 20,
                                  "per_device_train_batch_size": 8,
                                  "lr_scheduler_kwargs": "{\"num_cycles\": 1.5}"}, indent="\t"))
    out = tmp_path / "o.json"
    result = run("compare", str(config), "-o", str(out))
    assert result.exit_code == 0, result.output
    curve = json.loads(out.read_text())["panels"][0]["curves"][0]
    assert curve["schedule"]["num_cycles"] == 1.5 and len(curve["lr"]) == 21


def test_flags_on_an_lrplot_figure_are_refused(tmp_path):
    result = run("validate", str(ROOT / "configs" / "article.yaml"), "--dataset-size", "10")
    assert result.exit_code == 2 and "is an lrplot figure" in result.output


def test_interval_epoch_does_not_apply_to_the_trainer(tmp_path):
    config = tmp_path / "a.yaml"
    config.write_text("lr_scheduler_type: cosine\nmax_steps: 10\nper_device_train_batch_size: 8\n")
    result = run("validate", str(config), "--interval", "epoch")
    assert result.exit_code == 2 and "after every optimizer step" in result.output


# -- real configs from public projects ------------------------------------------------------------


@pytest.mark.parametrize("name, fmt, steps, warmup", [
    # 1091 examples, one process: LLaMA-Factory's batch 1 x accumulation 8 over 3 epochs
    ("llamafactory_llama3_lora_sft.yaml", "hf", 411, 42),
    # batch 32 x accumulation 2, one epoch: ceil(ceil(1091 / 32) / 2) = 18
    ("alignment_handbook_zephyr_sft_full.yaml", "hf", 18, 0),
    # micro_batch_size 2 x accumulation 2, one epoch; warmup_steps 10 as written
    ("axolotl_llama3_lora_1b.yml", "axolotl", 273, 10),
])
def test_public_configs(name, fmt, steps, warmup):
    doc = yamlio.load(str(FOREIGN / name))
    assert readers.detect(doc.data) == fmt
    figure, ex = readers.convert(doc, RunFacts(dataset_size=1091))
    derived = {line.name: line.value for line in ex.lines}
    assert (derived["num_training_steps"], derived["num_warmup_steps"]) == (steps, warmup)
    assert figure.data["steps"] == steps + 1


def test_public_configs_name_their_origin():
    for path in FOREIGN.iterdir():
        head = path.read_text().splitlines()[:2]
        assert head[0].startswith("# From ") and "commit " in " ".join(head), path


def test_a_run_too_long_to_draw_is_refused_by_what_made_it_long(tmp_path):
    config = tmp_path / "args.yaml"
    config.write_text("num_train_epochs: 1.0e300\nlr_scheduler_type: cosine\n"
                      "per_device_train_batch_size: 8\n")
    result = run("validate", str(config), "--dataset-size", "100")
    assert result.exit_code == 2
    assert "the run is 1.3e+301 optimizer steps, more than lrplot draws" in result.output
    assert len(result.output) < 400
