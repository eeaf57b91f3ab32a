"""The detectron2 kinds' declarations: what their constructors refuse is refused by name before
anything is computed, and the CLI says so with exit 2 (no fvcore needed)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

import lrplot
from lrplot.cli import main
from lrplot.problems import SpecError

COS = {"type": "detectron2.cosine", "start_value": 1.0, "end_value": 0.0}


@pytest.mark.parametrize("kind,params,message", [
    ("detectron2.multistep", {"values": [1.0, 0.1]}, "milestones.*give milestones or "
                                                      "num_updates"),
    ("detectron2.multistep", {"values": [1.0, 0.1], "milestones": [5, 3, 9]},
     "give 2 milestones for 2 values"),
    ("detectron2.multistep", {"values": [1.0, 0.1, 0.01], "milestones": [5, 3, 9]},
     "must increase from above 0: 3 after 5"),
    ("detectron2.multistep", {"values": [1.0, 0.1], "milestones": [10], "num_updates": 10},
     "10 is not smaller than num_updates = 10"),
    ("detectron2.multistep", {"values": [1.0, 0.1, 0.01], "num_updates": 2},
     "2 must be at least the 3 values"),
    ("detectron2.step", {"num_updates": 0, "values": [1.0]}, "num_updates"),
    ("detectron2.step", {"num_updates": 10, "values": []}, "at least one value"),
    ("detectron2.step_fixed_gamma", {"base_value": 1.0, "num_decays": 0, "gamma": 0.1,
                                     "num_updates": 10}, "num_decays"),
    ("detectron2.composite", {"schedulers": [COS, COS], "lengths": [0.5],
                              "interval_scaling": ["rescaled", "fixed"]},
     "one length per scheduler"),
    ("detectron2.composite", {"schedulers": [COS, COS], "lengths": [0.5, 0.6],
                              "interval_scaling": ["rescaled", "fixed"]}, "must sum to 1"),
    ("detectron2.composite", {"schedulers": [COS], "lengths": [1.0],
                              "interval_scaling": ["scaled"]}, "rescaled, fixed"),
    ("detectron2.warmup", {"scheduler": [COS, COS], "warmup_factor": 0.1,
                           "warmup_length": 0.1}, "give one scheduler"),
    ("detectron2.warmup", {"scheduler": [COS], "warmup_factor": 0.1, "warmup_length": 1.5},
     "warmup_length"),
    ("detectron2.lr_multiplier", {"multiplier": [{"type": "detectron2.solver"}],
                                  "max_iter": 10}, "not an fvcore ParamScheduler"),
    ("detectron2.lr_multiplier", {"multiplier": [{"type": "hf.cosine", "num_warmup_steps": 1,
                                                   "num_training_steps": 5}],
                                  "max_iter": 10}, "only detectron2 schedules"),
    ("detectron2.warmup_multistep", {"milestones": [50, 20]}, "increasing order"),
    ("detectron2.solver", {"max_iter": 100, "solver_steps": [50, 100]}, "equals MAX_ITER"),
    ("detectron2.solver", {"max_iter": 100, "solver_steps": [60, 40]}, "must increase"),
])
def test_refused_by_name(kind, params, message):
    with pytest.raises(SpecError) as err:
        lrplot.schedule(kind, steps=20, **params)
    assert re.search(message, str(err.value)), str(err.value)


@pytest.mark.parametrize("params,message", [
    # fvcore raises at where >= 1 / where > 1: the step is named
    ({"max_iter": 10, "multiplier": [{"type": "detectron2.constant", "value": 1.0}]},
     "from step 10 .*ConstantParamScheduler raises at where >= 1"),
    ({"max_iter": 10, "multiplier": [{"type": "detectron2.multistep", "values": [1.0, 0.1],
                                      "milestones": [5, 10]}]},
     "from step 11 .*MultiStepParamScheduler raises at where > 1"),
    ({"max_iter": 10, "multiplier": [{"type": "detectron2.polynomial", "base_value": 1.0,
                                      "power": 0.5}]}, "from step 11 .*complex"),
])
def test_where_past_the_run_raises_as_fvcore_does(params, message):
    with pytest.raises(SpecError, match=message):
        lrplot.schedule("detectron2.lr_multiplier", steps=15, **params)
    assert len(lrplot.schedule("detectron2.lr_multiplier", steps=10, **params)) == 10


def test_cosine_solver_checks_base_lr_end_against_base_lr():
    with pytest.raises(SpecError, match=r"BASE_LR_END / BASE_LR = 2\.0"):
        lrplot.schedule("detectron2.solver", steps=10, base_lr=0.01, max_iter=10,
                        lr_scheduler_name="WarmupCosineLR", base_lr_end=0.02)


def test_cli_flags_and_bad_values(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["detectron2.composite", "--schedulers",
                                  "[{type: detectron2.cosine, start_value: 1, end_value: 0}]",
                                  "--lengths", "1", "--interval-scaling", "rescal",
                                  "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "did you mean 'rescaled'" in result.output, result.output
    out = tmp_path / "m.csv"
    result = runner.invoke(main, ["fvcore.MultiStepParamScheduler", "--values", "1,0.1",
                                  "--milestones", "30,90", "--steps", "90", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = out.read_text().splitlines()
    assert rows[30] == "29,0.1" and rows[31] == "30,0.010000000000000002"


def _child(spec: dict):
    from lrplot import schedules

    kind = schedules.get(spec["type"])
    values = {**kind.defaults(), **{k: v for k, v in spec.items() if k != "type"}}
    for key in ("scheduler", "schedulers"):
        if key in values:
            values[key] = tuple(_child(c) for c in values[key])
    for key, value in values.items():
        if isinstance(value, list):
            values[key] = tuple(value)
    return schedules.Child(kind.name, tuple((p.name, values[p.name]) for p in kind.params))


@pytest.mark.parametrize("seed", range(40))
def test_check_steps_and_the_kernels_agree_on_the_first_step_fvcore_refuses(seed):
    """lrplot.frameworks.detectron2.where (plain Python, for check_steps) and the kernels find
    the same first step at which fvcore raises."""
    import random

    from lrplot.frameworks.detectron2 import kernels, where
    from lrplot.schedules import ScheduleError

    rng = random.Random(seed)
    leaves = [{"type": "detectron2.constant", "value": 0.5},
              {"type": "detectron2.multistep", "values": [1.0, 0.1], "milestones": [3, 9]},
              {"type": "detectron2.step", "num_updates": 5, "values": [1.0, 0.5, 0.1]},
              {"type": "detectron2.step_fixed_gamma", "base_value": 1.0, "num_decays": 2,
               "gamma": 0.5, "num_updates": 9},
              {"type": "detectron2.polynomial", "base_value": 1.0, "power": 0.5}, COS]
    leaf = rng.choice(leaves)
    tree = leaf if rng.random() < 0.3 else {
        "type": "detectron2.warmup", "scheduler": [leaf], "warmup_factor": 0.1,
        "warmup_length": rng.choice([0.0, 0.1, 0.5]),
        "warmup_method": rng.choice(["linear", "constant"]),
        "rescale_interval": rng.random() < 0.5}
    child = _child(tree)
    max_iter = rng.choice([7, 10, 100, 999_999])
    steps = max_iter + rng.randint(1, 5) if max_iter < 1000 else max_iter
    params = {"multiplier": (child,), "max_iter": max_iter}
    found = where.first_raising_step("detectron2.lr_multiplier", params, steps)
    try:
        for _ in kernels.lr_multiplier(steps, 0.1, (child,), max_iter, chunk=1 << 16):
            pass
        raised = None
    except ScheduleError as exc:
        raised = int(re.search(r"at step (\d+)", str(exc)).group(1))
    assert (found[0] if found else None) == raised, (tree, max_iter, steps, found)
