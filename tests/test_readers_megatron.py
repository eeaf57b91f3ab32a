"""Megatron-LM launch scripts read by lrplot.readers.megatron: training.py's arithmetic, the
flags found in arrays, quoted blocks and command lines, variables, refusals; the schedule equal
to Megatron-core's own OptimizerParamScheduler (live, when megatron-core is installed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import lrplot
from lrplot import readers
from lrplot.cli import main
from lrplot.readers.run import RunFacts
from frameworks_oracle import RTOL_FLOAT64, assert_lr_close

BERT = Path(__file__).resolve().parent / "data" / "foreign" / "megatron" / \
    "train_bert_340m_distributed.sh"


def _read(path: Path, **facts) -> dict:
    doc, fmt = readers.load(str(path))
    figure, _ = readers.convert(doc, RunFacts(**facts), fmt)
    return figure.data


def _params(data: dict) -> dict:
    return {k: v for k, v in data["curves"][0].items() if k not in ("type", "label")}


def test_the_public_bert_script_as_training_py_builds_it():
    data = _read(BERT)
    assert data["steps"] == 1_000_001 and data["base_lr"] == 0.0001
    assert _params(data) == {
        "max_lr": 0.0001, "increment": 32, "lr_decay_steps": 990_000 * 32,
        "lr_warmup_steps": 0.01 * (990_000 * 32), "min_lr": 1e-5, "init_lr": 0.0,
        "lr_decay_style": "linear", "lr_wsd_decay_style": "exponential", "start_wd": 0.01,
        "end_wd": 0.01, "wd_incr_steps": 1_000_000 * 32, "wd_incr_style": "constant"}


GPT3 = BERT.parent / "train_gpt3_175b_distributed.sh"
T5 = BERT.parent / "train_t5_220m_distributed.sh"


def test_the_public_gpt3_and_t5_scripts_as_training_py_builds_them():
    """Bash arrays (GPT-3) and quoted blocks (T5); the warm-up fraction of lr_decay_iters and
    wd_incr_steps = train_iters x global batch, as training.py computes them."""
    gpt3, t5 = _read(GPT3), _read(T5)
    assert gpt3["steps"] == 11 and _params(gpt3) == {
        "max_lr": 6e-5, "increment": 64, "lr_decay_steps": 430_000 * 64,
        "lr_warmup_steps": 0.001 * (430_000 * 64), "min_lr": 6e-6, "init_lr": 0.0,
        "lr_decay_style": "cosine", "lr_wsd_decay_style": "exponential", "start_wd": 0.1,
        "end_wd": 0.1, "wd_incr_steps": 10 * 64, "wd_incr_style": "constant"}
    assert t5["steps"] == 1_000_001 and _params(t5)["lr_decay_steps"] == 1_000_000 * 512
    assert _params(t5)["lr_warmup_steps"] == 0.01 * (1_000_000 * 512)
    assert _params(t5)["lr_decay_style"] == "linear" and _params(t5)["min_lr"] == 1e-5


@pytest.mark.parametrize("script, steps", [(BERT, 12_000), (GPT3, 11), (T5, 12_000)],
                         ids=lambda v: getattr(v, "stem", str(v)))
def test_matches_megatron_core_on_the_public_scripts(script, steps):
    """Megatron-core's own OptimizerParamScheduler, built from what lrplot read: BERT's and
    T5's iterations around the end of the warm-up, GPT-3's whole (ten-iteration) run."""
    pytest.importorskip("megatron.core")
    from frameworks_oracle import megatron_series

    data = _read(script)
    params = _params(data)
    lr = lrplot.schedule("megatron.param_scheduler", steps=steps, base_lr=data["base_lr"],
                         **params)
    expected = megatron_series("megatron.param_scheduler", steps, data["base_lr"], params)["lr"]
    assert_lr_close(lr, expected, rtol=RTOL_FLOAT64)


def test_the_gpt3_example_stops_inside_its_warm_up_and_lint_says_so():
    """The public GPT-3 example trains 10 iterations of a schedule decaying over 430000: the
    run ends in the warm-up, at a fraction of --lr; lint points at --lr-decay-iters."""
    result = CliRunner().invoke(main, ["lint", str(GPT3)])
    assert result.exit_code == 0, result.output
    assert f"{GPT3}:44:22" in result.output, result.output
    assert "still in its warm-up of 430 iterations" in result.output
    assert "[megatron-run-ends-before-decay]" in result.output
    for quiet in (BERT, T5):
        assert "no warnings" in CliRunner().invoke(main, ["lint", str(quiet)]).output


SCRIPT = """#!/bin/bash
LR=3e-4
GBS=512
GPT_ARGS="
    --lr $LR \\\\
    --global-batch-size ${GBS} \\\\
    --train-samples 1024000 \\\\
    --lr-decay-style WSD \\\\
    --lr-wsd-decay-style minus_sqrt \\\\
    --lr-wsd-decay-samples 204800 \\\\
    --lr-warmup-samples 51200 \\\\
    --min-lr=3e-5 \\\\
"
# --lr 1.0  (a comment: ignored)
torchrun pretrain_gpt.py $GPT_ARGS --train-samples 2048000
"""


def test_quoted_blocks_variables_samples_and_the_last_flag_winning(tmp_path):
    path = tmp_path / "run.sh"
    path.write_text(SCRIPT)
    data = _read(path)
    params = _params(data)
    assert params["max_lr"] == 3e-4 and params["increment"] == 512
    assert params["lr_decay_steps"] == 2_048_000 and data["steps"] == 2_048_000 // 512 + 1
    assert params["wsd_decay_steps"] == 204_800 and params["lr_warmup_steps"] == 51_200
    assert params["min_lr"] == 3e-5 and params["lr_wsd_decay_style"] == "minus_sqrt"


@pytest.mark.parametrize("text,message", [
    ("torchrun pretrain_gpt.py --lr $(cat lr) --train-iters 10 --global-batch-size 8 "
     "--lr-decay-style cosine", "does not evaluate"),
    ("torchrun pretrain_gpt.py --lr 0.1 --train-iters 10 --lr-decay-style cosine",
     "--batch-size N"),
    ("torchrun pretrain_gpt.py --lr 0.1 --global-batch-size 8 --lr-decay-style cosine "
     "--lr-decay-iters 5", "--max-steps"),
    ("torchrun pretrain_gpt.py --lr 0.1 --train-iters 10 --global-batch-size 8 "
     "--lr-decay-style cosine --rampup-batch-size 16 16 100", "rampup"),
    ("torchrun pretrain_gpt.py --lr 0.1 --train-iters 10 --global-batch-size 8 "
     "--lr-decay-style cosin", "cosin"),
])
def test_refusals_name_the_flag(tmp_path, text, message):
    path = tmp_path / "run.sh"
    path.write_text(text + "\n")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and message in result.output, result.output
    assert f"{path}:1:" in result.output


def test_run_flags_override_the_script(tmp_path):
    data = _read(BERT, max_steps=2000, batch_size=64)
    params = _params(data)
    assert data["steps"] == 2001 and params["increment"] == 64
    assert params["lr_decay_steps"] == 990_000 * 64
