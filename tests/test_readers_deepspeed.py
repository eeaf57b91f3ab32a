"""ds_config.json read by lrplot.readers.deepspeed: "auto" filled as transformers' DeepSpeed
integration fills it (checked live against HfTrainerDeepSpeedConfig when transformers and
deepspeed are installed), the lr series equal to DeepSpeed's own, public configs, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import lrplot
from lrplot import readers
from lrplot.cli import main
from lrplot.readers.run import RunFacts
from lrplot.problems import SpecError
from frameworks_oracle import RTOL_FLOAT64, assert_lr_close

FOREIGN = Path(__file__).resolve().parent / "data" / "foreign" / "deepspeed"
HF_ZERO2 = FOREIGN / "hf_ds_config_zero2.json"

AUTO = {"warmup_min_lr": "auto", "warmup_max_lr": "auto", "warmup_num_steps": "auto",
        "total_num_steps": "auto"}


def _config(tmp_path: Path, scheduler: dict, **top) -> Path:
    path = tmp_path / "ds_config.json"
    path.write_text(json.dumps({"train_micro_batch_size_per_gpu": "auto",
                                "gradient_accumulation_steps": "auto",
                                "optimizer": {"type": "AdamW", "params": {"lr": "auto"}},
                                "scheduler": scheduler, **top}, indent=2))
    return path


def _read(path: Path, **facts) -> dict:
    doc, fmt = readers.load(str(path))
    figure, _ = readers.convert(doc, RunFacts(**facts), fmt)
    return figure.data


def _hf_filled(path: Path, learning_rate: float, warmup_steps: float, total: int) -> dict:
    from transformers import TrainingArguments
    from transformers.integrations.deepspeed import HfTrainerDeepSpeedConfig

    args = TrainingArguments(output_dir=str(path.parent / "out"), learning_rate=learning_rate,
                             warmup_steps=warmup_steps, max_steps=total, report_to=[])
    config = HfTrainerDeepSpeedConfig(json.loads(path.read_text()))
    config.trainer_config_process(args)
    config.trainer_config_finalize(args, None, total)
    return config.config


SCHEDULERS = [
    {"type": "WarmupLR", "params": {k: v for k, v in AUTO.items() if k != "total_num_steps"}},
    {"type": "WarmupDecayLR", "params": AUTO},
    {"type": "WarmupDecayLR", "params": {**AUTO, "warmup_type": "linear"}},
    {"type": "WarmupCosineLR", "params": {"warmup_num_steps": "auto", "total_num_steps": "auto",
                                          "warmup_type": "linear", "cos_min_ratio": 0.1}},
]


@pytest.mark.parametrize("scheduler", SCHEDULERS, ids=lambda s: s["type"])
@pytest.mark.parametrize("warmup_steps", [0.0, 0.03, 40])
def test_auto_is_filled_as_transformers_fills_it(tmp_path, scheduler, warmup_steps):
    pytest.importorskip("transformers")
    pytest.importorskip("deepspeed")
    from frameworks_oracle import deepspeed_series

    path = _config(tmp_path, scheduler)
    filled = _hf_filled(path, 2e-5, warmup_steps, 700)
    data = _read(path, learning_rate=2e-5, warmup_steps=warmup_steps, max_steps=700)
    curve = {k: v for k, v in data["curves"][0].items() if k not in ("type", "label")}
    assert curve == filled["scheduler"]["params"]
    assert data["steps"] == 701 and data["base_lr"] == filled["optimizer"]["params"]["lr"]
    kind = data["curves"][0]["type"]
    lr = lrplot.schedule(kind, steps=701, base_lr=data["base_lr"], **curve)
    expected = deepspeed_series(kind, 701, data["base_lr"], curve)["lr"]
    assert_lr_close(lr, expected, rtol=RTOL_FLOAT64)


def test_run_facts_give_the_trainers_steps(tmp_path):
    path = _config(tmp_path, {"type": "WarmupDecayLR", "params": AUTO})
    data = _read(path, learning_rate=1e-4, warmup_steps=0.1, dataset_size=10_000,
                 batch_size=4, world_size=8, grad_accum=2, epochs=2)
    # ceil(ceil(10000 / 4) / 8) = 313 batches per process, ceil(313 / 2) = 157 updates
    curve = data["curves"][0]
    assert curve["total_num_steps"] == 314 and curve["warmup_num_steps"] == 32
    assert data["steps"] == 315 and curve["warmup_max_lr"] == 1e-4 and \
        curve["warmup_min_lr"] == 0


@pytest.mark.parametrize("facts,flag", [
    ({}, "--learning-rate"),
    ({"learning_rate": 1e-4}, "--max-steps"),
    ({"learning_rate": 1e-4, "max_steps": 100}, "--warmup-steps"),
])
def test_a_missing_fact_names_its_flag(tmp_path, facts, flag):
    path = _config(tmp_path, {"type": "WarmupDecayLR", "params": AUTO})
    with pytest.raises(SpecError, match=flag):
        _read(path, **facts)


def test_every_missing_fact_is_reported_at_once(tmp_path):
    path = _config(tmp_path, {"type": "WarmupDecayLR", "params": AUTO})
    with pytest.raises(SpecError) as caught:
        _read(path)
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 3, messages  # each fact once, though two "auto"s need the total
    for flag in ("--learning-rate", "--max-steps", "--warmup-steps"):
        assert sum(flag in m for m in messages) == 1, (flag, messages)


def test_refusals_are_located(tmp_path):
    path = _config(tmp_path, {"type": "WarmupCosinLR", "params": {"total_num_steps": 10}})
    with pytest.raises(SpecError, match="did you mean 'WarmupCosineLR'") as exc:
        _read(path)
    assert f"{path}:" in str(exc.value)
    path = _config(tmp_path, {"type": "OneCycle", "params": {"cycle_min_lr": "auto"}})
    with pytest.raises(SpecError, match="only for warmup_min_lr"):
        _read(path)
    path = _config(tmp_path, {"type": "WarmupLR", "params": {"last_batch_iteration": 99}})
    with pytest.raises(SpecError, match="resumes"):
        _read(path)
    path = _config(tmp_path, {"type": "WarmupLR", "params": {"last_batch_iteration": -1}},
                   optimizer={"type": "Adam", "params": {"lr": 0.001}})
    assert _read(path)["base_lr"] == 0.001


def test_warmup_cosine_with_warmup_lr_keys_is_refused(tmp_path):
    """transformers fills warmup_min_lr / warmup_max_lr, and WarmupCosineLR has neither: a
    config seen in the wild that DeepSpeed refuses (TypeError)."""
    path = _config(tmp_path, {"type": "WarmupCosineLR", "params": AUTO})
    result = CliRunner().invoke(main, ["validate", str(path), "--learning-rate", "1e-4",
                                       "--max-steps", "100", "--warmup-steps", "10"])
    assert result.exit_code == 2 and "warmup_min_lr" in result.output


def test_the_hf_test_config_reads_with_the_launch_facts():
    data = _read(HF_ZERO2, learning_rate=2e-5, warmup_steps=0.03, max_steps=5000)
    assert data["curves"][0]["warmup_num_steps"] == 150 and data["base_lr"] == 2e-5
    lr = lrplot.schedule("deepspeed.warmup", steps=3, base_lr=2e-5,
                         **{k: v for k, v in data["curves"][0].items()
                            if k not in ("type", "label")})
    assert lr[0] == lr[1] == 0.0  # DeepSpeed's log warm-up


@pytest.mark.parametrize("name", sorted(p.name for p in FOREIGN.glob("*.json")))
def test_public_configs_read(name):
    result = CliRunner().invoke(main, ["validate", str(FOREIGN / name), "--learning-rate",
                                       "2e-5", "--warmup-steps", "0.03", "--max-steps", "5000"])
    assert result.exit_code == 0, result.output
    lint = CliRunner().invoke(main, ["lint", str(FOREIGN / name), "--learning-rate", "2e-5",
                                     "--warmup-steps", "0.03", "--max-steps", "5000"])
    assert "log-warmup-zero-lrs" in lint.output  # both use the log warm-up from 0


def test_explicit_total_without_run_facts_draws_the_schedule(tmp_path):
    path = _config(tmp_path, {"type": "WarmupDecayLR", "params": {
        "total_num_steps": 1000, "warmup_num_steps": 100, "warmup_max_lr": 3e-4}},
        optimizer={"type": "Adam", "params": {"lr": 3e-4}})
    data = _read(path)
    assert "steps" not in data  # the kind's horizon
    lr = lrplot.schedule("deepspeed.warmup_decay", steps=1002, base_lr=3e-4,
                         total_num_steps=1000, warmup_num_steps=100, warmup_max_lr=3e-4)
    assert lr[-1] == 0.0 and lr[-2] > 0 and np.argmax(lr) == 101
