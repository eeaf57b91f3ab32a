"""Annotation events of the mmengine and detectron2 kinds: each event sits where the computed lr
series changes course — found in the series itself (a jump after a flat run, the first value of
a flat run, a peak, a restart), never as a number written here — and the figures of real
configs with their events drawn pass the geometric check (tests/figure_check.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import lrplot
from lrplot import render
from lrplot.cli import main
from lrplot.schedules import events_of

sys.path.insert(0, str(Path(__file__).parent))
from figure_check import problems  # noqa: E402

ROOT = Path(__file__).parent.parent
DATA = ROOT / "tests" / "data"
LIST = "mmengine.param_scheduler"


def _series(mapping: dict) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """The lr series of one curve and its events."""
    (curve,) = lrplot.load({"curves": [mapping]}).curves
    from lrplot import compute

    return compute.values(curve), events_of(curve.schedule, curve.steps)


# What the series does at an event's step p; each test holds at p and fails at p - 1 and p + 1.

def jumps(lr: np.ndarray, p: int) -> bool:
    """A change after a flat run: a milestone, a hand-over from a constant part."""
    return lr[p] != lr[p - 1] and lr[p - 1] == lr[p - 2]


def settles(lr: np.ndarray, p: int) -> bool:
    """The last change, the first value of a flat run: a warm-up's or a window's end."""
    return lr[p] != lr[p - 1] and lr[p + 1] == lr[p]


def restarts(lr: np.ndarray, p: int) -> bool:
    """A rise between two falls."""
    return lr[p] > lr[p - 1] and lr[p + 1] < lr[p] and lr[p - 1] < lr[p - 2]


def kinks(lr: np.ndarray, p: int) -> bool:
    """The last value of a flat run, where the lr starts moving (the begin of a scheduler whose
    first step multiplies by 1)."""
    return lr[p] == lr[p - 1] and lr[p + 1] != lr[p]


def peaks(lr: np.ndarray, p: int) -> bool:
    return p == int(np.argmax(lr))


def bottoms(lr: np.ndarray, p: int) -> bool:
    return lr[p] < lr[p - 1] and lr[p] < lr[p + 1]


def _check(lr: np.ndarray, found: list[tuple[int, str]], expected: list[tuple[str, object]]
           ) -> None:
    """``expected``: (a word of the label, the test its step passes), one per event, in step
    order; the test fails one step off."""
    found = sorted(found)
    assert len(found) == len(expected), found
    for (p, label), (word, test) in zip(found, expected):
        assert word in label, (word, label)
        assert test(lr, p), (label, lr[p - 2:p + 3])
        if test is not peaks:
            assert not test(lr, p - 1) and not test(lr, p + 1), (label, lr[p - 2:p + 3])


def _changes(lr: np.ndarray) -> list[int]:
    return [int(i) for i in np.flatnonzero(lr[1:] != lr[:-1]) + 1]


# -- mmengine ----------------------------------------------------------------------------------

MMENGINE = [
    ({"type": "mmengine.linear", "start_factor": 0.001, "by_epoch": False, "end": 500,
      "steps": 600}, [("warm-up end", settles)]),
    ({"type": "mmengine.quadratic_warmup", "begin": 3, "end": 9, "by_epoch": False,
      "steps": 20}, [("begin", jumps), ("warm-up end", settles)]),
    ({"type": "mmengine.multistep", "milestones": [8, 11, 11], "steps_per_epoch": 10,
      "steps": 140}, [("milestone epoch 8", jumps), ("milestone epoch 11 (x2)", jumps)]),
    ({"type": "mmengine.step", "step_size": 3, "begin": 2, "end": 12, "steps": 20},
     [("step_size", jumps), ("", jumps), ("", jumps)]),
    ({"type": "mmengine.cosine", "T_max": 10, "begin": 5, "end": 40, "by_epoch": False,
      "steps": 50}, [("begin", kinks), ("T_max", bottoms), ("", bottoms), ("end", settles)]),
    ({"type": "mmengine.exponential", "gamma": 0.9, "begin": 4, "end": 30, "steps": 40},
     [("begin", kinks), ("end", settles)]),
    ({"type": "mmengine.poly", "power": 0.9, "eta_min": 1e-4, "end": 30, "by_epoch": False,
      "steps": 40}, [("end", settles)]),
    ({"type": "mmengine.onecycle", "eta_max": 0.1, "total_steps": 50, "steps": 51},
     [("peak", peaks), ("end of cycle", bottoms)]),
    ({"type": "mmengine.cosine_restart", "periods": [10, 15], "restart_weights": [1, 0.5],
      "eta_min": 0.0, "by_epoch": False, "steps": 40}, [("restart", restarts),
                                                       ("last period end", settles)]),
    ({"type": LIST, "steps_per_epoch": 20, "steps": 300, "schedulers": [
        {"type": "LinearLR", "start_factor": 0.001, "by_epoch": False, "end": 50},
        {"type": "MultiStepLR", "milestones": [8, 11], "end": 12}]},
     [("LinearLR warm-up end 49", settles), ("MultiStepLR milestone epoch 8", jumps),
      ("MultiStepLR milestone epoch 11", jumps)]),
    ({"type": LIST, "steps_per_epoch": 7, "steps": 100, "schedulers": [  # convert_to_iter_based
        {"type": "QuadraticWarmupLR", "end": 2, "convert_to_iter_based": True},
        {"type": "CosineAnnealingLR", "eta_min": 1e-4, "begin": 2, "end": 12, "T_max": 10,
         "convert_to_iter_based": True},
        {"type": "ConstantLR", "factor": 1.0, "begin": 12, "end": 15}]},
     [("warm-up end 13 → CosineAnnealingLR", settles),
      ("CosineAnnealingLR end 83", settles)]),
]


@pytest.mark.parametrize("mapping, expected", MMENGINE,
                         ids=[m["type"] + str(i) for i, (m, _) in enumerate(MMENGINE)])
def test_mmengine_events_sit_where_the_series_changes_course(mapping, expected):
    lr, found = _series(mapping)
    _check(lr, found, expected)


def test_mmengine_milestones_are_every_change_of_a_multistep_list():
    lr, found = _series({"type": LIST, "steps_per_epoch": 13, "steps": 400, "schedulers": [
        {"type": "MultiStepLR", "milestones": [5, 9], "begin": 2, "end": 20},
        {"type": "StepLR", "step_size": 50, "gamma": 0.5, "by_epoch": False, "begin": 60,
         "end": 260}]})
    assert sorted(step for step, _ in found) == _changes(lr)


def test_momentum_and_plateau_schedulers_mark_nothing_on_the_lr():
    lr, found = _series({"type": LIST, "steps": 60, "schedulers": [
        {"type": "CosineAnnealingMomentum", "T_max": 10, "end": 10},
        {"type": "ReduceOnPlateauLR", "metric": "1.0", "patience": 1}]})
    assert found == []


# -- detectron2 --------------------------------------------------------------------------------

def _warmup_then_steps(lr: np.ndarray, found: list[tuple[int, str]]) -> None:
    """A warm-up then a multi-step decay: the warm-up's end is its last change (the first
    step at the peak), and every later change is a milestone."""
    changes = _changes(lr)
    peak = int(np.argmax(lr))
    expected = [peak] + [c for c in changes if c > peak]
    assert [step for step, _ in sorted(found)] == expected, (found, expected)
    assert "warm-up end" in sorted(found)[0][1]


@pytest.mark.parametrize("max_iter", [90_000, 1_080_000, 3_000_000])
def test_detectron2_solver_events_move_with_fvcores_epsilon(max_iter):
    """Past 10^6 iterations fvcore's 1e-6 moves the warm-up end and the milestones one
    iteration early; the events follow the series and say so."""
    steps = [max_iter * 2 // 3, max_iter * 8 // 9]
    lr, found = _series({"type": "detectron2.solver", "max_iter": max_iter,
                         "solver_steps": steps, "warmup_iters": 1000, "steps": max_iter})
    _warmup_then_steps(lr, found)
    moved = [label for _, label in found if "fvcore's 1e-6" in label]
    assert len(moved) == (3 if max_iter > 1_000_000 else 0), found


@pytest.mark.parametrize("case", [
    {"max_iter": 300, "solver_steps": [100, 200, 250, 900], "warmup_iters": 30},
    {"max_iter": 300, "solver_steps": [100, 200], "warmup_iters": 30,
     "warmup_method": "constant"},
    {"max_iter": 300, "solver_steps": [120], "warmup_iters": 60, "rescale_interval": True},
    {"max_iter": 240, "lr_scheduler_name": "WarmupStepWithFixedGammaLR", "num_decays": 3,
     "warmup_iters": 20},
])
def test_detectron2_solver_warmup_and_milestones(case):
    lr, found = _series({"type": "detectron2.solver", "steps": case["max_iter"], **case})
    if case.get("warmup_method") == "constant":  # a jump up to base_lr at the warm-up's end
        assert sorted(found)[0][0] == _changes(lr)[0]
        assert [s for s, _ in sorted(found)[1:]] == _changes(lr)[1:]
    else:
        _warmup_then_steps(lr, found)


COSINE = {"type": "detectron2.cosine", "start_value": 1.0, "end_value": 0.0}
DETECTRON2 = [
    ({"type": "detectron2.lr_multiplier", "max_iter": 150, "steps": 150, "multiplier": [
        {"type": "detectron2.warmup", "warmup_factor": 0.001, "warmup_length": 0.1,
         "rescale_interval": True, "scheduler": [
             {"type": "detectron2.composite", "lengths": [0.5, 0.5],
              "interval_scaling": ["rescaled", "fixed"],
              "schedulers": [{"type": "detectron2.multistep", "values": [1, 0.5],
                              "milestones": [3], "num_updates": 10}, COSINE]}]}]},
     [("warm-up end", settles), ("milestone", jumps), ("multistep → cosine", jumps)]),
    ({"type": "detectron2.composite", "lengths": [0.25, 0.25, 0.5], "steps": 200,
      "interval_scaling": ["rescaled", "rescaled", "fixed"],
      "schedulers": [{"type": "detectron2.linear", "start_value": 0.1, "end_value": 1.0},
                     {"type": "detectron2.step", "num_updates": 1, "values": [1.0, 0.5]},
                     COSINE]},
     [("linear → step", settles), ("values[1]", jumps), ("step → cosine", kinks)]),
    ({"type": "detectron2.step_fixed_gamma", "base_value": 1.0, "num_decays": 3,
      "gamma": 0.1, "num_updates": 10, "steps": 103},
     [("decay[1]", jumps), ("decay[2]", jumps), ("decay[3]", jumps)]),
    ({"type": "detectron2.multistep", "values": [1, 0.1, 0.01], "num_updates": 7,
      "steps": 50, "steps_per_epoch": 5, "interval": "epoch"},  # placed on the iterations
     [("milestone", jumps), ("milestone", jumps)]),
    ({"type": "detectron2.warmup_multistep", "milestones": [30, 60, 60], "gamma": 0.5,
      "warmup_iters": 10, "steps": 100},
     [("warm-up end", settles), ("milestone 30", jumps), ("milestone 60 (x2", jumps)]),
    ({"type": "detectron2.warmup_cosine", "max_iters": 80, "warmup_iters": 15,
      "warmup_method": "constant", "warmup_factor": 0.1, "steps": 100},
     [("warm-up end", lambda lr, p: lr[p] > lr[p - 1] and lr[p + 1] < lr[p]),
      ("max_iters", bottoms)]),
]


@pytest.mark.parametrize("mapping, expected", DETECTRON2,
                         ids=[m["type"] + str(i) for i, (m, _) in enumerate(DETECTRON2)])
def test_detectron2_events_sit_where_the_series_changes_course(mapping, expected):
    lr, found = _series(mapping)
    _check(lr, found, expected)


def test_detectron2_piecewise_constant_events_are_every_change():
    for mapping in (DETECTRON2[2][0], DETECTRON2[3][0],
                    {"type": "detectron2.step", "num_updates": 5, "steps": 999_999,
                     "values": [1.0, 0.3, 0.2, 0.1]}):
        lr, found = _series(mapping)
        assert [step for step, _ in sorted(found)] == _changes(lr)


# -- DeepSpeed, torchtitan, nanoGPT, Megatron --------------------------------------------------

def rises_to_its_top(lr: np.ndarray, p: int) -> bool:
    """The first step at the top: what follows is flat or falls."""
    return lr[p] > lr[p - 1] and lr[p + 1] <= lr[p]


def bends(lr: np.ndarray, p: int) -> bool:
    """The slope changes after p, not before (a linear fall turns into a slower decay)."""
    slope = np.diff(lr[p - 2:p + 2])
    return bool(np.isclose(slope[0], slope[1], rtol=1e-9, atol=0)
                and not np.isclose(slope[1], slope[2], rtol=1e-9, atol=0))


def reaches_zero(lr: np.ndarray, p: int) -> bool:
    return lr[p] == 0.0 and lr[p - 1] != 0.0


LARGE_MODELS = [
    *[({"type": "deepspeed.warmup", "warmup_num_steps": w, "warmup_type": t, "steps": 60},
       [("warm-up end", settles)])
      for w in (6, 7, 10, 16) for t in ("log", "linear")],  # log(6), log(10): 1 ulp short
    *[({"type": "deepspeed.warmup_decay", "warmup_num_steps": w, "total_num_steps": 40,
        "warmup_type": t, "steps": 60}, [("warm-up end", rises_to_its_top), ("0 from 41", settles)])
      for w in (6, 7) for t in ("log", "linear")],
    *[({"type": "deepspeed.warmup_cosine", "warmup_num_steps": 10, "total_num_steps": total,
        "warmup_type": t, "steps": 60}, [("warm-up end", peaks), ("total_num_steps", settles)])
      for t in ("log", "linear") for total in (13, 40)],  # 13: the cosine starts lower
    ({"type": "deepspeed.one_cycle", "cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3,
      "cycle_first_step_size": 10, "cycle_second_step_size": 15, "steps": 40},
     [("peak", peaks), ("end of cycle", settles)]),
    ({"type": "deepspeed.one_cycle", "cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3,
      "cycle_first_step_size": 10, "decay_lr_rate": 0.5, "decay_step_size": 5, "steps": 40},
     [("peak", peaks), ("end of cycle", lambda lr, p: lr[p] < lr[p - 1] and bends(lr, p))]),
    ({"type": "torchtitan.wsd", "training_steps": 100, "warmup_steps": 10, "decay_ratio": 0.2,
      "steps": 110}, [("warm-up end 9", settles), ("decay start 80", kinks),
                      ("decay end 100", reaches_zero)]),
    ({"type": "torchtitan.wsd", "training_steps": 100, "warmup_steps": 10, "decay_ratio": 0.2,
      "formula": "2025-03", "steps": 100}, [("warm-up end 10", settles),
                                            ("decay start 79", kinks)]),
    ({"type": "torchtitan.wsd", "training_steps": 50, "warmup_steps": 5, "steps": 50},
     [("warm-up end 4", settles), ("decay start 5", kinks)]),  # the hidden stable step
    ({"type": "nanogpt.cosine", "warmup_iters": 10, "lr_decay_iters": 50, "min_lr": 1e-4,
      "steps": 70}, [("warm-up end 10", peaks), ("lr_decay_iters 50", settles)]),
    *[({"type": "megatron.param_scheduler", "lr_decay_steps": 800, "lr_warmup_steps": 80,
        "lr_decay_style": style, "wsd_decay_steps": 200, "increment": 4, "steps": 260},
       [("warm-up end 80 (iteration 20)", peaks if style != "WSD" else settles),
        *([("decay start 600 (iteration 150)", kinks)] if style == "WSD" else []),
        ("lr_decay_steps 800 (iteration 200)", settles)])
      for style in ("linear", "cosine", "WSD")],
    ({"type": "megatron.param_scheduler", "lr_decay_steps": 100, "lr_warmup_steps": 10,
      "lr_decay_style": "inverse-square-root", "steps": 120}, [("warm-up end 10", peaks)]),
]


@pytest.mark.parametrize("mapping, expected", LARGE_MODELS,
                         ids=[m["type"] + str(i) for i, (m, _) in enumerate(LARGE_MODELS)])
def test_large_model_trainer_events_sit_where_the_series_changes_course(mapping, expected):
    lr, found = _series(mapping)
    _check(lr, found, expected)


# -- timm ----------------------------------------------------------------------------------------

def rises(lr: np.ndarray, p: int) -> bool:
    """A restart: the lr jumps up after falling."""
    return lr[p] > lr[p - 1] and lr[p - 1] < lr[p - 2]


def reaches_its_floor(lr: np.ndarray, p: int) -> bool:
    return lr[p] == lr[-1] == lr[p:].min() and lr[p - 1] > lr[p]


TIMM = [
    ({"type": "timm.cosine", "t_initial": 20, "warmup_t": 3, "steps": 30},
     [("warm-up end 3", peaks), ("t_initial 20: lr_min", reaches_its_floor)]),
    *[({"type": "timm.cosine", "t_initial": 10, "warmup_t": 3, "warmup_prefix": True,
        "cycle_limit": 3, "cycle_mul": mul, "cycle_decay": 0.5, "steps": 90},
       [("warm-up end 3", peaks), ("restart 1", rises), ("restart 2", rises),
        ("cycle 3 end: lr_min", reaches_its_floor)]) for mul in (1.5, 2.0)],
    ({"type": "timm.cosine", "t_initial": 10, "warmup_t": 2, "cycle_limit": 2,
      "updates_per_epoch": 5, "steps": 120},
     [("warm-up end (epoch 2)", jumps), ("restart 1 (epoch 10)", jumps),
      ("cycle 2 end: lr_min (epoch 20)", reaches_its_floor)]),
    ({"type": "timm.tanh", "t_initial": 20, "warmup_t": 3, "steps": 30},
     [("warm-up end 3", peaks), ("t_initial 20: lr_min", reaches_its_floor)]),
    ({"type": "timm.poly", "t_initial": 12, "cycle_limit": 2, "steps": 30},
     [("restart 1", rises), ("cycle 2 end: lr_min", reaches_its_floor)]),
]


@pytest.mark.parametrize("mapping, expected", TIMM,
                         ids=[m["type"] + str(i) for i, (m, _) in enumerate(TIMM)])
def test_timm_events_sit_where_the_series_changes_course(mapping, expected):
    lr, found = _series(mapping)
    _check(lr, found, expected)


@pytest.mark.parametrize("mapping", [
    {"type": "timm.step", "decay_t": 2.5, "decay_rate": 0.5, "warmup_t": 2, "steps": 14},
    {"type": "timm.step", "decay_t": 0.7, "decay_rate": 0.9, "steps": 20},
    {"type": "timm.step", "decay_t": 3, "decay_rate": 0.5, "warmup_t": 2, "warmup_prefix": False,
     "updates_per_epoch": 4, "steps": 60},
    {"type": "timm.multistep", "decay_t": [3, 6, 6, 9], "decay_rate": 0.5, "warmup_t": 2,
     "steps": 14},
    {"type": "timm.multistep", "decay_t": [1, 4, 7], "decay_rate": 0.5, "warmup_t": 3,
     "warmup_prefix": False, "updates_per_epoch": 3, "steps": 40},
], ids=lambda m: m["type"])
def test_timm_decays_are_every_change_after_the_warm_up(mapping):
    """Every change of a step schedule after its warm-up is a decay event (a milestone inside
    a warm-up that is not a prefix is hidden by it, and marked nowhere)."""
    lr, found = _series(mapping)
    warm = mapping["warmup_t"] * mapping.get("updates_per_epoch", 1) if "warmup_t" in mapping \
        else 0
    decays = [s for s, label in sorted(found) if "decay" in label]
    assert [s for s in decays if s > warm] == [c for c in _changes(lr) if c > warm]
    assert all(s in _changes(lr) for s in decays)  # one at the warm-up's end: a bigger jump


@pytest.mark.parametrize("mapping", [
    {"type": "timm.step", "decay_t": 0.001, "t_in_epochs": False},
    {"type": "timm.cosine", "t_initial": 1, "cycle_limit": 10**9, "t_in_epochs": False},
], ids=lambda m: m["type"])
def test_timm_events_of_a_long_run_stop_at_what_can_be_drawn(mapping):
    """10^8 steps of a decay every step (several, with decay_t < 1) or of 10^9 cycles: the
    hook stops past the most events a figure draws, it does not list them all."""
    from lrplot.schedules import MAX_EVENTS

    (curve,) = lrplot.load({"curves": [{**mapping, "steps": 10**8}]}).curves
    found = events_of(curve.schedule, curve.steps)
    assert len(found) == MAX_EVENTS + 1
    assert [s for s, _ in found] == list(range(1, MAX_EVENTS + 2))


# -- figures of real configs ---------------------------------------------------------------------

FIGURES = [
    ["mmengine/mmdetection/configs/faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py",
     "--steps-per-epoch", "7330"],
    ["mmengine/mmdetection/configs/yolox/yolox_s_8xb8-300e_coco.py", "--steps-per-epoch",
     "1833"],
    ["mmengine/mmpretrain/configs/_base_/schedules/imagenet_bs1024_adamw_swin.py",
     "--steps-per-epoch", "1251"],
    ["detectron2/configs/COCO-Detection/faster_rcnn_R_50_FPN_3x.yaml"],
    ["detectron2/configs/new_baselines/mask_rcnn_R_50_FPN_400ep_LSJ.py"],
    ["foreign/deepspeed/bert_base_finetuning.json"],
    ["foreign/megatron/train_bert_340m_distributed.sh"],
    ["foreign/nanogpt/train_shakespeare_char.py"],
    ["foreign/torchtitan/llama3_8b.toml"],
    ["foreign/timm/resnext50_cosine.sh", "--dataset-size", "1281167", "--world-size", "8"],
]


def _drawn(args: list[str], tmp_path: Path, monkeypatch) -> list:
    """(the geometric check's problems, the visible texts) of each figure ``compare`` draws."""
    figures = []
    save = render.save

    def checked(fig, stream, fmt, metadata=None):
        figures.append((problems(fig, args[0]), [t.get_text() for ax in fig.axes
                                                 for t in ax.texts if t.get_visible()]))
        return save(fig, stream, fmt, metadata)

    monkeypatch.setattr(render, "save", checked)
    result = CliRunner().invoke(main, ["compare", str(DATA / args[0]), *args[1:], "--annotate",
                                       "-q", "-o", str(tmp_path / "out.png")])
    assert result.exit_code == 0, result.output
    return figures


@pytest.mark.parametrize("args", FIGURES, ids=[Path(a[0]).name for a in FIGURES])
def test_real_configs_draw_clean_annotated_figures(args, tmp_path, monkeypatch):
    [(found, texts)] = _drawn(args, tmp_path, monkeypatch)
    assert not found, "\n".join(found)
    assert any("warm-up end" in text for text in texts), texts


def test_a_name_crowded_on_both_ends_goes_to_the_other_side_of_its_line(tmp_path, monkeypatch):
    """torchtitan's peak (warm-up end 199) and the hidden stable step (decay start 200) are
    one step apart: the second name goes left of its line rather than disappearing."""
    [(found, texts)] = _drawn(["foreign/torchtitan/llama3_8b.toml"], tmp_path, monkeypatch)
    assert not found, "\n".join(found)
    assert {"warm-up end 199", "decay start 200"} <= set(texts), texts
