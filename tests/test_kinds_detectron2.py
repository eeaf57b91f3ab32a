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
    ("detectron2.lr_multiplier", {"multiplier": [{"type": "cosine", "T_max": 5}],
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
     "at step 10 .*ConstantParamScheduler raises at where >= 1"),
    ({"max_iter": 10, "multiplier": [{"type": "detectron2.multistep", "values": [1.0, 0.1],
                                      "milestones": [5, 10]}]},
     "at step 11 .*MultiStepParamScheduler raises at where > 1"),
    ({"max_iter": 10, "multiplier": [{"type": "detectron2.polynomial", "base_value": 1.0,
                                      "power": 0.5}]}, "at step 11 .*complex"),
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
