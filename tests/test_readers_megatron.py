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


def test_matches_megatron_core_on_the_public_script():
    pytest.importorskip("megatron.core")
    from frameworks_oracle import megatron_series

    params = _params(_read(BERT))
    # iterations around the end of the warm-up (9900) and of the decay (990000)
    lr = lrplot.schedule("megatron.param_scheduler", steps=12_000, base_lr=1e-4, **params)
    expected = megatron_series("megatron.param_scheduler", 12_000, 1e-4, params)["lr"]
    assert_lr_close(lr, expected, rtol=RTOL_FLOAT64)


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
