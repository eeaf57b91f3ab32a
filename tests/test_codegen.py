"""``lrplot code`` and :mod:`lrplot.codegen`: the emitted code, run against the real framework,
reproduces lrplot's series."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import lrplot
from lrplot import codegen, compute, schedules
from lrplot.cli import main

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "configs" / "article.yaml"

LINEAR_WARMUP = {"type": "linear", "start_factor": 0.1, "total_iters": 10}

# Curve mappings (a config's curves) covering every torch kind, defaults and non-defaults.
TORCH_CURVES = [
    {"type": "exponential", "gamma": 0.95, "steps": 60},
    {"type": "step", "step_size": 7, "steps": 40},  # gamma: torch's default
    {"type": "step", "step_size": 3, "gamma": 0.5, "base_lr": 1.0, "steps": 20},
    {"type": "multistep", "milestones": [200, 300, 320, 340, 200], "gamma": 0.8, "steps": 400},
    {"type": "multistep", "milestones": [0, 5], "steps": 10},
    {"type": "cosine", "T_max": 150, "steps": 400},
    {"type": "cosine", "T_max": 7, "eta_min": 0.05, "steps": 50},
    {"type": "constant", "steps": 20},
    {"type": "constant", "factor": 0.5, "total_iters": 7, "steps": 20},
    {"type": "linear", "start_factor": 0.25, "end_factor": 0.75, "total_iters": 9, "steps": 20},
    {"type": "polynomial", "total_iters": 30, "power": 2.0, "steps": 40},
    {"type": "cosine-restarts", "T_0": 10, "T_mult": 2, "eta_min": 0.001, "steps": 100},
    {"type": "lambda", "lr_lambda": "min(1.0, (epoch + 1) / 10)", "steps": 30},
    {"type": "lambda", "lr_lambda": "0.5 * (1 + cos(pi * step / 20))", "steps": 30},
    {"type": "multiplicative", "lr_lambda": "0.9 if x % 10 == 0 else 1.0", "steps": 30},
    {"type": "cyclic", "max_lr": 1.0, "step_size_up": 5, "steps": 40},
    {"type": "cyclic", "max_lr": 1.0, "step_size_up": 4, "step_size_down": 6,
     "mode": "exp_range", "gamma": 0.99, "steps": 40},
    {"type": "cyclic", "max_lr": 0.5, "step_size_up": 5, "scale_fn": "0.5 ** (x - 1)",
     "steps": 40},
    {"type": "onecycle", "max_lr": 0.1, "total_steps": 100, "steps": 100},
    {"type": "onecycle", "max_lr": 1.0, "epochs": 4, "steps_per_epoch": 10,
     "anneal_strategy": "linear", "three_phase": True, "steps": 40},
    {"type": "sequential", "milestones": [10],
     "schedulers": [LINEAR_WARMUP, {"type": "cosine", "T_max": 90}], "steps": 100},
    {"type": "sequential", "milestones": [5, 20],
     "schedulers": [{"type": "constant", "factor": 0.5}, {"type": "exponential", "gamma": 0.9},
                    {"type": "step", "step_size": 10, "gamma": 0.5}], "steps": 60},
    {"type": "plateau", "metric": "1 / epoch ** 0.5 + 0.2", "patience": 2, "steps": 40},
    {"type": "plateau", "metric": "1.0 if epoch < 5 else 2.0", "mode": "min", "factor": 0.5,
     "patience": 1, "cooldown": 2, "min_lr": 0.01, "steps": 40},
    {"type": "chained",
     "schedulers": [{"type": "constant", "factor": 0.5, "total_iters": 10},
                    {"type": "exponential", "gamma": 0.95}], "steps": 40},
    {"type": "sequential", "milestones": [30],  # a chained first child: torch's own quirks
     "schedulers": [{"type": "chained", "schedulers": [{"type": "exponential", "gamma": 0.99},
                                                       {"type": "cosine", "T_max": 20}]},
                    {"type": "cosine", "T_max": 30}],
     "steps": 60},
]

HF_CURVES = [
    {"type": "hf.constant", "steps": 10},
    {"type": "hf.constant_with_warmup", "num_warmup_steps": 5, "steps": 20},
    {"type": "hf.linear", "num_warmup_steps": 10, "num_training_steps": 100, "steps": 110},
    {"type": "hf.cosine", "num_warmup_steps": 10, "num_training_steps": 100, "steps": 120},
    {"type": "hf.cosine_with_restarts", "num_warmup_steps": 5, "num_training_steps": 100,
     "num_cycles": 3, "steps": 100},
    {"type": "hf.polynomial", "num_warmup_steps": 5, "num_training_steps": 50, "power": 2.0,
     "steps": 60},
    {"type": "hf.inverse_sqrt", "num_warmup_steps": 10, "steps": 50},
    {"type": "hf.cosine_with_min_lr", "num_warmup_steps": 5, "num_training_steps": 50,
     "min_lr": 1e-3, "steps": 50},
]


def _curves(mapping: dict) -> list:
    return lrplot.load({"curves": [mapping]}).curves


def _run_code(code: str) -> np.ndarray:
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "<lrplot code>", "exec"), namespace)  # noqa: S102
    return np.array(namespace["lrs"], dtype=float)


def _assert_same(actual: np.ndarray, expected: np.ndarray, code: str) -> None:
    assert actual.shape == expected.shape, code
    bad = ~np.isclose(actual, expected, rtol=1e-12, atol=1e-300)
    assert not bad.any(), f"first mismatch at step {int(np.argmax(bad))}\n{code}"


def _kind_available(name: str) -> bool:
    try:
        schedules.get(name)
    except schedules.UnknownKind:
        return False
    return True


@pytest.mark.parametrize("mapping", TORCH_CURVES, ids=lambda m: m["type"])
def test_emitted_torch_code_reproduces_the_series(mapping):
    pytest.importorskip("torch")
    if not _kind_available(mapping["type"]):
        pytest.skip(f"no kind {mapping['type']}")
    (curve,) = _curves(mapping)
    code = codegen.curve_code(curve)
    _assert_same(_run_code(code), compute.values(curve), code)


@pytest.mark.parametrize("mapping", HF_CURVES, ids=lambda m: m["type"])
def test_emitted_transformers_code_reproduces_the_series(mapping):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    if not _kind_available(mapping["type"]):
        pytest.skip(f"no kind {mapping['type']}")
    (curve,) = _curves(mapping)
    code = codegen.curve_code(curve)
    assert f"from transformers import {curve.kind.framework_class}" in code
    _assert_same(_run_code(code), compute.values(curve), code)


def test_every_torch_kind_has_a_code_case():
    """A new torch kind needs a case above (its emitted code is run against torch)."""
    covered = {schedules.get(m["type"]).name for m in TORCH_CURVES
               if _kind_available(m["type"])}
    torch_kinds = {k.name for k in schedules.all_kinds() if k.framework == "torch"}
    assert torch_kinds - covered == set()


def _run_figure(code: str) -> dict:
    namespace: dict = {"__name__": "lrplot_code"}  # not __main__: nothing printed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "<lrplot code>", "exec"), namespace)  # noqa: S102
        return {label: np.array(build(), dtype=float)
                for label, build in namespace["SCHEDULES"].items()}


def test_the_article_figure_becomes_one_script_with_a_function_per_curve():
    pytest.importorskip("torch")
    spec = lrplot.load(str(ARTICLE))
    code = codegen.figure_code(spec)
    assert code.count("import torch\n") == 1 and code.count("\ndef ") == 11
    series = _run_figure(code)
    assert len(series) == len(spec.curves) == 11
    for panel in spec.panels:
        for curve in panel.curves:
            _assert_same(series[f"{panel.title}: {curve.label}"], compute.values(curve), code)


def test_one_script_across_frameworks_runs_against_the_real_libraries():
    """torch, transformers, Keras (and timm where it imports) curves in one figure: one script,
    imports once, every function's lrs equal to lrplot's series (Keras within float32)."""
    import importlib
    import os

    os.environ.setdefault("KERAS_BACKEND", "torch")
    for module in ("torch", "transformers", "keras"):
        pytest.importorskip(module)
    from frameworks_oracle import RTOL_FLOAT32, assert_lr_close

    second = [{"type": "keras.cosine_decay", "decay_steps": 60}, {"type": "cosine", "T_max": 30}]
    try:
        importlib.import_module("timm.scheduler")
        second.append({"type": "timm.cosine", "t_initial": 60, "warmup_t": 5})
    except ImportError:  # timm needs torchvision; .ci/run installs both
        pass
    spec = lrplot.load({"steps": 60, "panels": [
        {"title": "a", "curves": [{"type": "cosine", "T_max": 30},
                                  {"type": "hf.cosine", "num_warmup_steps": 5,
                                   "num_training_steps": 60}]},
        {"title": "b", "curves": second}]})
    code = codegen.figure_code(spec)
    assert code.count("import torch\n") == 1 and code.count("import keras\n") == 1
    series = _run_figure(code)
    assert len(series) == len(spec.curves)
    for panel in spec.panels:
        for curve in panel.curves:
            actual = series[f"{panel.title}: {curve.label}"]
            if curve.kind.framework == "keras":
                assert_lr_close(actual, compute.values(curve), rtol=RTOL_FLOAT32, context=code)
            else:
                _assert_same(actual, compute.values(curve), code)


def test_the_same_curve_in_two_panels_gets_two_entries():
    spec = lrplot.load({"steps": 20, "panels": [
        {"title": "zoom", "curves": [{"type": "cosine", "T_max": 10}]},
        {"title": "zoom", "curves": [{"type": "cosine", "T_max": 10}]}]})
    code = codegen.figure_code(spec)
    compile(code, "<code>", "exec")
    assert "'zoom: CosineAnnealingLR(T_max=10) (2)': cosine_2" in code


def test_defaults_are_left_out_and_names_are_torchs():
    (curve,) = _curves({"type": "cosine", "T_max": 150, "steps": 400})
    code = codegen.curve_code(curve)
    assert "scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=150)\n" \
        in code
    assert "optimizer = torch.optim.SGD(params, lr=0.1)" in code
    assert "for step in range(1, 400):" in code


def test_expressions_become_lambdas_with_their_math_imports():
    (curve,) = _curves({"type": "lambda", "lr_lambda": "0.5 * (1 + cos(pi * step / 20))"})
    code = codegen.curve_code(curve)
    assert "from math import cos, pi" in code
    assert "lr_lambda=lambda step: 0.5 * (1 + cos(pi * step / 20))" in code


def test_a_lambda_mixing_variable_names_still_runs():
    pytest.importorskip("torch")
    (curve,) = _curves({"type": "lambda", "lr_lambda": "0.9 ** epoch + 0 * step * x",
                        "steps": 12})
    code = codegen.curve_code(curve)
    _assert_same(_run_code(code), compute.values(curve), code)


def test_cli_code_from_flags_and_config(tmp_path):
    result = CliRunner().invoke(main, ["code", "cosine", "--t-max", "150"])
    assert result.exit_code == 0, result.output
    assert "CosineAnnealingLR(optimizer, T_max=150)" in result.stdout
    compile(result.stdout, "<stdout>", "exec")
    config = tmp_path / "w.yaml"
    warmup_cosine = next(m for m in TORCH_CURVES if m["type"] == "sequential")
    config.write_text(json.dumps({"steps": 100, "curves": [warmup_cosine]}))
    result = CliRunner().invoke(main, ["code", str(config)])
    assert result.exit_code == 0, result.output
    assert "SequentialLR(optimizer, schedulers=[scheduler_0, scheduler_1], milestones=[10])" \
        in result.stdout
    compile(result.stdout, "<stdout>", "exec")


def test_cli_code_sweep_emits_every_curve():
    result = CliRunner().invoke(main, ["code", "exponential", "--gamma", "0.9,0.95"])
    assert result.stdout.count("ExponentialLR(optimizer, gamma=") == 2
    assert result.stdout.count("import torch") == 1
    compile(result.stdout, "<stdout>", "exec")


KERAS_CURVES = [
    {"type": "keras.exponential_decay", "decay_steps": 10, "decay_rate": 0.5, "steps": 50},
    {"type": "keras.piecewise_constant_decay", "boundaries": [10, 20], "values": [0.1, 0.05, 0.01],
     "steps": 30},
    {"type": "keras.polynomial_decay", "decay_steps": 20, "power": 2.0, "steps": 30},
    {"type": "keras.inverse_time_decay", "decay_steps": 5, "decay_rate": 0.5, "steps": 30},
    {"type": "keras.cosine_decay", "decay_steps": 30, "alpha": 0.1, "steps": 40},
    {"type": "keras.cosine_decay_restarts", "first_decay_steps": 10, "steps": 50},
]

TIMM_CURVES = [
    {"type": "timm.cosine", "t_initial": 10, "updates_per_epoch": 3, "steps": 40},
    {"type": "timm.cosine", "t_initial": 5, "warmup_t": 2, "warmup_lr_init": 0.001,
     "cycle_limit": 2, "steps": 15},
    {"type": "timm.tanh", "t_initial": 10, "steps": 12},
    {"type": "timm.poly", "t_initial": 10, "power": 2.0, "steps": 12},
    {"type": "timm.step", "decay_t": 3, "decay_rate": 0.5, "steps": 12},
    {"type": "timm.multistep", "decay_t": [3, 6], "decay_rate": 0.5, "steps": 12},
]


@pytest.mark.parametrize("mapping", KERAS_CURVES, ids=lambda m: m["type"])
def test_emitted_keras_code_reproduces_the_series(mapping):
    import os

    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    from frameworks_oracle import RTOL_FLOAT32, assert_lr_close

    if not _kind_available(mapping["type"]):
        pytest.skip(f"no kind {mapping['type']}")
    (curve,) = _curves(mapping)
    code = codegen.curve_code(curve)
    assert f"keras.optimizers.schedules.{curve.kind.framework_class}(" in code
    assert_lr_close(_run_code(code), compute.values(curve), rtol=RTOL_FLOAT32, context=code)


@pytest.mark.parametrize("mapping", TIMM_CURVES, ids=lambda m: m["type"])
def test_emitted_timm_code_reproduces_the_series(mapping):
    pytest.importorskip("torch")
    if not _kind_available(mapping["type"]):
        pytest.skip(f"no kind {mapping['type']}")
    from frameworks_oracle import timm_scheduler_module

    (curve,) = _curves(mapping)
    code = codegen.curve_code(curve)
    module = code.split("from timm.scheduler.", 1)[1].split(" ", 1)[0]
    try:
        timm_scheduler_module(module)  # timm without torchvision: its scheduler modules only
    except ImportError:
        pytest.skip("timm is not installed")
    _assert_same(_run_code(code), compute.values(curve), code)


def test_a_plateau_metric_from_a_file(tmp_path):
    pytest.importorskip("torch")
    metrics = tmp_path / "val.csv"
    metrics.write_text("epoch,val_loss\n" + "".join(f"{i},{v}\n" for i, v in
                                                  enumerate([3, 2, 2, 2, 2, 1, 1, 1, 1, 1], 1)))
    (curve,) = _curves({"type": "plateau", "metric_file": str(metrics), "patience": 1,
                        "steps": 11})
    code = codegen.curve_code(curve)
    assert "import csv" in code
    _assert_same(_run_code(code), compute.values(curve), code)


# Curves stepped once per epoch (interval: epoch): the emitted loop steps the scheduler every
# steps_per_epoch iterations, as lrplot's series holds each value for an epoch's iterations.
EPOCH_CURVES = [
    {"type": "cosine", "T_max": 10, "steps": 75},  # 75 is not a multiple of 7: a partial epoch
    {"type": "step", "step_size": 3, "gamma": 0.5, "steps": 70},
    {"type": "sequential", "milestones": [2],
     "schedulers": [LINEAR_WARMUP, {"type": "exponential", "gamma": 0.8}], "steps": 60},
    {"type": "plateau", "metric": "1.0 if epoch < 3 else 2.0", "patience": 1, "steps": 60},
    {"type": "hf.cosine", "num_warmup_steps": 2, "num_training_steps": 10, "steps": 70},
]


@pytest.mark.parametrize("mapping", EPOCH_CURVES, ids=lambda m: m["type"])
def test_an_epoch_stepped_curve_is_stepped_once_per_epoch(mapping):
    pytest.importorskip("torch")
    if mapping["type"].startswith("hf."):
        pytest.importorskip("transformers")
    (curve,) = lrplot.load({"steps_per_epoch": 7, "interval": "epoch",
                            "curves": [mapping]}).curves
    assert curve.interval == "epoch" and curve.steps_per_epoch == 7
    code = codegen.curve_code(curve)
    assert "if step % steps_per_epoch == 0:" in code
    lrs = _run_code(code)
    _assert_same(lrs, compute.values(curve), code)
    assert len(set(lrs[:7])) == 1  # the first epoch holds lr[0], step for step


def test_an_epoch_stepped_keras_and_timm_curve():
    import importlib
    import os

    os.environ.setdefault("KERAS_BACKEND", "torch")
    from frameworks_oracle import timm_scheduler_module

    keras = {"type": "keras.exponential_decay", "decay_steps": 3, "decay_rate": 0.5,
             "steps": 40}
    timm = {"type": "timm.step", "decay_t": 2, "decay_rate": 0.5, "updates_per_epoch": 2,
            "steps": 40}
    ran = 0
    for mapping in (keras, timm):
        if not _kind_available(mapping["type"]):
            continue
        (curve,) = lrplot.load({"steps_per_epoch": 5, "interval": "epoch",
                                "curves": [mapping]}).curves
        code = codegen.curve_code(curve)
        assert "steps_per_epoch = 5" in code
        try:  # timm without torchvision: its scheduler modules only
            if mapping is timm:
                timm_scheduler_module(code.split("from timm.scheduler.", 1)[1].split(" ")[0])
            else:
                importlib.import_module("keras")
        except ImportError:
            continue
        np.testing.assert_allclose(_run_code(code), compute.values(curve), rtol=1e-6, err_msg=code)
        ran += 1
    if not ran:
        pytest.skip("neither keras nor timm is installed")


def test_cli_code_for_an_epoch_stepped_config(tmp_path):
    pytest.importorskip("torch")
    config = tmp_path / "epochs.yaml"
    config.write_text("steps_per_epoch: 4\ninterval: epoch\ncurves:\n"
                      "  - {type: cosine, T_max: 5, steps: 30}\n")
    result = CliRunner().invoke(main, ["code", str(config)])
    assert result.exit_code == 0, result.output
    (curve,) = lrplot.load(str(config)).curves
    (lrs,) = _run_figure(result.stdout).values()
    _assert_same(lrs, compute.values(curve), result.stdout)


def test_code_for_a_lightning_cli_config_steps_as_lightnings_trainer(tmp_path):
    """A LightningCLI YAML read with Lightning's default epoch interval: the emitted loop's
    ``lrs`` equal the lr of every optimizer step the real Trainer takes."""
    pytest.importorskip("pytorch_lightning")
    import yaml
    from test_readers_lightning import CASES, lightning_lrs

    cfg, examples, interval = CASES[0]  # StepLR per epoch, gradient accumulation 2
    assert interval == "epoch"
    expected, _ = lightning_lrs(cfg, examples, interval)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    result = CliRunner().invoke(main, ["code", str(path), "--dataset-size", str(examples)])
    assert result.exit_code == 0, result.output
    assert "if step % steps_per_epoch == 0:" in result.stdout
    (lrs,) = _run_figure(result.stdout).values()
    _assert_same(lrs, np.array(expected, dtype=float), result.stdout)


NEMO_CURVES = [
    {"type": "nemo.cosine_annealing", "max_steps": 40, "warmup_steps": 5, "min_lr": 0.001,
     "steps": 50},
    {"type": "nemo.cosine_annealing", "max_steps": 40, "warmup_steps": 5, "constant_steps": 10,
     "steps": 50},
    {"type": "nemo.noam_annealing", "d_model": 256, "warmup_steps": 10, "base_lr": 2.0,
     "steps": 40},
    {"type": "nemo.polynomial_hold_decay_annealing", "max_steps": 40, "warmup_ratio": 0.1,
     "hold_ratio": 0.3, "power": 2.0, "steps": 45},
    {"type": "nemo.t5_inverse_square_root_annealing", "max_steps": 40, "constant_steps": 4,
     "steps": 45},
    {"type": "nemo.warmup_hold_anneal_linear", "max_steps": 40, "warmup_steps": 4,
     "hold_steps": 6, "last_epoch": 9, "steps": 30},
]


@pytest.mark.parametrize("mapping", NEMO_CURVES, ids=lambda m: m["type"])
def test_emitted_nemo_code_reproduces_the_series(mapping):
    pytest.importorskip("torch")
    from frameworks_oracle import nemo_lr_scheduler

    try:
        nemo_lr_scheduler()  # nemo_toolkit without Lightning: its lr_scheduler module only
    except ImportError:
        pytest.skip("NeMo's lr_scheduler module cannot be loaded")
    (curve,) = _curves(mapping)
    code = codegen.curve_code(curve)
    assert f"from nemo.core.optim.lr_scheduler import {curve.kind.framework_class}" in code
    _assert_same(_run_code(code), compute.values(curve), code)


DEEPSPEED_CURVES = [
    {"type": "deepspeed.warmup", "warmup_num_steps": 10, "steps": 20},
    {"type": "deepspeed.warmup", "warmup_num_steps": 10, "warmup_type": "linear",
     "warmup_min_lr": 0.01, "warmup_max_lr": 0.5, "steps": 20},
    {"type": "deepspeed.warmup_decay", "total_num_steps": 30, "warmup_num_steps": 6,
     "steps": 40},
    {"type": "deepspeed.warmup_cosine", "total_num_steps": 30, "warmup_num_steps": 6,
     "warmup_min_ratio": 0.1, "steps": 40},
    {"type": "deepspeed.one_cycle", "cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3,
     "cycle_first_step_size": 8, "cycle_first_stair_count": 2, "decay_lr_rate": 0.5,
     "decay_step_size": 3, "steps": 40},
    {"type": "deepspeed.range_test", "lr_range_test_step_size": 5,
     "lr_range_test_staircase": True, "steps": 30},
]


MEGATRON_CURVES = [
    {"type": "megatron.param_scheduler", "lr_decay_steps": 400, "lr_warmup_steps": 40,
     "lr_decay_style": style, "wsd_decay_steps": 100, "increment": 4, "min_lr": 0.001,
     "init_lr": 0.01, "steps": 120}
    for style in ("constant", "linear", "cosine", "inverse-square-root", "WSD")
] + [{"type": "megatron.param_scheduler", "lr_decay_steps": 1000, "lr_warmup_steps": 12.5,
      "max_lr": 0.3, "lr_decay_style": "WSD", "wsd_decay_steps": 300,
      "lr_wsd_decay_style": "minus_sqrt", "start_wd": 0.0, "end_wd": 0.1,
      "wd_incr_style": "cosine", "steps": 1100}]


TRAINER_CURVES = [(m, "deepspeed.runtime.lr_schedules",
                   "from deepspeed.runtime.lr_schedules import ") for m in DEEPSPEED_CURVES] + [
    (m, "megatron.core.optimizer_param_scheduler", "scheduler.step(increment=global_batch_size)")
    for m in MEGATRON_CURVES]


@pytest.mark.parametrize("mapping, module, line", TRAINER_CURVES,
                         ids=[f"{m['type']}-{i}" for i, (m, _, _) in enumerate(TRAINER_CURVES)])
def test_emitted_deepspeed_and_megatron_code_reproduces_the_series(mapping, module, line):
    """DeepSpeed's own classes and Megatron-core's OptimizerParamScheduler, run as emitted."""
    pytest.importorskip("torch")
    pytest.importorskip(module)
    (curve,) = _curves(mapping)
    code = codegen.curve_code(curve)
    assert line in code
    _assert_same(_run_code(code), compute.values(curve), code)
