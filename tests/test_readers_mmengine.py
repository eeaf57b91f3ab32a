"""mmengine Python configs read as data (lrplot.readers.pyconfig, lrplot.readers.mmengine),
checked against mmengine itself: its Config.fromfile merges the same files, and the schedulers
it builds from the merged config (the Runner's default end, build_iter_from_epoch for
convert_to_iter_based), stepped as ParamSchedulerHook steps them, give the same lrs. The real
configs under tests/data/mmengine name their repository, path and commit in PROVENANCE.md."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from lrplot.cli import main
from lrplot.readers import pyconfig

DATA = Path(__file__).resolve().parent / "data" / "mmengine"
DET = DATA / "mmdetection" / "configs"
FASTER = DET / "faster_rcnn" / "faster-rcnn_r50_fpn_1x_coco.py"
YOLOX = DET / "yolox" / "yolox_s_8xb8-300e_coco.py"
SWIN = DATA / "mmpretrain" / "configs" / "_base_" / "schedules" / "imagenet_bs1024_adamw_swin.py"


def compare(path, *flags, tmp_path):
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["compare", str(path), *flags, "-o", str(out)])
    assert result.exit_code == 0, result.output
    [curve] = json.loads(out.read_text())["panels"][0]["curves"]
    return np.array(curve["lr"]), curve


def fail(path, *flags, tmp_path):
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["compare", str(path), *flags, "-o", str(out)])
    assert not out.exists()
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def _mmengine_run(path: Path, steps_per_epoch: int, lr_scale: float = 1.0):
    """The lrs mmengine gives the config: Config.fromfile, the Runner's defaults, the real
    schedulers stepped for the whole run (its last value included)."""
    pytest.importorskip("mmengine")
    import mmengine_oracle
    from mmengine.config import Config

    cfg = Config.fromfile(str(path)).to_dict()
    loop = cfg["train_cfg"]
    by_epoch = loop.get("type", "EpochBasedTrainLoop" if loop.get("by_epoch") else
                        "IterBasedTrainLoop") == "EpochBasedTrainLoop"
    max_epochs = loop["max_epochs"] if by_epoch else 1
    max_iters = max_epochs * steps_per_epoch if by_epoch else loop["max_iters"]
    schedulers = cfg["param_scheduler"]
    schedulers = schedulers if isinstance(schedulers, list) else [schedulers]
    entries = []
    for s in schedulers:
        s = dict(s)
        s.setdefault("end", max_epochs if s.get("by_epoch", True) else max_iters)  # the Runner
        name = s.pop("type").split(".")[-1]
        entries.append((name, s))
    lr = cfg["optim_wrapper"]["optimizer"]["lr"] * lr_scale
    return mmengine_oracle.run(entries, max_iters + 1, lr, steps_per_epoch)["lr"]


@pytest.mark.parametrize("path,flags,spe", [
    (FASTER, ("--dataset-size", "1170", "--world-size", "8"), 74),  # ceil(ceil(1170/8)/2)
    (YOLOX, ("--steps-per-epoch", "3"), 3),
    (SWIN, ("--steps-per-epoch", "5"), 5),
])
def test_real_configs_match_mmengine(path, flags, spe, tmp_path):
    lr, curve = compare(path, *flags, tmp_path=tmp_path)
    assert curve["schedule"]["steps_per_epoch"] == spe
    expected = _mmengine_run(path, spe)
    assert len(lr) == len(expected)
    np.testing.assert_allclose(lr, expected, rtol=1e-12, atol=0)


def test_faster_rcnn_arithmetic_is_explained(tmp_path):
    result = CliRunner().invoke(main, ["compare", str(FASTER), "--dataset-size", "117266",
                                       "--world-size", "8", "--explain", "-o",
                                       str(tmp_path / "x.json")])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "steps_per_epoch = ceil(ceil(117266 / 8) / 2) = 7330" in text
    assert "max_iters = 12 x 7330 = 87960" in text
    assert "schedule_1x.py:22:35 optim_wrapper.optimizer.lr" in text  # from the base file


def test_runner_default_end_is_the_loop_length(tmp_path):
    """mmpretrain's cosine has no end: the Runner gives it max_epochs (300), so T_max is 280;
    end is exclusive, so the last epoch trains at step 279 of 280, short of eta_min."""
    import math

    lr, curve = compare(SWIN, "--steps-per-epoch", "2", "--explain", tmp_path=tmp_path)
    assert curve["schedule"]["schedulers"][1]["end"] == 300
    last = 1e-5 + (1e-3 - 1e-5) * (1 + math.cos(math.pi * 279 / 280)) / 2
    assert lr[-1] == pytest.approx(last, rel=1e-9) and lr[-1] > 1e-5


def test_auto_scale_lr_scales_by_world_times_batch(tmp_path):
    config = tmp_path / "configs" / "x.py"
    config.parent.mkdir()
    config.write_text("train_cfg = dict(type='IterBasedTrainLoop', max_iters=10)\n"
                      "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.02))\n"
                      "param_scheduler = dict(type='LinearLR', by_epoch=False, end=5)\n"
                      "train_dataloader = dict(batch_size=4)\n"
                      "auto_scale_lr = dict(enable=True, base_batch_size=16)\n")
    lr, curve = compare(config, "--world-size", "8", tmp_path=tmp_path)
    assert curve["schedule"]["base_lr"] == 0.02 * (float(32) / float(16))
    assert len(lr) == 11


def test_paramwise_lr_mult_gives_each_group_its_curve(tmp_path):
    """custom_keys lr_mult (mmdetection's DETR backbones: 0.1) and bias_lr_mult: one curve per
    distinct group lr, each scheduled from its own lr as mmengine schedules every group."""
    config = _write(tmp_path / "configs", {
        "x.py": "train_cfg = dict(type='IterBasedTrainLoop', max_iters=30)\n"
                "optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-4),\n"
                "    paramwise_cfg=dict(bias_lr_mult=2.0,\n"
                "        custom_keys={'backbone': dict(lr_mult=0.1),\n"
                "                     'head': dict(decay_mult=0)}))\n"
                "param_scheduler = [dict(type='LinearLR', start_factor=0.1, by_epoch=False,\n"
                "    end=10), dict(type='CosineAnnealingLR', by_epoch=False, begin=10, end=30,\n"
                "    eta_min=1e-6)]\n"})
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["compare", str(config), "-o", str(out)])
    assert result.exit_code == 0, result.output
    curves = json.loads(out.read_text())["panels"][0]["curves"]
    assert [c["schedule"]["base_lr"] for c in curves] == [1e-4, 1e-4 * 2.0, 1e-4 * 0.1]
    pytest.importorskip("mmengine")
    import mmengine_oracle

    entries = [("LinearLR", {"start_factor": 0.1, "by_epoch": False, "end": 10}),
               ("CosineAnnealingLR", {"by_epoch": False, "begin": 10, "end": 30,
                                      "eta_min": 1e-6})]
    for curve in curves:
        expected = mmengine_oracle.run(entries, 31, curve["schedule"]["base_lr"], None)["lr"]
        np.testing.assert_allclose(curve["lr"], expected, rtol=1e-12, atol=0)


# -- inheritance -----------------------------------------------------------------------------

def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root / next(iter(files))


def test_merge_rules_match_mmengine(tmp_path):
    """A child dict merges into the base's key by key; _delete_=True replaces it; lists
    replace; names assigned above are data; the merged config is mmengine's own."""
    top = _write(tmp_path / "configs", {
        "child.py": "_base_ = ['./base.py']\nlr = 0.1 * 2\n"
                    "optim_wrapper = dict(optimizer=dict(lr=lr))\n"
                    "train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=40)\n"
                    "param_scheduler = [dict(type='PolyLR', by_epoch=False, power=0.9)]\n",
        "base.py": "train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12, val_interval=1)\n"
                   "optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', "
                   "lr=0.01, momentum=0.9))\n"
                   "param_scheduler = [dict(type='LinearLR')]\n"})
    data = pyconfig.load(str(top)).data
    assert data["train_cfg"] == {"type": "IterBasedTrainLoop", "max_iters": 40}
    assert data["optim_wrapper"] == {"type": "OptimWrapper", "optimizer": {
        "type": "SGD", "lr": 0.2, "momentum": 0.9}}
    pytest.importorskip("mmengine")
    from mmengine.config import Config

    theirs = Config.fromfile(str(top)).to_dict()
    for key in ("train_cfg", "optim_wrapper", "param_scheduler"):
        assert theirs[key] == data[key]
    lr, _ = compare(top, tmp_path=tmp_path)
    np.testing.assert_allclose(lr, _mmengine_run(top, 1), rtol=1e-12, atol=0)


def test_bases_setting_one_key_twice_are_refused(tmp_path):
    top = _write(tmp_path / "configs", {"c.py": "_base_ = ['a.py', 'b.py']\n",
                                        "a.py": "x = 1\n", "b.py": "x = 2\n"})
    with pytest.raises(Exception, match="set 'x' twice"):
        pyconfig.load(str(top))


# -- hostile and bad input -------------------------------------------------------------------

def test_base_cycle_is_an_error_at_its_line(tmp_path):
    top = _write(tmp_path / "configs", {
        "a.py": "_base_ = 'b.py'\nparam_scheduler = dict(type='LinearLR')\n",
        "b.py": "x = 1\n_base_ = ['a.py']\n"})
    out = fail(top, tmp_path=tmp_path)
    assert "_base_ cycle: a.py -> b.py -> a.py" in out and "b.py:2:" in out


def test_base_outside_the_config_tree_is_refused(tmp_path):
    outside = tmp_path / "elsewhere.py"
    outside.write_text("train_cfg = dict(by_epoch=False, max_iters=10)\n")
    top = _write(tmp_path / "project" / "configs", {
        "a.py": "_base_ = '../../elsewhere.py'\nparam_scheduler = dict(type='LinearLR')\n"})
    out = fail(top, tmp_path=tmp_path)
    assert "a.py:1:10" in out and "outside the config's directory" in out


def test_huge_and_broken_files_are_refused(tmp_path):
    huge = _write(tmp_path / "configs", {"huge.py": "param_scheduler = [" +
                                         "dict(type='LinearLR'), " * 2_000_000 + "]\n"})
    assert "huge.py" in fail(huge, tmp_path=tmp_path)
    broken = _write(tmp_path / "configs", {"broken.py": "param_scheduler = [dict(\n"})
    assert "broken.py:1:" in fail(broken, tmp_path=tmp_path)
    deep = _write(tmp_path / "configs", {"deep.py": "param_scheduler = " + "[" * 60 +
                                         "]" * 60 + "\ntrain_cfg = dict(by_epoch=False)\n"})
    assert "deep.py:1:" in fail(deep, tmp_path=tmp_path)
    power = _write(tmp_path / "configs", {
        "power.py": "n = 10 ** 10 ** 10\ntrain_cfg = dict(by_epoch=False, max_iters=n)\n"
                    "optim_wrapper = dict(optimizer=dict(lr=0.1))\n"
                    "param_scheduler = dict(type='LinearLR', by_epoch=False)\n"})
    out = fail(power, tmp_path=tmp_path)
    assert "power.py:1:5" in out and "not data lrplot reads" in out


def test_missing_facts_name_their_flags(tmp_path):
    out = fail(FASTER, tmp_path=tmp_path)
    assert "--dataset-size" in out and "--steps-per-epoch" in out
    config = _write(tmp_path / "configs", {
        "x.py": "train_cfg = dict(by_epoch=False, max_iters=10)\n"
                "optim_wrapper = dict(optimizer=dict(lr=compute()))\n"
                "param_scheduler = dict(type='LinearLR', by_epoch=False)\n"})
    out = fail(config, tmp_path=tmp_path)
    assert "x.py:2:40" in out and "a Call expression" in out and "not data lrplot reads" in out


def test_unknown_scheduler_types_are_named_with_a_near_miss(tmp_path):
    config = _write(tmp_path / "configs", {
        "x.py": "train_cfg = dict(by_epoch=False, max_iters=10)\n"
                "optim_wrapper = dict(optimizer=dict(lr=0.1))\n"
                "param_scheduler = [dict(type='CosineAnealingLR', by_epoch=False)]\n"})
    out = fail(config, tmp_path=tmp_path)
    assert "x.py:3:" in out and "CosineAnnealingLR" in out


def test_a_by_epoch_scheduler_in_an_iteration_loop_is_refused(tmp_path):
    config = _write(tmp_path / "configs", {
        "x.py": "train_cfg = dict(type='IterBasedTrainLoop', max_iters=10)\n"
                "optim_wrapper = dict(optimizer=dict(lr=0.1))\n"
                "param_scheduler = [dict(type='MultiStepLR', milestones=[2])]\n"})
    assert "never steps" in fail(config, tmp_path=tmp_path)
