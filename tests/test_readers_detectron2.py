"""detectron2's yacs YAML configs read as DefaultTrainer reads them: real configs from
facebookresearch/detectron2 (tests/data/detectron2/PROVENANCE.md), merged with their _BASE_ by
fvcore's own CfgNode and built by detectron2's build_lr_scheduler (tests/detectron2_port.py),
compared iteration by iteration; the _BASE_ rules, yacs' refusals and the lint rules."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from lrplot.cli import main
from test_readers_trainers import fail

CONFIGS = Path(__file__).resolve().parent / "data" / "detectron2" / "configs"


def compare(path, *flags):
    out = Path(str(path) + ".out.json")
    result = CliRunner().invoke(main, ["compare", str(path), *flags, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    out.unlink()
    return data["panels"][0]["curves"]


def lint(path, *flags):
    result = CliRunner().invoke(main, ["lint", str(path), "--format", "json", *flags])
    assert result.exit_code in (0, 1), result.output
    text = result.stdout
    if "[" not in text:
        return {}
    return {w["rule"]: w for w in json.loads(text[text.index("["):text.rindex("]") + 1])}


def _samples(max_iter: int, *edges: int) -> list[int]:
    picked = {0, 1, max_iter - 1, *range(0, max_iter, max(1, max_iter // 97))}
    for e in edges:
        picked.update(i for i in range(e - 2, e + 3) if 0 <= i < max_iter)
    return sorted(picked)


def _against_port(path: Path, curve: dict, world_size: int | None = None) -> None:
    pytest.importorskip("fvcore")
    pytest.importorskip("torch")
    port = pytest.importorskip("detectron2_port")
    cfg = port.load_yacs(str(path), world_size)
    lr = np.array(curve["lr"])
    assert len(lr) == cfg.SOLVER.MAX_ITER
    at = _samples(cfg.SOLVER.MAX_ITER, cfg.SOLVER.WARMUP_ITERS, *cfg.SOLVER.STEPS)
    np.testing.assert_array_equal(lr[at], port.lrs_at(cfg, at))


@pytest.mark.parametrize("name,max_iter,steps", [
    ("COCO-Detection/faster_rcnn_R_50_FPN_1x.yaml", 90000, [60000, 80000]),
    ("COCO-Detection/faster_rcnn_R_50_FPN_3x.yaml", 270000, [210000, 250000]),
    ("Base-RCNN-FPN.yaml", 90000, [60000, 80000])])
def test_real_configs_match_build_lr_scheduler(name, max_iter, steps):
    [curve] = compare(CONFIGS / name)
    schedule = curve["schedule"]
    assert schedule["type"] == "detectron2.solver"
    assert schedule["max_iter"] == max_iter and schedule["solver_steps"] == steps
    assert schedule["base_lr"] == 0.02 and schedule["warmup_iters"] == 1000  # the default
    _against_port(CONFIGS / name, curve)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_solver_keys_override_the_base_and_strings_are_literals(tmp_path):
    _write(tmp_path, "Base.yaml", "SOLVER:\n  BASE_LR: 0.02\n  STEPS: (600, 800)\n"
                                  "  MAX_ITER: 900\nMODEL:\n  MASK_ON: True\n")
    _write(tmp_path, "extra.yaml", "SOLVER:\n  WARMUP_ITERS: 50\n  GAMMA: 0.5\n")
    path = _write(tmp_path, "sub/cosine.yaml",
                  '_BASE_: ["../Base.yaml", "../extra.yaml"]\nSOLVER:\n'
                  '  LR_SCHEDULER_NAME: "WarmupCosineLR"\n  BASE_LR_END: 0.0002\n'
                  '  WARMUP_METHOD: constant\n  MAX_ITER: 1000\n')
    [curve] = compare(path)
    s = curve["schedule"]
    assert (s["max_iter"], s["warmup_iters"], s["gamma"], s["lr_scheduler_name"]) == \
        (1000, 50, 0.5, "WarmupCosineLR")
    _against_port(path, curve)


@pytest.mark.parametrize("solver", [
    "LR_SCHEDULER_NAME: WarmupStepWithFixedGammaLR\n  NUM_DECAYS: 2\n  GAMMA: 0.5\n"
    "  MAX_ITER: 300\n  WARMUP_ITERS: 30\n  BASE_LR: 0.01\n",
    "MAX_ITER: 500\n  STEPS: (100, 400, 700)\n  RESCALE_INTERVAL: True\n  WARMUP_ITERS: 40\n"
    "  BASE_LR: 0.01\n",
    "MAX_ITER: 2000\n  STEPS: (1000,)\n  REFERENCE_WORLD_SIZE: 8\n  IMS_PER_BATCH: 16\n"
    "  BASE_LR: 0.01\n  WARMUP_ITERS: 333\n"])
def test_solver_variants_match_build_lr_scheduler(tmp_path, solver):
    path = _write(tmp_path, "c.yaml", "SOLVER:\n  " + solver)
    _against_port(path, compare(path)[0])


def test_reference_world_size_scales_as_auto_scale_workers(tmp_path):
    path = _write(tmp_path, "c.yaml", "SOLVER:\n  MAX_ITER: 2000\n  STEPS: (1000, 1500)\n"
                                      "  REFERENCE_WORLD_SIZE: 8\n  IMS_PER_BATCH: 16\n"
                                      "  BASE_LR: 0.01\n  WARMUP_ITERS: 333\n")
    [curve] = compare(path, "--world-size", "16")
    s = curve["schedule"]
    assert (s["max_iter"], s["warmup_iters"], s["solver_steps"], s["base_lr"]) == \
        (1000, 166, [500, 750], 0.02)  # round(333 / 2) = 166: Python rounds half to even
    _against_port(path, curve, world_size=16)


def test_bias_lr_factor_gives_the_bias_group_its_own_curve(tmp_path):
    path = _write(tmp_path, "c.yaml", "SOLVER:\n  MAX_ITER: 100\n  STEPS: (50,)\n"
                                      "  WARMUP_ITERS: 10\n  BASE_LR: 0.01\n"
                                      "  BIAS_LR_FACTOR: 2.0\n")
    params, bias = compare(path)
    assert (params["label"], bias["label"]) == ("params", "bias")
    np.testing.assert_allclose(np.array(bias["lr"]), 2 * np.array(params["lr"]), rtol=1e-15)


def test_base_cycle_is_refused(tmp_path):
    _write(tmp_path, "a.yaml", '_BASE_: "b.yaml"\nSOLVER:\n  MAX_ITER: 10\n')
    path = _write(tmp_path, "b.yaml", '_BASE_: "a.yaml"\nMODEL: {}\n')
    out = fail(path)
    assert "cycle" in out and "b.yaml -> a.yaml -> b.yaml" in out


@pytest.mark.parametrize("text,message", [
    ('_BASE_: "missing.yaml"\nSOLVER: {}\n', "no such file"),
    ('_BASE_: "https://example.com/x.yaml"\nSOLVER: {}\n', "a YAML file at hand"),
    ("SOLVER:\n  MAX_ITERS: 10\n", "Non-existent config key: SOLVER.MAX_ITERS; did you mean"),
    ("SOLVER:\n  BASE_LR: 1\n", "SOLVER.BASE_LR: int 1 where detectron2's default is float"),
    ("SOLVER:\n  MAX_ITER: 100\n  STEPS: (50, 100)\n  WARMUP_ITERS: 5\n",
     "equals MAX_ITER"),
    ("SOLVER:\n  MAX_ITER: 0\n", "c.yaml:2:3.*max_iter"),
    ("SOLVER:\n  LR_SCHEDULER_NAME: WarmupPolyLR\n", "WarmupPolyLR"),
    ("SOLVER: 3\n", "expected a mapping of SOLVER keys"),
])
def test_bad_configs_are_refused_at_their_line(tmp_path, text, message):
    import re

    path = _write(tmp_path, "c.yaml", text)
    out = fail(path)
    assert re.search(message, out), out
    assert "c.yaml" in out


def test_epochs_are_not_detectron2s(tmp_path):
    path = _write(tmp_path, "c.yaml", "SOLVER:\n  MAX_ITER: 100\n  STEPS: (50,)\n"
                                      "  WARMUP_ITERS: 10\n")
    assert "--max-steps" in fail(path, "--epochs", "3")
    [curve] = compare(path, "--max-steps", "200")
    assert len(curve["lr"]) == 200


# -- lint -----------------------------------------------------------------------------------


def test_lint_clean_on_the_real_configs():
    for name in ("COCO-Detection/faster_rcnn_R_50_FPN_1x.yaml",
                 "COCO-Detection/faster_rcnn_R_50_FPN_3x.yaml"):
        found = lint(CONFIGS / name)
        assert not {"steps-beyond-max-iter", "warmup-longer-than-first-step",
                    "where-epsilon-moves-steps"} & set(found), found


def test_lint_steps_beyond_max_iter(tmp_path):
    path = _write(tmp_path, "c.yaml", "SOLVER:\n  MAX_ITER: 1000\n  STEPS: (600, 1200)\n"
                                      "  WARMUP_ITERS: 10\n")
    found = lint(path)
    assert "[1200]" in found["steps-beyond-max-iter"]["message"]


def test_lint_warmup_longer_than_first_step(tmp_path):
    path = _write(tmp_path, "c.yaml", "SOLVER:\n  MAX_ITER: 1000\n  STEPS: (100, 800)\n"
                                      "  WARMUP_ITERS: 200\n")
    assert "warmup-longer-than-first-step" in lint(path)


def test_lint_epsilon_at_a_million_iterations(tmp_path):
    path = _write(tmp_path, "c.yaml", "SOLVER:\n  MAX_ITER: 1080000\n"
                                      "  STEPS: (720000, 960000)\n")
    message = lint(path)["where-epsilon-moves-steps"]["message"]
    assert "warm-up ends at iteration 999, not 1000" in message
    assert "the decay at 720000 comes at iteration 719999" in message
    clean = _write(tmp_path, "d.yaml", "SOLVER:\n  MAX_ITER: 270000\n"
                                       "  STEPS: (210000, 250000)\n")
    assert "where-epsilon-moves-steps" not in lint(clean)


# -- LazyConfig .py, read as data -----------------------------------------------------------


def _lazy_against_port(curve: dict, max_iter: int, base_lr: float) -> None:
    pytest.importorskip("fvcore")
    pytest.importorskip("torch")
    port = pytest.importorskip("detectron2_port")
    schedule = curve["schedule"]
    multiplier = port.param_scheduler(schedule["multiplier"][0])
    scheduler = port.classes()["LRMultiplier"](port._optimizer(base_lr), multiplier, max_iter)
    lr = np.array(curve["lr"])
    assert len(lr) == max_iter
    child = schedule["multiplier"][0]["scheduler"][0]
    edges = [int(child["num_updates"] and m * max_iter / child["num_updates"] or m)
             for m in child["milestones"]]
    at = _samples(max_iter, *edges, round(schedule["multiplier"][0]["warmup_length"] * max_iter))
    expected = []
    for i in at:
        scheduler.last_epoch = i
        expected.append(scheduler.get_lr()[0])
    np.testing.assert_array_equal(lr[at], expected)


@pytest.mark.parametrize("name,max_iter,base_lr,milestones", [
    ("COCO-InstanceSegmentation/mask_rcnn_R_50_FPN_1x.py", 90000, 0.02, [60000, 80000, 90000]),
    ("new_baselines/mask_rcnn_R_50_FPN_100ep_LSJ.py", 184375, 0.1, [163889, 177546]),
    ("new_baselines/mask_rcnn_R_50_FPN_400ep_LSJ.py", 737500, 0.1, [655556, 710184])])
def test_real_lazyconfigs(name, max_iter, base_lr, milestones):
    [curve] = compare(CONFIGS / name)
    schedule = curve["schedule"]
    assert (schedule["type"], schedule["max_iter"], schedule["base_lr"]) == \
        ("detectron2.lr_multiplier", max_iter, base_lr)
    [warmup] = schedule["multiplier"]
    assert warmup["type"] == "detectron2.warmup"
    assert warmup["scheduler"][0]["milestones"] == milestones
    _lazy_against_port(curve, max_iter, base_lr)


def test_lazyconfig_arithmetic_functions_and_imports(tmp_path):
    _write(tmp_path, "common/sched.py",
           "from fvcore.common.param_scheduler import CosineParamScheduler, "
           "MultiStepParamScheduler\nfrom detectron2.config import LazyCall as L\n"
           "from detectron2.solver import WarmupParamScheduler\n\n"
           "def make(n, cosine=False):\n    total = n * 1000\n"
           "    if cosine:\n        s = L(CosineParamScheduler)(start_value=1, end_value=0.01)\n"
           "    else:\n        s = L(MultiStepParamScheduler)(values=[1.0, 0.5], "
           "milestones=[total // 2, total])\n"
           "    return L(WarmupParamScheduler)(scheduler=s, warmup_length=50 / total, "
           "warmup_factor=0.01)\n\nsched_2 = make(2)\nsched_cos = make(3, cosine=True)\n")
    _write(tmp_path, "common/train.py", "train = dict(max_iter=2000, device='cuda')\n")
    _write(tmp_path, "common/optim.py", "import torch\nfrom detectron2.config import LazyCall "
                                        "as L\nSGD = L(torch.optim.SGD)(params=None, lr=0.01)\n")
    path = _write(tmp_path, "runs/cos.py",
                  "from ..common.sched import sched_cos as lr_multiplier\n"
                  "from ..common.train import train\nfrom ..common.optim import SGD as "
                  "optimizer\nfrom ..common.models import model  # not at hand: not needed\n"
                  "train.max_iter = 3000\noptimizer.lr = optimizer.lr * 2\n"
                  "model.backbone.freeze_at = 2\n")
    [curve] = compare(path)
    s = curve["schedule"]
    assert (s["max_iter"], s["base_lr"]) == (3000, 0.02)
    assert s["multiplier"][0]["scheduler"][0]["type"] == "detectron2.cosine"
    assert s["multiplier"][0]["warmup_length"] == 50 / 3000
    port = pytest.importorskip("detectron2_port")
    pytest.importorskip("fvcore")
    expected = port.detectron2_lrs("detectron2.lr_multiplier", 3000, 0.02,
                                   {k: v for k, v in s.items() if k != "base_lr"})
    np.testing.assert_array_equal(np.array(curve["lr"]), expected)


def test_lazyconfig_is_never_run(tmp_path):
    marker = tmp_path / "pwned"
    path = _write(tmp_path, "c.py",
                  "import os\nfrom detectron2.config import LazyCall as L\n"
                  "from fvcore.common.param_scheduler import CosineParamScheduler\n"
                  f"os.system('touch {marker}')\n"
                  "lr_multiplier = L(CosineParamScheduler)(start_value=1, end_value=0)\n"
                  "train = dict(max_iter=100)\noptimizer = dict(lr=0.1)\n")
    [curve] = compare(path)
    assert len(curve["lr"]) == 100 and not marker.exists()


@pytest.mark.parametrize("text,message", [
    ("from detectron2.config import LazyCall as L\ntrain = dict(max_iter=10)\n"
     "optimizer = dict(lr=0.1)\n", "no lr_multiplier"),
    ("from detectron2.config import LazyCall as L\nfrom x import Sched\n"
     "lr_multiplier = L(Sched)(a=1)\ntrain = dict(max_iter=10)\noptimizer = dict(lr=0.1)\n",
     "x.Sched: not an fvcore param scheduler"),
    ("from detectron2.config import LazyCall as L\n"
     "from fvcore.common.param_scheduler import CosineParamScheduler as C\n"
     "lr_multiplier = L(C)(start_value=helper(), end_value=0)\ntrain = dict(max_iter=10)\n"
     "optimizer = dict(lr=0.1)\n", "c.py:3:.*a call of code lrplot does not run"),
    ("from detectron2.config import LazyCall as L\n"
     "from fvcore.common.param_scheduler import CosineParamScheduler as C\n"
     "lr_multiplier = L(C)(start_value=1, end_value=0)\noptimizer = dict(lr=0.1)\n",
     "no train.max_iter"),
    ("lr_multiplier = (\n", "not valid Python"),
])
def test_bad_lazyconfigs(tmp_path, text, message):
    import re

    out = fail(_write(tmp_path, "c.py", text))
    assert re.search(message, out), out


def test_lazyconfig_bias_lr_factor_and_base_lr_of_the_param_groups(tmp_path):
    head = ("from detectron2.config import LazyCall as L\nimport torch\n"
            "from detectron2.solver.build import get_default_optimizer_params\n"
            "from fvcore.common.param_scheduler import CosineParamScheduler\n"
            "lr_multiplier = L(CosineParamScheduler)(start_value=1, end_value=0)\n"
            "train = dict(max_iter=50)\n")
    path = _write(tmp_path, "bias.py", head + (
        "optimizer = L(torch.optim.SGD)(params=L(get_default_optimizer_params)("
        "base_lr='${..lr}', bias_lr_factor=2.0), lr=0.01)\n"))
    params, bias = compare(path)
    np.testing.assert_array_equal(np.array(bias["lr"]), 2.0 * np.array(params["lr"]))
    assert bias["schedule"]["base_lr"] == 0.02
    path = _write(tmp_path, "own.py", head + (
        "optimizer = L(torch.optim.SGD)(params=L(get_default_optimizer_params)("
        "base_lr=0.5), lr=0.01)\n"))
    [curve] = compare(path)
    assert curve["schedule"]["base_lr"] == 0.5  # every group's lr
    path = _write(tmp_path, "bad.py", head + (
        "optimizer = L(torch.optim.SGD)(params=L(get_default_optimizer_params)("
        "bias_lr_factor=2.0), lr=0.01)\n"))
    assert "bias_lr_factor requires base_lr" in fail(path)


def test_a_base_chain_too_deep_is_refused(tmp_path):
    for i in range(40):
        _write(tmp_path, f"b{i}.yaml", f'_BASE_: "b{i + 1}.yaml"\nSOLVER:\n  MAX_ITER: {i + 10}\n')
    _write(tmp_path, "b40.yaml", "SOLVER:\n  BASE_LR: 0.01\n")
    assert "nest more than 32 deep" in fail(tmp_path / "b0.yaml")
    [curve] = compare(tmp_path / "b20.yaml")
    assert curve["schedule"]["max_iter"] == 30
