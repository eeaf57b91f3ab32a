"""torchtitan TOML job configs and nanoGPT configs / command lines, read as data and compared
with the trainers' own code: torchtitan's LRSchedulersContainer (live, when torchtitan is
installed) and nanoGPT's get_lr (a verbatim copy, tests/trainers_oracle.py), driven for the
steps the trainer takes. The real configs under tests/data/foreign/{torchtitan,nanogpt} name
their repository, path and commit in their first line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import trainers_oracle as oracle
from lrplot.cli import main

FOREIGN = Path(__file__).resolve().parent / "data" / "foreign"


def compare(path, *flags):
    out = Path(str(path) + ".out.json") if not isinstance(path, Path) else \
        path.parent / (path.name + ".out.json")
    result = CliRunner().invoke(main, ["compare", str(path), *flags, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    out.unlink()
    [curve] = data["panels"][0]["curves"]
    return np.array(curve["lr"]), curve


def lint(path, *flags):
    result = CliRunner().invoke(main, ["lint", str(path), "--format", "json", *flags])
    assert result.exit_code == 0, result.output
    start = result.stdout.index("[")
    return {w["rule"]: w for w in json.loads(result.stdout[start:result.stdout.rindex("]") + 1])}


def fail(path, *flags):
    out = Path(str(path) + ".json")
    result = CliRunner().invoke(main, ["compare", str(path), *flags, "-o", str(out)])
    assert not out.exists()
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


# -- torchtitan --------------------------------------------------------------------------------

TITAN = {"base_config.toml": (10, 8e-4, {"warmup_steps": 2, "decay_ratio": 0.8,
                                          "decay_type": "linear", "min_lr_factor": 0.0}),
         "llama3_8b.toml": (1000, 3e-4, {"warmup_steps": 200})}


@pytest.mark.parametrize("name", TITAN)
def test_torchtitan_configs(tmp_path, name):
    steps, lr, params = TITAN[name]
    series, curve = compare(FOREIGN / "torchtitan" / name)
    assert len(series) == steps + 1  # the lr after the last step is included
    try:
        oracle.torchtitan_module()
    except ImportError:
        pytest.skip("torchtitan is not installed")
    expected = oracle.torchtitan_lrs("torchtitan.wsd", steps + 1, lr,
                                     {"training_steps": steps, **params})
    np.testing.assert_array_equal(series, expected)


def test_torchtitan_legacy_lr_min_and_lint(tmp_path):
    path = tmp_path / "job.toml"
    path.write_text("[optimizer]\nlr = 1e-3\n\n[lr_scheduler]\nwarmup_steps = 30\n"
                    "decay_ratio = 0.9\ndecay_type = \"cosine\"\nlr_min = 0.1\n\n"
                    "[training]\nsteps = 100\n")
    series, _ = compare(path)
    assert series[29] == 1e-3 and series[100] == pytest.approx(1e-4)
    found = lint(path)
    rule = found["warmup-plus-decay-longer-than-run"]
    assert rule["where"].startswith(f"{path}:6:1")
    assert "shortens the decay to 70 steps" in rule["message"]


def test_torchtitan_rules_2025_03(tmp_path):
    path = tmp_path / "old.toml"
    path.write_text("[optimizer]\nlr = 8e-4\n[lr_scheduler]\nwarmup_steps = 2\n"
                    "decay_ratio = 0.8\nlr_min = 0.0\n[training]\nsteps = 10\n")
    series, _ = compare(path, "--rules", "2025-03")
    expected = oracle.torchtitan_lrs("torchtitan.wsd", 11, 8e-4, {
        "training_steps": 10, "warmup_steps": 2, "decay_ratio": 0.8, "formula": "2025-03"})
    np.testing.assert_array_equal(series, expected)
    assert series[0] == 8e-4 / 3  # (0 + 1) / (2 + 1)
    assert "2025-06, 2025-03" in fail(path, "--rules", "4")


def test_torchtitan_max_steps_and_errors(tmp_path):
    series, _ = compare(FOREIGN / "torchtitan" / "llama3_8b.toml", "--max-steps", "400")
    assert len(series) == 401
    bad = tmp_path / "bad.toml"
    bad.write_text("[lr_scheduler]\nwarmup_step = 10\n[training]\nsteps = 50\n")
    assert "bad.toml:2:1" in fail(bad) and "warmup_steps" in fail(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("[training\nsteps = 5\n")
    assert "not valid TOML" in fail(broken)
    negative = tmp_path / "neg.toml"
    negative.write_text("[lr_scheduler]\nwarmup_steps = -3\n[training]\nsteps = 50\n")
    assert "neg.toml:2:1" in fail(negative)


# -- nanoGPT -----------------------------------------------------------------------------------

NANO = {"train_shakespeare_char.py": (5000, 1e-3, {"warmup_iters": 100, "lr_decay_iters": 5000,
                                                    "min_lr": 1e-4}),
        "train_gpt2.py": (600000, 6e-4, {"lr_decay_iters": 600000}),
        "finetune_shakespeare.py": (20, 3e-5, {"decay_lr": False})}


@pytest.mark.parametrize("name", NANO)
def test_nanogpt_configs(name):
    max_iters, lr, params = NANO[name]
    series, _ = compare(FOREIGN / "nanogpt" / name)
    expected = oracle.nanogpt_lrs("nanogpt.cosine", max_iters + 1, lr, params)
    np.testing.assert_array_equal(series, expected)  # iterations 0..max_iters, bit for bit


def test_nanogpt_command_line_overrides(tmp_path):
    (tmp_path / "config").mkdir()
    config = tmp_path / "config" / "run.py"
    config.write_text("max_iters = 2000\nlearning_rate = 1e-3\nwarmup_iters = 10 * 10\n"
                      "lr_decay_iters = max_iters\nimport os\nos.system('touch pwned')\n")
    script = tmp_path / "launch.sh"
    script.write_text("#!/bin/sh\ntorchrun --standalone --nproc_per_node=8 \\\n"
                      "  train.py config/run.py --max_iters=3000 --min_lr=1e-5\n")
    series, _ = compare(script)
    expected = oracle.nanogpt_lrs("nanogpt.cosine", 3001, 1e-3, {
        "warmup_iters": 100, "lr_decay_iters": 2000, "min_lr": 1e-5})
    np.testing.assert_array_equal(series, expected)
    assert not (tmp_path / "pwned").exists()
    found = lint(script)
    assert "the last 1000 iterations train at min_lr" in found["decay-ends-before-run"]["message"]


def test_nanogpt_errors(tmp_path):
    script = tmp_path / "run.sh"
    script.write_text("python train.py config/missing.py\n")
    assert "not found" in fail(script)
    bad = tmp_path / "bad.py"
    bad.write_text("max_iters = 'many'\nlr_decay_iters = 10\n")
    assert "bad.py:1:1" in fail(bad)
    syntax = tmp_path / "syntax.py"
    syntax.write_text("max_iters = (\n")
    assert "not valid Python" in fail(syntax)


def test_nanogpt_code_is_not_run_and_what_is_skipped_is_said(tmp_path):
    path = tmp_path / "cfg.py"
    path.write_text("max_iters = 10**10**10\nlr_decay_iters = int(open('x').read())\n"
                    "warmup_iters = 2 ** 4\n")
    result = CliRunner().invoke(main, ["compare", str(path), "--explain", "-o",
                                       str(tmp_path / "o.json")])
    assert result.exit_code == 0, result.output
    assert f"note: {path}:1: max_iters is not a literal" in result.output
    assert f"note: {path}:2: lr_decay_iters" in result.output
    assert "warmup_iters = 16" in result.output


def test_nanogpt_lint_outlives(tmp_path):
    path = tmp_path / "cfg.py"
    path.write_text("max_iters = 1000\nlr_decay_iters = 5000\nwarmup_iters = 100\n")
    found = lint(path)
    assert found["decay-outlives-run"]["where"].startswith(f"{path}:2:1")
